import type { z } from 'zod';
import { toFnSpec } from '../../graph/fn.js';
import type { ConnectorDefinition, ConnectorSpec } from '../registry.js';
import { KafkaConfig, KafkaSinkConfig, KafkaSourceConfig, parseRoleConfig, type DeliveryGuarantee, type Format, type StartFrom } from './config.js';
import { KafkaSinkWriter } from './KafkaSinkWriter.js';
import { KafkaTransactionalSinkWriter } from './KafkaTransactionalSinkWriter.js';
import { KafkaSourceFunction } from './KafkaSourceFunction.js';

export { KafkaSourceFunction, KafkaSourceState, type KafkaRecord, type OffsetEntry } from './KafkaSourceFunction.js';
export { KafkaSinkWriter, KafkaSinkState } from './KafkaSinkWriter.js';
export { KafkaTransactionalSinkWriter, KafkaTransactionalSinkState } from './KafkaTransactionalSinkWriter.js';
export { PartitionWatermarks } from './PartitionWatermarks.js';
export { KafkaConfig, KafkaSourceConfig, KafkaSinkConfig, DeliveryGuarantee, type StartFrom, type Format } from './config.js';

/**
 * The 'kafka' connector: a source (per-partition watermarks, checkpointed offsets committed to the consumer group on
 * checkpoint completion) and a sink, at least once or exactly once (Kafka transactions committed with checkpoints). One config schema serves both roles; each role checks its own
 * fields when the job is built.
 */
export const kafkaConnector: ConnectorDefinition<KafkaConfig> & { emitsWatermarks: boolean } = {
  name: 'kafka',
  recordTimestamps: true,
  outputFields: ['topic', 'partition', 'offset', 'key', 'value', 'headers', 'timestamp'],
  outputFieldsUnless: 'valueOnly',
  fieldRefs: ['keyField'],
  description: 'Apache Kafka topics: source with per-partition watermarks and checkpointed offsets, at-least-once or exactly-once sink',
  configSchema: KafkaConfig as z.ZodType<KafkaConfig>,
  createSource: (config) => new KafkaSourceFunction(config),
  createSink: (config) => (config.deliveryGuarantee === 'exactly-once' ? new KafkaTransactionalSinkWriter(config) : new KafkaSinkWriter(config)),
  bounded: (config) => config.bounded === true,
  // The source tracks event time per partition and emits watermarks itself: use it with WatermarkStrategy.noWatermarks().
  emitsWatermarks: true,
  // Partition i is read by source subtask i mod p (SubtaskAssigner); each sink subtask has a producer of its own.
  splittable: true,
  parallelSink: true,
};

/** Where a source starts without a checkpoint (Flink's OffsetsInitializer). */
export const OffsetsInitializer = {
  earliest: (): StartFrom => 'earliest',
  latest: (): StartFrom => 'latest',
  /** The group's committed offsets; partitions without one start at the earliest offset. */
  committedOffsets: (): StartFrom => 'committed',
  /** The first record whose timestamp is >= `timestamp` (epoch ms). */
  timestamp: (timestamp: number): StartFrom => ({ timestamp }),
};

const servers = (s: string | string[]): string[] => (Array.isArray(s) ? s : s.split(',').map((x) => x.trim()).filter((x) => x !== ''));

/**
 * A Kafka source for `env.fromSource(...)`. Emits KafkaRecord objects (or values with `valueOnly`), with the Kafka
 * record timestamp (or `timestampField`) as event time and its own per-partition watermarks:
 *
 *     env.fromSource(new KafkaSource({ brokers: ['localhost:9092'], topics: ['orders'], groupId: 'totals' }),
 *       WatermarkStrategy.noWatermarks<KafkaRecord<Order>>(), 'orders')
 */
export class KafkaSource implements ConnectorSpec<KafkaSourceConfig> {
  readonly connector = 'kafka';
  readonly config: KafkaSourceConfig;
  constructor(config: KafkaSourceConfig) {
    // Checked now, so a mistake shows where the pipeline is written rather than when it runs.
    parseRoleConfig(KafkaSourceConfig, config, 'source');
    this.config = config;
  }

  static builder(): KafkaSourceBuilder {
    return new KafkaSourceBuilder();
  }
}

/** Flink's KafkaSource.builder(), with the same setter names where they apply. */
export class KafkaSourceBuilder {
  private c: Partial<KafkaSourceConfig> = {};
  private set<K extends keyof KafkaSourceConfig>(k: K, v: KafkaSourceConfig[K]): this {
    this.c = { ...this.c, [k]: v };
    return this;
  }
  /** 'host:port,host:port' or a list. */
  setBootstrapServers(brokers: string | string[]): this {
    return this.set('brokers', servers(brokers));
  }
  setTopics(...topics: (string | string[])[]): this {
    return this.set('topics', topics.flat());
  }
  /** Topics whose whole name matches (among those existing when the job starts). */
  setTopicPattern(pattern: string | RegExp): this {
    return this.set('topicPattern', typeof pattern === 'string' ? pattern : pattern.source);
  }
  setGroupId(groupId: string): this {
    return this.set('groupId', groupId);
  }
  setClientId(clientId: string): this {
    return this.set('clientId', clientId);
  }
  setStartingOffsets(start: StartFrom): this {
    return this.set('startFrom', start);
  }
  /** Reads up to the end offsets the partitions have when the job starts, then ends (Flink's setBounded(latest())). */
  setBounded(): this {
    return this.set('bounded', true);
  }
  setFormat(format: Format): this {
    return this.set('format', format);
  }
  /** Emits record values only (Flink's setValueOnlyDeserializer). */
  setValueOnly(valueOnly = true): this {
    return this.set('valueOnly', valueOnly);
  }
  setTimestampField(field: string): this {
    return this.set('timestampField', field);
  }
  /** Per-partition watermarks: how late records may be within one partition, and when a quiet partition stops counting. */
  setWatermarks(maxOutOfOrdernessMs: number, idlenessMs?: number): this {
    this.set('maxOutOfOrdernessMs', maxOutOfOrdernessMs);
    return idlenessMs !== undefined ? this.set('idlenessMs', idlenessMs) : this;
  }
  setSsl(ssl: KafkaSourceConfig['ssl']): this {
    return this.set('ssl', ssl);
  }
  setSasl(sasl: KafkaSourceConfig['sasl']): this {
    return this.set('sasl', sasl);
  }
  /** Any other config field by name (see the README). */
  setProperty<K extends keyof KafkaSourceConfig>(key: K, value: KafkaSourceConfig[K]): this {
    return this.set(key, value);
  }
  build(): KafkaSource {
    return new KafkaSource(this.c as KafkaSourceConfig);
  }
}

/**
 * A Kafka sink for `stream.sinkTo(...)`: values as JSON (or strings, or bytes), keyed by a field or a key selector,
 * with the record's event time as the Kafka timestamp; at least once across failures with checkpointing, or exactly
 * once with `setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)` and a transactional id prefix.
 */
export class KafkaSink implements ConnectorSpec<KafkaSinkConfig> {
  readonly connector = 'kafka';
  readonly config: KafkaSinkConfig;
  constructor(config: KafkaSinkConfig) {
    parseRoleConfig(KafkaSinkConfig, config, 'sink');
    this.config = config;
  }

  static builder<T = unknown>(): KafkaSinkBuilder<T> {
    return new KafkaSinkBuilder<T>();
  }
}
/** The sink's ConnectorSpec under the name the connector list uses. */
export { KafkaSink as KafkaSinkSpec };

export class KafkaSinkBuilder<T> {
  private c: Partial<KafkaSinkConfig> = {};
  private set<K extends keyof KafkaSinkConfig>(k: K, v: KafkaSinkConfig[K]): this {
    this.c = { ...this.c, [k]: v };
    return this;
  }
  setBootstrapServers(brokers: string | string[]): this {
    return this.set('brokers', servers(brokers));
  }
  setTopic(topic: string): this {
    return this.set('topic', topic);
  }
  setFormat(format: Format): this {
    return this.set('format', format);
  }
  setKeyField(field: string & keyof T): this;
  setKeyField(field: string): this;
  setKeyField(field: string): this {
    return this.set('keyField', field);
  }
  /** The record key from the value; kept as source text in the pipeline graph like every user function. */
  setKeySelector(selector: (value: T) => unknown): this {
    return this.set('keySelector', toFnSpec(selector));
  }
  setClientId(clientId: string): this {
    return this.set('clientId', clientId);
  }
  /** Records per produce request, and how long a partial batch waits. */
  setBatching(batchSize: number, lingerMs: number): this {
    this.set('batchSize', batchSize);
    return this.set('lingerMs', lingerMs);
  }
  /** AT_LEAST_ONCE (the default), EXACTLY_ONCE (Kafka transactions committed when checkpoints complete) or NONE. */
  setDeliveryGuarantee(guarantee: DeliveryGuarantee): this {
    return this.set('deliveryGuarantee', guarantee);
  }
  /** EXACTLY_ONCE: each sink subtask writes with transactional.id `<prefix>-<subtask index>`; unique per job. */
  setTransactionalIdPrefix(prefix: string): this {
    return this.set('transactionalIdPrefix', prefix);
  }
  /** EXACTLY_ONCE: transaction.timeout.ms, longer than a checkpoint interval plus a restart. */
  setTransactionTimeout(ms: number): this {
    return this.set('transactionTimeoutMs', ms);
  }
  setSsl(ssl: KafkaSinkConfig['ssl']): this {
    return this.set('ssl', ssl);
  }
  setSasl(sasl: KafkaSinkConfig['sasl']): this {
    return this.set('sasl', sasl);
  }
  /** Any other config field by name (see the README). */
  setProperty<K extends keyof KafkaSinkConfig>(key: K, value: KafkaSinkConfig[K]): this {
    return this.set(key, value);
  }
  build(): KafkaSink {
    return new KafkaSink(this.c as KafkaSinkConfig);
  }
}
