import { z } from 'zod';
import { FnSpec } from '../../graph/PipelineGraph.js';

/**
 * The internal connector between the two parts of a job scaled out with a repartition topic (see subTopologies.ts):
 * part 1 ends in its sink, part 2 starts from its source. The scale-out worker writes this config; users do not.
 */
export const RepartitionConfig = z.object({
  /** Connection options of the job's Kafka source (brokers, client id, TLS, SASL): the repartition topic is on that cluster. */
  kafka: z.record(z.string(), z.unknown()),
  topic: z.string().min(1),
  /** Partitions of the repartition topic: partition p holds the key groups Flink gives subtask p of that many. */
  partitions: z.number().int().positive(),
  maxParallelism: z.number().int().positive(),
  /** Sink: the keyBy's key selector, which picks each record's partition by its key group. */
  keySelector: FnSpec.optional(),
  /** Sink: this writer's id, the source partition its part 1 reads. */
  writer: z.number().int().nonnegative().optional(),
  /** Source: how many writers there are (the source topic's partitions); each holds the watermark back until seen or idle. */
  writers: z.number().int().positive().optional(),
  /** Source: a writer silent this long leaves the watermark minimum (the job source's withIdleness). */
  idlenessMs: z.number().int().positive().optional(),
  /** Sink: records per produce request, and how long a partial batch waits. */
  batchSize: z.number().int().positive().default(500),
  lingerMs: z.number().int().nonnegative().default(20),
  /** Sink: watermark records go out at most this often (Flink's autoWatermarkInterval): each costs every reader work. */
  watermarkIntervalMs: z.number().int().nonnegative().default(200),
});
export type RepartitionConfig = z.infer<typeof RepartitionConfig>;
