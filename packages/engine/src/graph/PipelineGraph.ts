import { z } from 'zod';
import { RestartStrategyConfig } from '../restart/RestartStrategy.js';

/** Current pipeline graph format version; older graphs are migrated by `migrateGraph`. */
export const GRAPH_VERSION = 1;

/**
 * A user function kept as source text, so a graph stays plain JSON that can be saved, shown and run again.
 * `ref` points at the live function object when the graph was built in the same process (closures keep working);
 * without it the runtime compiles `code`.
 */
export const FnSpec = z.object({ code: z.string().min(1), ref: z.string().optional() });
export type FnSpec = z.infer<typeof FnSpec>;

export const GraphNode = z.object({
  id: z.string().min(1),
  /** Operator type, e.g. 'source', 'map', 'window', 'sink' (see runtime/operatorRegistry.ts). */
  type: z.string().min(1),
  name: z.string().optional(),
  config: z.record(z.string(), z.unknown()).default({}),
  /** Number of parallel subtasks of this node (Flink's setParallelism); the job's parallelism when absent. */
  parallelism: z.number().int().positive().optional(),
  /** Canvas position; ignored by the runtime. */
  position: z.object({ x: z.number(), y: z.number() }).optional(),
});
export type GraphNode = z.infer<typeof GraphNode>;

export const Partitioning = z.enum(['forward', 'hash', 'rebalance', 'broadcast']);
export type Partitioning = z.infer<typeof Partitioning>;

export const GraphEdge = z.object({
  source: z.string().min(1),
  target: z.string().min(1),
  /** Which input of a two-input operator (connect, join) this edge feeds. */
  targetInput: z.union([z.literal(0), z.literal(1)]).default(0),
  partitioning: Partitioning.default('forward'),
  /** For 'hash' partitioning: the keyBy key selector. */
  keySelector: FnSpec.optional(),
  /** Read a side output of the source node instead of its main output. */
  sideOutput: z.string().optional(),
});
export type GraphEdge = z.infer<typeof GraphEdge>;

export const GraphConfig = z.object({
  autoWatermarkInterval: z.number().int().nonnegative().default(200),
  maxParallelism: z.number().int().positive().max(32768).default(128),
  /** Default number of parallel subtasks per operator (env.setParallelism); 1 when absent. */
  parallelism: z.number().int().positive().optional(),
  /** Periodic checkpoints every this many ms (env.enableCheckpointing); off when absent. */
  checkpointInterval: z.number().int().positive().optional(),
  /** What happens when the job fails (env.setRestartStrategy); the default depends on checkpointing, as in Flink. */
  restartStrategy: RestartStrategyConfig.optional(),
});
export type GraphConfig = z.infer<typeof GraphConfig>;

export const PipelineGraph = z.object({
  version: z.literal(GRAPH_VERSION),
  name: z.string().optional(),
  config: GraphConfig.default({ autoWatermarkInterval: 200, maxParallelism: 128 }),
  nodes: z.array(GraphNode),
  edges: z.array(GraphEdge),
});
export type PipelineGraph = z.infer<typeof PipelineGraph>;
export type PipelineGraphInput = z.input<typeof PipelineGraph>;
