import type { BaseOptions, SASLOptions } from '@platformatic/kafka';
import type { Kafka, KafkaConfig as KafkaJsConfig, logCreator } from 'kafkajs';
import type { KafkaSinkConfigParsed, KafkaSourceConfigParsed } from './config.js';

/** kafkajs takes ~60 ms to load: only jobs that use Kafka pay for it (as the postgres sink does with pg). */
export const loadKafkaJs = () => import('kafkajs');

/** @platformatic/kafka (the source's and the at-least-once sink's client) loads on first use too. */
export const loadPlatformaticKafka = () => import('@platformatic/kafka');

type Connection = Pick<KafkaSourceConfigParsed & KafkaSinkConfigParsed, 'brokers' | 'clientId' | 'ssl' | 'sasl' | 'connectionTimeoutMs' | 'requestTimeoutMs' | 'logLevel'>;

/** A job's log line writer: the host's (notebook cell output, CLI) when it has one, else stderr. */
export function jobLogger(services: Record<string, unknown>): (line: string) => void {
  return typeof services.log === 'function' ? (services.log as (line: string) => void) : (line) => process.stderr.write(line + '\n');
}

/** A kafkajs client for a connector config; kafkajs' own log lines go to `log` instead of the console as JSON. */
export async function createKafkaClient(c: Connection, log: (line: string) => void): Promise<Kafka> {
  const { Kafka, logLevel } = await loadKafkaJs();
  const levels = { nothing: logLevel.NOTHING, error: logLevel.ERROR, warn: logLevel.WARN, info: logLevel.INFO, debug: logLevel.DEBUG };
  const creator: logCreator = () => ({ namespace, label, log: entry }) => {
    const { message, ...extra } = entry;
    const details = Object.entries(extra)
      .filter(([k]) => k !== 'timestamp' && k !== 'logger')
      .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join(' ');
    log(`kafka ${label.toLowerCase()} [${namespace}] ${message}${details ? ` (${details})` : ''}`);
  };
  const config: KafkaJsConfig = {
    brokers: brokerList(c.brokers),
    clientId: c.clientId,
    logLevel: levels[c.logLevel],
    logCreator: creator,
    ...(c.ssl !== undefined ? { ssl: c.ssl as KafkaJsConfig['ssl'] } : {}),
    ...(c.sasl !== undefined ? { sasl: c.sasl as KafkaJsConfig['sasl'] } : {}),
    ...(c.connectionTimeoutMs !== undefined ? { connectionTimeout: c.connectionTimeoutMs } : {}),
    ...(c.requestTimeoutMs !== undefined ? { requestTimeout: c.requestTimeoutMs } : {}),
  };
  return new Kafka(config);
}

const SASL_MECHANISMS = { plain: 'PLAIN', 'scram-sha-256': 'SCRAM-SHA-256', 'scram-sha-512': 'SCRAM-SHA-512' } as const;

/**
 * Connection options for @platformatic/kafka from a connector config: the same brokers, TLS and SASL fields the
 * kafkajs client takes. SASL 'aws' (AWS_MSK_IAM) has no implementation there, so it is refused with a clear error.
 */
export function platformaticConnection(c: Connection, role: 'source' | 'sink' = 'source'): BaseOptions {
  let sasl: SASLOptions | undefined;
  if (c.sasl !== undefined) {
    if (c.sasl.mechanism === 'aws') {
      const instead = role === 'sink' ? "; use plain or scram, or the sink's EXACTLY_ONCE guarantee (kafkajs)" : '; use plain or scram';
      throw new Error(`kafka ${role}: SASL mechanism 'aws' is not supported by the ${role}'s client (@platformatic/kafka)${instead}`);
    }
    sasl = { mechanism: SASL_MECHANISMS[c.sasl.mechanism], username: c.sasl.username, password: c.sasl.password };
  }
  return {
    clientId: c.clientId,
    bootstrapBrokers: brokerList(c.brokers),
    // `ssl: true` means TLS with the system CAs: an empty options object.
    ...(c.ssl === true ? { tls: {} } : typeof c.ssl === 'object' ? { tls: c.ssl as NonNullable<BaseOptions['tls']> } : {}),
    ...(sasl !== undefined ? { sasl } : {}),
    ...(c.connectionTimeoutMs !== undefined ? { connectTimeout: c.connectionTimeoutMs } : {}),
    ...(c.requestTimeoutMs !== undefined ? { requestTimeout: c.requestTimeoutMs } : {}),
  };
}

/** Broker entries split at commas: a single `${env:KAFKA_BROKERS}` placeholder may resolve to several. */
export function brokerList(brokers: string[]): string[] {
  return brokers.flatMap((b) => b.split(',')).map((b) => b.trim()).filter((b) => b !== '');
}

/** `topic/partition`: the key of per-partition maps. */
export const tpKey = (topic: string, partition: number): string => `${topic}/${partition}`;
