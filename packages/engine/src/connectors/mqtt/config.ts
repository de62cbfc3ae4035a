import { randomBytes } from 'node:crypto';
import { ErrorWithReasonCode, type IClientOptions } from 'mqtt';
import { z } from 'zod';

/** A subscription filter: `+` must fill a whole level, `#` must be the last level (MQTT 3.1.1 §4.7.1). */
export function topicFilterProblem(filter: string): string | undefined {
  if (filter.length === 0) return 'a topic filter cannot be empty';
  if (filter.includes('\u0000')) return 'a topic filter cannot contain U+0000';
  const levels = filter.split('/');
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i]!;
    if (level.includes('#') && (level !== '#' || i !== levels.length - 1)) return `"#" must be a whole level at the end of "${filter}"`;
    if (level.includes('+') && level !== '+') return `"+" must be a whole level in "${filter}"`;
  }
  return undefined;
}

/** A topic to publish to: no wildcards. */
export function topicNameProblem(topic: string): string | undefined {
  if (topic.length === 0) return 'a topic cannot be empty';
  if (topic.includes('\u0000')) return 'a topic cannot contain U+0000';
  if (/[+#]/.test(topic)) return `cannot publish to "${topic}": wildcards (+, #) are only for subscriptions`;
  return undefined;
}

const TopicFilter = z.string().superRefine((t, ctx) => {
  const problem = topicFilterProblem(t);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
const TopicName = z.string().superRefine((t, ctx) => {
  const problem = topicNameProblem(t);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
const QoS = z.union([z.literal(0), z.literal(1), z.literal(2)]);

/** Fields the source and the sink share: where the broker is and how to talk to it. Descriptions become form hints. */
const connectionFields = {
  url: z
    .string()
    .regex(/^(mqtts?|wss?|tcp|ssl):\/\/./, 'expected mqtt://, mqtts://, ws:// or wss:// and a host')
    .default('mqtt://127.0.0.1:1883')
    .describe('Broker URL (mqtt://, mqtts://, ws://, wss://)'),
  clientId: z.string().min(1).optional().describe('Client id; required for persistent sessions (clean: false). Random when omitted'),
  username: z.string().optional(),
  password: z.string().optional(),
  protocolVersion: z.union([z.literal(4), z.literal(5)]).default(4).describe('4 = MQTT 3.1.1, 5 = MQTT 5'),
  qos: QoS.default(1).describe('Source: subscription QoS; sink: publish QoS. 0 at most once, 1 at least once, 2 exactly once between client and broker'),
  format: z.enum(['json', 'string', 'bytes']).default('json').describe('Payload encoding: JSON, UTF-8 text, or raw bytes (Uint8Array)'),
  connectTimeoutMs: z.number().int().positive().default(10_000),
  reconnectPeriodMs: z.number().int().positive().default(1000).describe('Delay between reconnect attempts'),
  maxReconnects: z.number().int().min(-1).default(-1).describe('Failed reconnect attempts in a row before the job fails; -1 retries forever'),
};

const sourceFields = {
  topics: z.array(TopicFilter).min(1).describe('Topic filters to subscribe to; + and # wildcards allowed'),
  clean: z
    .boolean()
    .default(true)
    .describe('false keeps a persistent session: with a fixed clientId and qos ≥ 1 the broker queues messages while the job is down'),
  sessionExpirySeconds: z.number().int().nonnegative().default(86_400).describe('MQTT 5 only: how long the broker keeps a persistent session after the job disconnects'),
  payloadOnly: z.boolean().default(false).describe('Emit only the decoded payload instead of { topic, payload, qos, retain, receivedAt }'),
};

const sinkFields = {
  topic: TopicName.optional().describe('Topic to publish to; also the fallback when topicField is missing from a record'),
  topicField: z.string().min(1).optional().describe('Publish each record to the topic named by this field of the record'),
  payloadField: z.string().min(1).optional().describe('Publish only this field of the record (e.g. payload of records read from MQTT)'),
  retain: z.boolean().default(false),
  flushTimeoutMs: z.number().int().positive().default(30_000).describe('How long the end of the job waits for unacknowledged publishes before failing'),
};

const persistentNeedsClientId = (c: { clean?: boolean | undefined; clientId?: string | undefined }) => c.clean !== false || c.clientId !== undefined;
const persistentMessage = { message: 'clean: false needs a fixed clientId: the broker finds the persistent session by it', path: ['clientId'] };

export const MqttSourceConfig = z.object({ ...connectionFields, ...sourceFields }).refine(persistentNeedsClientId, persistentMessage);
export type MqttSourceConfig = z.input<typeof MqttSourceConfig>;

export const MqttSinkConfig = z
  .object({ ...connectionFields, ...sinkFields })
  .refine((c) => c.topic !== undefined || c.topicField !== undefined, { message: 'the mqtt sink needs a topic or a topicField', path: ['topic'] });
export type MqttSinkConfig = z.input<typeof MqttSinkConfig>;

/**
 * The registered schema: one connector is both source and sink, so its config has both roles' fields; each role
 * checks its own required fields again when the job is built (createSource / createSink).
 */
export const MqttConfig = z
  .object({ ...connectionFields, ...sourceFields, topics: sourceFields.topics.optional(), ...sinkFields })
  .refine((c) => c.topics !== undefined || c.topic !== undefined || c.topicField !== undefined, {
    message: 'set topics (to read) or topic / topicField (to write)',
    path: ['topics'],
  })
  .refine(persistentNeedsClientId, persistentMessage);
export type MqttConfig = z.input<typeof MqttConfig>;

/** Parses a role's config with an error that names the role and the fields. */
export function parseRoleConfig<S extends z.ZodType>(schema: S, config: unknown, role: string): z.output<S> {
  const parsed = schema.safeParse(config ?? {});
  if (parsed.success) return parsed.data;
  throw new Error(`${role}: invalid config: ` + parsed.error.issues.map((i) => `${i.path.join('.') || '(config)'}: ${i.message}`).join('; '));
}

type Connection = z.output<z.ZodObject<typeof connectionFields>>;

/** mqtt client options common to both roles. */
export function clientOptions(c: Connection, role: 'source' | 'sink'): IClientOptions {
  return {
    clientId: c.clientId ?? `flowbook-${role}-${randomBytes(6).toString('hex')}`,
    ...(c.username !== undefined ? { username: c.username } : {}),
    ...(c.password !== undefined ? { password: c.password } : {}),
    protocolVersion: c.protocolVersion,
    connectTimeout: c.connectTimeoutMs,
    reconnectPeriod: c.reconnectPeriodMs,
    // The client stops retrying after a refused CONNACK unless told otherwise; we decide per reason code (isFatal).
    reconnectOnConnackError: true,
  };
}

/** The URL without a password, for logs and error messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}

export function describeError(e: Error & { code?: unknown }): string {
  if (e.code === 'ECONNREFUSED') return 'connection refused';
  if (e.code === 'ENOTFOUND') return 'host not found';
  return e.message;
}

/** CONNACK refusals that retrying cannot fix (bad credentials, rejected client id, ...); "server unavailable/busy" is retried. */
export function isFatal(e: Error): boolean {
  if (!(e instanceof ErrorWithReasonCode) || !e.message.startsWith('Connection refused')) return false;
  // MQTT 3.1.1: 3 = server unavailable; MQTT 5: 136 = server unavailable, 137 = server busy.
  return e.code !== 3 && e.code !== 136 && e.code !== 137;
}

export function logger(services: Record<string, unknown>, prefix: string): (line: string) => void {
  const log = services.log;
  return typeof log === 'function' ? (line) => (log as (l: string) => void)(`${prefix}: ${line}`) : () => {};
}
