import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEAD_LETTER_TAG, OutputTag, StreamExecutionEnvironment, WatermarkStrategy, type DeadLetter, type JobClient } from '../../index.js';
import { parseConnectorConfig, registerConnector } from '../registry.js';
import { mqttConnector, MqttSink, MqttSource, type MqttMessage } from './mqtt.js';
import { freePort } from '../../testing/freePort.js';

// Until connectors/index.ts registers it, the tests do.
registerConnector(mqttConnector);

/** The shared Mosquitto broker (see the task notes: `mosquitto -d -c /etc/mosquitto/mosquitto.conf`). */
const BROKER = 'mqtt://127.0.0.1:1883';
const prefix = () => `flowbook-test/${randomUUID()}`;

async function waitFor(pred: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Runs the env's pipeline with collect and log services; `out(sink)` lists what a collect sink received. */
function start(env: StreamExecutionEnvironment) {
  const records = new Map<string, unknown[]>();
  const logs: string[] = [];
  const client = env.executeAsync('mqtt test', {
    collect: (sink: string, v: unknown) => {
      if (!records.has(sink)) records.set(sink, []);
      records.get(sink)!.push(v);
    },
    log: (l: string) => logs.push(l),
  });
  const out = (sink = 'out') => records.get(sink) ?? [];
  const subscribed = (times = 1) => waitFor(() => logs.filter((l) => l.includes('subscribed to')).length >= times, 'the source to subscribe');
  return { client, out, logs, subscribed };
}

async function stop(client: JobClient): Promise<void> {
  client.cancel();
  await client.getJobExecutionResult();
}

let pub: MqttClient;
beforeAll(async () => {
  pub = await connectAsync(BROKER, { clientId: `flowbook-test-pub-${randomUUID().slice(0, 8)}` });
});
afterAll(async () => {
  await pub.endAsync();
});

describe('mqtt source', () => {
  it('feeds published messages through a pipeline, retained message first', async () => {
    const p = prefix();
    // Retained before the job starts: the broker hands it over on subscribe, flagged retain.
    await pub.publishAsync(`${p}/orders`, JSON.stringify({ customer: 'ann', amount: 5 }), { qos: 1, retain: true });
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    const messages = env.fromSource<MqttMessage<{ customer: string; amount: number }>>(new MqttSource({ url: BROKER, topics: [`${p}/orders`] }), WatermarkStrategy.noWatermarks(), 'mqtt');
    messages.map((m) => ({ topic: m.topic, retain: m.retain, qos: m.qos, fresh: Math.abs(Date.now() - m.receivedAt) < 10_000 })).sinkTo({ connector: 'collect', config: { name: 'meta' } });
    messages
      .map((m) => m.payload)
      .keyBy((o) => o.customer)
      .reduce((a, b) => ({ customer: a.customer, amount: a.amount + b.amount }))
      .sinkTo({ connector: 'collect', config: { name: 'out' } });
    const { client, out, subscribed } = start(env);
    try {
      await subscribed();
      for (const [customer, amount] of [['bob', 3], ['ann', 2], ['bob', 10]] as const) {
        await pub.publishAsync(`${p}/orders`, JSON.stringify({ customer, amount }), { qos: 1 });
      }
      await waitFor(() => out().length === 4, '4 results');
      expect(out()).toEqual([
        { customer: 'ann', amount: 5 },
        { customer: 'bob', amount: 3 },
        { customer: 'ann', amount: 7 },
        { customer: 'bob', amount: 13 },
      ]);
      expect(out('meta')).toEqual([
        { topic: `${p}/orders`, retain: true, qos: 1, fresh: true },
        ...Array.from({ length: 3 }, () => ({ topic: `${p}/orders`, retain: false, qos: 1, fresh: true })),
      ]);
    } finally {
      await stop(client);
      await pub.publishAsync(`${p}/orders`, '', { qos: 1, retain: true }); // clears the retained message
    }
  });

  it('subscribes with + and # wildcards and receives only matching topics', async () => {
    const p = prefix();
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    env
      .fromSource<MqttMessage<string>>(new MqttSource({ url: BROKER, topics: [`${p}/sensors/+/temp`, `${p}/alerts/#`], format: 'string', qos: 1 }), WatermarkStrategy.noWatermarks(), 'mqtt')
      .map((m) => `${m.topic.slice(p.length + 1)}=${m.payload}`)
      .sinkTo({ connector: 'collect', config: { name: 'out' } });
    const { client, out, subscribed } = start(env);
    try {
      await subscribed();
      const sent = ['sensors/a/temp', 'sensors/a/humidity', 'sensors/a/b/temp', 'sensors/b/temp', 'alerts', 'alerts/fire/hall-2', 'other/temp', 'sensorsX/a/temp'];
      for (const t of sent) await pub.publishAsync(`${p}/${t}`, `v-${t}`, { qos: 1 });
      // Messages from one publisher arrive in order, so once the sentinel is in, nothing else is coming.
      await pub.publishAsync(`${p}/alerts/end`, 'sentinel', { qos: 1 });
      await waitFor(() => out().includes('alerts/end=sentinel'), 'the sentinel');
      expect(out()).toEqual(['sensors/a/temp=v-sensors/a/temp', 'sensors/b/temp=v-sensors/b/temp', 'alerts=v-alerts', 'alerts/fire/hall-2=v-alerts/fire/hall-2', 'alerts/end=sentinel']);
    } finally {
      await stop(client);
    }
  });

  it('sends malformed JSON to the dead-letter output and keeps running', async () => {
    const p = prefix();
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    const source = env.fromSource<unknown>(new MqttSource({ url: BROKER, topics: [`${p}/in`], payloadOnly: true }), WatermarkStrategy.noWatermarks(), 'mqtt');
    source.sinkTo({ connector: 'collect', config: { name: 'out' } });
    source.getSideOutput(new OutputTag<DeadLetter>(DEAD_LETTER_TAG)).sinkTo({ connector: 'collect', config: { name: 'dead' } });
    const { client, out, subscribed } = start(env);
    try {
      await subscribed();
      for (const payload of ['{"ok":1}', '{bad json', '[1,2]', 'not json', '"text"', '{"ok":2}']) await pub.publishAsync(`${p}/in`, payload, { qos: 1 });
      await waitFor(() => out().length === 4, '4 valid records');
      expect(out()).toEqual([{ ok: 1 }, [1, 2], 'text', { ok: 2 }]);
      const dead = out('dead') as DeadLetter[];
      expect(dead.map((d) => [d.raw, d.position])).toEqual([
        ['{bad json', `${p}/in`],
        ['not json', `${p}/in`],
      ]);
      expect(dead.every((d) => d.error.startsWith('invalid JSON:'))).toBe(true);
      const metrics = client.job.metrics().find((m) => m.type === 'source')!;
      expect(metrics.deadLetters).toBe(2);
      expect(client.job.status).toBe('running');
    } finally {
      await stop(client);
    }
  });

  it('emits raw bytes with format "bytes"', async () => {
    const p = prefix();
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    env
      .fromSource<Uint8Array>(new MqttSource({ url: BROKER, topics: [`${p}/raw`], format: 'bytes', payloadOnly: true }), WatermarkStrategy.noWatermarks(), 'mqtt')
      .map((b) => ({ isBytes: b instanceof Uint8Array && !Buffer.isBuffer(b), bytes: [...b] }))
      .sinkTo({ connector: 'collect', config: { name: 'out' } });
    const { client, out, subscribed } = start(env);
    try {
      await subscribed();
      await pub.publishAsync(`${p}/raw`, Buffer.from([0, 255, 7]), { qos: 0 });
      await waitFor(() => out().length === 1, 'one record');
      expect(out()).toEqual([{ isBytes: true, bytes: [0, 255, 7] }]);
    } finally {
      await stop(client);
    }
  });

  it.each([4, 5] as const)('with clean: false and a fixed clientId receives what was published while the job was stopped (MQTT v%i)', async (protocolVersion) => {
    const p = prefix();
    const clientId = `flowbook-test-${randomUUID().slice(0, 12)}`;
    const config = { url: BROKER, topics: [`${p}/q`], clientId, clean: false, qos: 1 as const, format: 'string' as const, payloadOnly: true, protocolVersion };
    const job = () => {
      const env = StreamExecutionEnvironment.getExecutionEnvironment();
      env.fromSource<string>(new MqttSource(config), WatermarkStrategy.noWatermarks(), 'mqtt').sinkTo({ connector: 'collect', config: { name: 'out' } });
      return start(env);
    };
    try {
      const first = job();
      await first.subscribed();
      await pub.publishAsync(`${p}/q`, 'before', { qos: 1 });
      await waitFor(() => first.out().length === 1, 'the first message');
      // The job resolves after the source has disconnected, so the next publishes find the session offline.
      await stop(first.client);

      for (const m of ['while-down-1', 'while-down-2', 'while-down-3']) await pub.publishAsync(`${p}/q`, m, { qos: 1 });

      const second = job();
      await waitFor(() => second.out().length === 3, 'the queued messages');
      expect(second.logs.some((l) => l.includes('persistent session resumed'))).toBe(true);
      await second.subscribed();
      await pub.publishAsync(`${p}/q`, 'after', { qos: 1 });
      await waitFor(() => second.out().length === 4, 'the live message');
      expect(first.out()).toEqual(['before']);
      expect(second.out()).toEqual(['while-down-1', 'while-down-2', 'while-down-3', 'after']);
      await stop(second.client);
    } finally {
      // Connecting with clean: true deletes the persistent session on the broker.
      const cleanup = await connectAsync(BROKER, { clientId, clean: true, protocolVersion });
      await cleanup.endAsync();
    }
  });

  it('without a persistent session, messages published while the job was stopped are lost (the default)', async () => {
    const p = prefix();
    const clientId = `flowbook-test-${randomUUID().slice(0, 12)}`;
    const job = () => {
      const env = StreamExecutionEnvironment.getExecutionEnvironment();
      env.fromSource<string>(new MqttSource({ url: BROKER, topics: [`${p}/q`], clientId, format: 'string', payloadOnly: true }), WatermarkStrategy.noWatermarks(), 'mqtt').sinkTo({ connector: 'collect', config: { name: 'out' } });
      return start(env);
    };
    const first = job();
    await first.subscribed();
    await stop(first.client);
    await pub.publishAsync(`${p}/q`, 'lost', { qos: 1 });
    const second = job();
    await second.subscribed();
    await pub.publishAsync(`${p}/q`, 'live', { qos: 1 });
    await waitFor(() => second.out().length >= 1, 'the live message');
    expect(second.out()).toEqual(['live']);
    await stop(second.client);
  });

  it('fails the job when a downstream operator throws, without acking: a persistent session gets the message again', async () => {
    const p = prefix();
    const clientId = `flowbook-test-${randomUUID().slice(0, 12)}`;
    const config = { url: BROKER, topics: [`${p}/in`], clientId, clean: false, qos: 1 as const, payloadOnly: true };
    try {
      const env = StreamExecutionEnvironment.getExecutionEnvironment();
      env
        .fromSource<{ n: number }>(new MqttSource(config), WatermarkStrategy.noWatermarks(), 'mqtt')
        .map((m) => {
          if (m.n === 2) throw new Error('boom on 2');
          return m.n;
        })
        .sinkTo({ connector: 'collect', config: { name: 'out' } });
      const failing = start(env);
      await failing.subscribed();
      for (const n of [1, 2]) await pub.publishAsync(`${p}/in`, JSON.stringify({ n }), { qos: 1 });
      await expect(failing.client.getJobExecutionResult()).rejects.toThrow('boom on 2');
      expect(failing.out()).toEqual([1]);

      // The fixed job resumes the session: the broker redelivers the unacknowledged message 2 (and not 1).
      const env2 = StreamExecutionEnvironment.getExecutionEnvironment();
      env2.fromSource<{ n: number }>(new MqttSource(config), WatermarkStrategy.noWatermarks(), 'mqtt').map((m) => m.n).sinkTo({ connector: 'collect', config: { name: 'out' } });
      const fixed = start(env2);
      await fixed.subscribed();
      await pub.publishAsync(`${p}/in`, JSON.stringify({ n: 3 }), { qos: 1 });
      await waitFor(() => fixed.out().includes(3), 'message 3');
      expect(fixed.out()).toEqual([2, 3]);
      await stop(fixed.client);
    } finally {
      const cleanup = await connectAsync(BROKER, { clientId, clean: true });
      await cleanup.endAsync();
    }
  });
});

/** A private Mosquitto on a free port, for tests that stop the broker or need authentication. */
class PrivateBroker {
  private proc: ChildProcess | undefined;
  private readonly dir = mkdtempSync(path.join(tmpdir(), 'flowbook-mqtt-'));
  port = 0;
  constructor(private readonly users?: Record<string, string>) {}

  async start(): Promise<void> {
    if (this.port === 0) this.port = await freePort();
    const conf = [`listener ${this.port} 127.0.0.1`, 'persistence false', 'log_dest stderr', `allow_anonymous ${this.users ? 'false' : 'true'}`];
    if (this.users) {
      // Mosquitto started as root drops to its own user, which must be able to read the password file.
      chmodSync(this.dir, 0o755);
      const pw = path.join(this.dir, 'passwd');
      writeFileSync(pw, '', { mode: 0o644 });
      for (const [user, password] of Object.entries(this.users)) await run('mosquitto_passwd', ['-b', pw, user, password]);
      conf.push(`password_file ${pw}`);
    }
    const file = path.join(this.dir, 'mosquitto.conf');
    writeFileSync(file, conf.join('\n') + '\n');
    const proc = spawn('mosquitto', ['-c', file], { stdio: 'ignore' });
    this.proc = proc;
    // If the test worker dies before afterAll/finally, do not leave the broker behind.
    const kill = () => proc.kill('SIGTERM');
    process.once('exit', kill);
    proc.once('exit', () => process.off('exit', kill));
    await waitFor(() => proc.exitCode === null, 'mosquitto to start');
    await waitForPort(this.port);
  }

  async stop(): Promise<void> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    await exited;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }
}


async function waitForPort(port: number): Promise<void> {
  const until = Date.now() + 5000;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = netConnect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`mosquitto did not listen on ${port}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: 'ignore' });
    p.on('error', reject);
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} exited with ${code}`))));
  });
}

describe('mqtt connection handling', () => {
  it('reconnects and resubscribes after the broker restarts', async () => {
    const broker = new PrivateBroker();
    await broker.start();
    try {
      const env = StreamExecutionEnvironment.getExecutionEnvironment();
      env
        .fromSource<string>(new MqttSource({ url: broker.url, topics: ['t/#'], format: 'string', payloadOnly: true, reconnectPeriodMs: 100 }), WatermarkStrategy.noWatermarks(), 'mqtt')
        .sinkTo({ connector: 'collect', config: { name: 'out' } });
      const { client, out, logs, subscribed } = start(env);
      const publish = async (m: string) => {
        const c = await connectAsync(broker.url);
        await c.publishAsync('t/x', m, { qos: 1 });
        await c.endAsync();
      };
      await subscribed();
      await publish('before restart');
      await waitFor(() => out().length === 1, 'the first message');

      await broker.stop();
      await waitFor(() => logs.some((l) => l.includes('disconnected')), 'the source to notice');
      await broker.start();
      // The restarted broker has no sessions (persistence off): only a new SUBSCRIBE brings messages back.
      await subscribed(2);
      await publish('after restart');
      await waitFor(() => out().length === 2, 'the second message');
      expect(out()).toEqual(['before restart', 'after restart']);
      expect(logs.some((l) => l.includes('reconnect attempt 1'))).toBe(true);
      expect(client.job.status).toBe('running');
      await stop(client);
    } finally {
      await broker.stop();
    }
  });

  it('fails with the broker url after maxReconnects when nothing listens', async () => {
    const port = await freePort();
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.fromSource(new MqttSource({ url: `mqtt://127.0.0.1:${port}`, topics: ['a'], maxReconnects: 2, reconnectPeriodMs: 20 }), WatermarkStrategy.noWatermarks(), 'mqtt').print();
    await expect(env.execute()).rejects.toThrow(`mqtt source mqtt://127.0.0.1:${port}: connection refused (gave up after 2 reconnects)`);
  });

  describe('with a password file', () => {
    const broker = new PrivateBroker({ reader: 's3cret' });
    beforeAll(() => broker.start());
    afterAll(() => broker.stop());

    it('connects with username and password', async () => {
      const env = StreamExecutionEnvironment.getExecutionEnvironment();
      env
        .fromSource<string>(new MqttSource({ url: broker.url, topics: ['secure/#'], username: 'reader', password: 's3cret', format: 'string', payloadOnly: true }), WatermarkStrategy.noWatermarks(), 'mqtt')
        .sinkTo({ connector: 'collect', config: { name: 'out' } });
      const { client, out, subscribed } = start(env);
      await subscribed();
      const c = await connectAsync(broker.url, { username: 'reader', password: 's3cret' });
      await c.publishAsync('secure/a', 'hello', { qos: 1 });
      await c.endAsync();
      await waitFor(() => out().length === 1, 'the message');
      expect(out()).toEqual(['hello']);
      await stop(client);
    });

    it('fails a sink job on bad credentials', async () => {
      const env = StreamExecutionEnvironment.getExecutionEnvironment();
      env.fromElements('a', 'b').sinkTo(new MqttSink({ url: broker.url, topic: 'secure/out', username: 'reader', password: 'wrong' }));
      await expect(env.execute()).rejects.toThrow(`mqtt sink ${broker.url}: Connection refused: Not authorized`);
    });

    it('fails at once on bad credentials instead of retrying forever', async () => {
      const env = StreamExecutionEnvironment.getExecutionEnvironment();
      env.fromSource(new MqttSource({ url: broker.url, topics: ['secure/#'], username: 'reader', password: 'wrong' }), WatermarkStrategy.noWatermarks(), 'mqtt').print();
      const started = Date.now();
      await expect(env.execute()).rejects.toThrow(`mqtt source ${broker.url}: Connection refused: Not authorized`);
      expect(Date.now() - started).toBeLessThan(5000);
    });
  });
});

describe('mqtt config', () => {
  it('validates topics, roles and persistent sessions with errors that name the field', () => {
    expect(() => parseConnectorConfig('mqtt', {}, 'node "m"')).toThrow('topics: set topics (to read) or topic / topicField (to write)');
    expect(() => parseConnectorConfig('mqtt', { topics: ['a/#/b'] }, 'node "m"')).toThrow('"#" must be a whole level at the end of "a/#/b"');
    expect(() => parseConnectorConfig('mqtt', { topics: ['a/b+'] }, 'node "m"')).toThrow('"+" must be a whole level in "a/b+"');
    expect(() => parseConnectorConfig('mqtt', { topics: ['a'], clean: false }, 'node "m"')).toThrow('clientId: clean: false needs a fixed clientId');
    expect(() => parseConnectorConfig('mqtt', { topic: 'out/#' }, 'node "m"')).toThrow('wildcards (+, #) are only for subscriptions');
    expect(() => parseConnectorConfig('mqtt', { topics: ['a'], url: 'http://x' }, 'node "m"')).toThrow('url: expected mqtt://');
    const { config } = parseConnectorConfig('mqtt', { topics: ['sensors/+/temp', '#'] }, 'node "m"');
    expect(config).toMatchObject({ url: 'mqtt://127.0.0.1:1883', qos: 1, format: 'json', clean: true, payloadOnly: false });
    // A sink-only config is valid for the connector but not as a source.
    expect(() => mqttConnector.createSource!({ topic: 'out' })).toThrow('mqtt source: invalid config: topics');
    expect(() => mqttConnector.createSink!({ topics: ['in'] })).toThrow('mqtt sink: invalid config: topic: the mqtt sink needs a topic or a topicField');
  });
});
