import { z } from 'zod';
import { FnSpec } from '../../graph/PipelineGraph.js';

/** TLS options handed to the client (Node's tls.connect options); `true` uses the system CAs. */
const Ssl = z.union([
  z.boolean(),
  z
    .object({
      rejectUnauthorized: z.boolean().optional(),
      ca: z.union([z.string(), z.array(z.string())]).optional().describe('PEM CA certificate(s)'),
      cert: z.string().optional().describe('PEM client certificate'),
      key: z.string().optional().describe('PEM client key'),
      passphrase: z.string().optional(),
      servername: z.string().optional(),
    })
    .loose(),
]);

/** SASL options handed to the client; only the JSON-expressible mechanisms (oauthbearer needs a function). */
const Sasl = z.discriminatedUnion('mechanism', [
  z.object({ mechanism: z.literal('plain'), username: z.string(), password: z.string() }),
  z.object({ mechanism: z.literal('scram-sha-256'), username: z.string(), password: z.string() }),
  z.object({ mechanism: z.literal('scram-sha-512'), username: z.string(), password: z.string() }),
  z.object({
    mechanism: z.literal('aws'),
    authorizationIdentity: z.string(),
    accessKeyId: z.string(),
    secretAccessKey: z.string(),
    sessionToken: z.string().optional(),
  }),
]);

/** How a connection is made: shared by the source and the sink. */
const connection = {
  /** 'host:port' entries; an entry may hold several separated by commas (e.g. one `${env:KAFKA_BROKERS}`). */
  brokers: z.array(z.string().min(1)).min(1).describe('bootstrap servers, host:port (an entry may list several, comma-separated)'),
  clientId: z.string().min(1).default('flowbook'),
  ssl: Ssl.optional(),
  sasl: Sasl.optional(),
  connectionTimeoutMs: z.number().int().positive().optional(),
  requestTimeoutMs: z.number().int().positive().optional(),
  /** Client log lines at or above this level go to the job log (print output). */
  logLevel: z.enum(['nothing', 'error', 'warn', 'info', 'debug']).default('warn'),
};

export const StartFrom = z.union([
  z.enum(['earliest', 'latest', 'committed']),
  z.object({ timestamp: z.number().describe('epoch ms: the first offset whose record timestamp is >= this') }),
]);
export type StartFrom = z.infer<typeof StartFrom>;

export const Format = z.enum(['json', 'string', 'bytes']);
export type Format = z.infer<typeof Format>;

/** Source fields; descriptions say the role, as the canvas shows one form for both. */
const sourceFields = {
  topics: z.array(z.string().min(1)).min(1).optional().describe('source: topics to read (or topicPattern)'),
  topicPattern: z.string().min(1).optional().describe('source: regular expression matching whole topic names (topics that exist when the job starts)'),
  groupId: z.string().min(1).optional().describe('source (required): consumer group, for partition assignment and committed offsets'),
  /** Where to start when the job is not restored from a checkpoint ('committed' falls back to earliest). */
  startFrom: StartFrom.default('earliest').describe('source: where to start without a checkpoint'),
  /** Flink's setBounded(OffsetsInitializer.latest()). */
  bounded: z.boolean().default(false).describe('source: stop at the end offsets the partitions have when the job starts'),
  valueOnly: z.boolean().default(false).describe('source: emit the value alone instead of { topic, partition, offset, key, value, headers, timestamp }'),
  timestampField: z.string().min(1).optional().describe('source: event time from this field of a JSON value (epoch ms or ISO date) instead of the Kafka timestamp'),
  maxOutOfOrdernessMs: z.number().int().nonnegative().default(0).describe('source: per-partition watermark = max timestamp − this − 1; the source emits the minimum over partitions'),
  idlenessMs: z.number().int().positive().optional().describe('source: a partition without records for this long leaves the watermark minimum'),
  fetchMaxWaitMs: z.number().int().positive().default(500).describe('source: longest a fetch waits on the broker (bounds how long cancelling takes)'),
  /**
   * Kafka's max.partition.fetch.bytes (a consumer property Flink passes through). Smaller than the Java client's 1 MiB:
   * the source keeps a response and the one fetched ahead alive while the job works through them, and at 1 MiB per
   * partition their records outgrow V8's young generation (every scavenge copies them); 256 KiB cut the job's CPU per
   * record by ~20% in bench/kafka.ts, while the client alone read as fast as at 1 MiB.
   */
  fetchMaxBytesPerPartition: z.number().int().positive().default(256 * 1024).describe('source: most bytes one fetch returns per partition'),
  /** Flink's partition.discovery.interval.ms: new partitions of the topics are read from `startFrom`. */
  partitionDiscoveryIntervalMs: z.number().int().positive().default(10_000).describe('source: how often to look for partitions added to the topics (not in bounded mode)'),
  /** Kept so that configs written for the kafkajs source still parse: the source joins no group now. */
  sessionTimeoutMs: z.number().int().positive().optional().describe('source: ignored (the source reads assigned partitions, it does not join the group)'),
};

const sinkFields = {
  topic: z.string().min(1).optional().describe('sink (required): topic to write to'),
  keyField: z.string().min(1).optional().describe('sink: record key from this field of the value'),
  /** Sink: record key from a function of the value (KafkaSink.builder().setKeySelector). FnSpec itself, so forms know it is a function. */
  keySelector: FnSpec.optional(),
  batchSize: z.number().int().positive().default(500).describe('sink: records per produce request'),
  lingerMs: z.number().int().nonnegative().default(50).describe('sink: a partial batch is sent after this many ms'),
  /** Flink's KafkaSink.builder().setDeliveryGuarantee(...). */
  deliveryGuarantee: z
    .enum(['at-least-once', 'exactly-once', 'none'])
    .default('at-least-once')
    .describe('sink: exactly-once writes each checkpoint interval in a Kafka transaction, committed when the checkpoint completes'),
  transactionalIdPrefix: z
    .string()
    .min(1)
    .regex(/^[\w.-]+$/, 'letters, digits, ".", "_" and "-" only')
    .optional()
    .describe('sink (exactly-once): transactional.id = <prefix>-<subtask index>; unique per job writing to the cluster'),
  transactionTimeoutMs: z
    .number()
    .int()
    .positive()
    .default(60_000)
    .describe('sink (exactly-once): transaction.timeout.ms; longer than the checkpoint interval plus a restart, at most the broker\'s transaction.max.timeout.ms'),
};

/** Flink's DeliveryGuarantee, as the values of the sink's `deliveryGuarantee`. */
export const DeliveryGuarantee = { EXACTLY_ONCE: 'exactly-once', AT_LEAST_ONCE: 'at-least-once', NONE: 'none' } as const;
export type DeliveryGuarantee = (typeof DeliveryGuarantee)[keyof typeof DeliveryGuarantee];

/** The connector's config (one schema for both roles, as a canvas node has one form). */
export const KafkaConfig = z.object({ ...connection, ...sourceFields, ...sinkFields, format: Format.default('json').describe('value format: json, string or bytes') });
export type KafkaConfig = z.input<typeof KafkaConfig>;
export type KafkaConfigParsed = z.output<typeof KafkaConfig>;

export const KafkaSourceConfig = z
  .object({ ...connection, ...sourceFields, groupId: z.string().min(1), format: Format.default('json') })
  .refine((c) => (c.topics !== undefined) !== (c.topicPattern !== undefined), { message: 'set exactly one of "topics" or "topicPattern"' })
  .refine((c) => c.timestampField === undefined || c.format === 'json', { message: '"timestampField" needs format "json"', path: ['timestampField'] })
  .refine((c) => c.topicPattern === undefined || isRegExp(c.topicPattern), { message: 'not a valid regular expression', path: ['topicPattern'] });
export type KafkaSourceConfig = z.input<typeof KafkaSourceConfig>;
export type KafkaSourceConfigParsed = z.output<typeof KafkaSourceConfig>;

export const KafkaSinkConfig = z
  .object({ ...connection, ...sinkFields, topic: z.string().min(1), format: Format.default('json') })
  .refine((c) => c.keyField === undefined || c.keySelector === undefined, { message: 'set "keyField" or "keySelector", not both' })
  // As Flink's builder: transactions of two jobs must never share an id, so the prefix is the user's to choose.
  .refine((c) => c.deliveryGuarantee !== 'exactly-once' || c.transactionalIdPrefix !== undefined, {
    message: 'exactly-once needs "transactionalIdPrefix"',
    path: ['transactionalIdPrefix'],
  });
export type KafkaSinkConfig = z.input<typeof KafkaSinkConfig>;
export type KafkaSinkConfigParsed = z.output<typeof KafkaSinkConfig>;

function isRegExp(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

/** Parses a role's config; the error names the role and every bad field. */
export function parseRoleConfig<S extends z.ZodType>(schema: S, config: unknown, role: 'source' | 'sink'): z.output<S> {
  const r = schema.safeParse(config);
  if (!r.success) throw new Error(`kafka ${role}: ` + r.error.issues.map((i) => `${i.path.join('.') || '(config)'}: ${i.message}`).join('; '));
  return r.data;
}
