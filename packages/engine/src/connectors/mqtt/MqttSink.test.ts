import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { StreamExecutionEnvironment, WatermarkStrategy } from '../../index.js';
import { registerConnector } from '../registry.js';
import { mqttConnector, MqttSink, MqttSource, type MqttMessage } from './mqtt.js';

registerConnector(mqttConnector);

const BROKER = 'mqtt://127.0.0.1:1883';
const prefix = () => `flowbook-test/${randomUUID()}`;

async function waitFor(pred: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

interface Received {
  topic: string;
  payload: string;
  retain: boolean;
}

const clients: MqttClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.endAsync()));
});

/** A test subscriber that records what the broker delivers. */
async function subscriber(filter: string): Promise<Received[]> {
  const got: Received[] = [];
  const c = await connectAsync(BROKER);
  clients.push(c);
  c.on('message', (topic, payload, packet) => got.push({ topic, payload: payload.toString('utf8'), retain: packet.retain }));
  await c.subscribeAsync(filter, { qos: 1 });
  return got;
}

describe('mqtt sink', () => {
  it('publishes each record as JSON to a fixed topic, in order', async () => {
    const p = prefix();
    const got = await subscriber(`${p}/#`);
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    env
      .fromElements(1, 2, 3, 4, 5)
      .map((n) => ({ n, square: n * n }))
      .sinkTo(new MqttSink({ url: BROKER, topic: `${p}/squares` }));
    await env.execute();
    await waitFor(() => got.length === 5, '5 messages');
    expect(got.map((m) => m.topic)).toEqual(Array(5).fill(`${p}/squares`));
    expect(got.map((m) => JSON.parse(m.payload))).toEqual([1, 2, 3, 4, 5].map((n) => ({ n, square: n * n })));
  });

  it('routes by topicField, publishes only payloadField, and has every message at the broker when the job ends', async () => {
    const p = prefix();
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    env
      .fromElements({ room: 'kitchen', t: 21 }, { room: 'hall', t: 19 }, { room: 'kitchen', t: 22 }, { t: 0 })
      .map((r) => ({ topic: r.room ? `${p}/rooms/${r.room}` : undefined, payload: `${r.t}` }))
      // Records without a topic field go to the fixed fallback topic.
      .sinkTo(new MqttSink({ url: BROKER, topicField: 'topic', topic: `${p}/rooms/unknown`, payloadField: 'payload', format: 'string', retain: true, qos: 1 }));
    await env.execute();
    // Subscribing only now: a message delivered with the retain flag was stored before the subscription, i.e.
    // finish() waited for the broker's acknowledgements before the job ended.
    const got = await subscriber(`${p}/rooms/+`);
    try {
      await waitFor(() => got.length === 3, '3 retained messages');
      expect(got.sort((a, b) => a.topic.localeCompare(b.topic))).toEqual([
        { topic: `${p}/rooms/hall`, payload: '19', retain: true },
        { topic: `${p}/rooms/kitchen`, payload: '22', retain: true },
        { topic: `${p}/rooms/unknown`, payload: '0', retain: true },
      ]);
    } finally {
      const c = await connectAsync(BROKER);
      for (const room of ['hall', 'kitchen', 'unknown']) await c.publishAsync(`${p}/rooms/${room}`, '', { qos: 1, retain: true });
      await c.endAsync();
    }
  });

  it('bridges an mqtt source to an mqtt sink (topic and payload from the source record)', async () => {
    const p = prefix();
    const got = await subscriber(`${p}/out/#`);
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    const logs: string[] = [];
    env
      .fromSource<MqttMessage<{ celsius: number }>>(new MqttSource({ url: BROKER, topics: [`${p}/in/+`] }), WatermarkStrategy.noWatermarks(), 'in')
      .map((m) => ({ topic: m.topic.replace('/in/', '/out/'), payload: { fahrenheit: m.payload.celsius * 1.8 + 32 } }))
      .sinkTo(new MqttSink({ url: BROKER, topicField: 'topic', payloadField: 'payload' }));
    const client = env.executeAsync('bridge', { log: (l: string) => logs.push(l) });
    try {
      await waitFor(() => logs.some((l) => l.includes('subscribed to')), 'the source to subscribe');
      const c = await connectAsync(BROKER);
      clients.push(c);
      await c.publishAsync(`${p}/in/a`, JSON.stringify({ celsius: 100 }), { qos: 1 });
      await c.publishAsync(`${p}/in/b`, JSON.stringify({ celsius: -40 }), { qos: 1 });
      await waitFor(() => got.length === 2, '2 bridged messages');
      expect(got.map((m) => [m.topic, JSON.parse(m.payload)])).toEqual([
        [`${p}/out/a`, { fahrenheit: 212 }],
        [`${p}/out/b`, { fahrenheit: -40 }],
      ]);
    } finally {
      client.cancel();
      await client.getJobExecutionResult();
    }
  });

  it('publishes many QoS 2 records and the job ends only after all are acknowledged', async () => {
    const p = prefix();
    const got = await subscriber(`${p}/bulk`);
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.fromSequence(1, 2000).sinkTo(new MqttSink({ url: BROKER, topic: `${p}/bulk`, qos: 2 }));
    await env.execute();
    await waitFor(() => got.length === 2000, '2000 messages', 10_000);
    expect(got.map((m) => Number(m.payload))).toEqual(Array.from({ length: 2000 }, (_, i) => i + 1));
  });

  it('fails the job with a clear error when a record has no topic field and there is no fallback', async () => {
    const p = prefix();
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.fromElements({ to: `${p}/a`, v: 1 }, { v: 2 }).sinkTo(new MqttSink({ url: BROKER, topicField: 'to' }));
    await expect(env.execute()).rejects.toThrow(`mqtt sink ${BROKER}: record has no "to" to publish to (and no fallback topic): {"v":2}`);
  });

  it('rejects a wildcard topic taken from a record', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.fromElements({ to: 'a/#' }).sinkTo(new MqttSink({ url: BROKER, topicField: 'to' }));
    await expect(env.execute()).rejects.toThrow('cannot publish to "a/#": wildcards (+, #) are only for subscriptions');
  });

  it('fails the job at the end of input when the broker cannot be reached within flushTimeoutMs', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const port = (s.address() as { port: number }).port;
        s.close(() => resolve(port));
      });
    });
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.fromElements('a', 'b').sinkTo(new MqttSink({ url: `mqtt://127.0.0.1:${port}`, topic: 'x', reconnectPeriodMs: 50, flushTimeoutMs: 300 }));
    await expect(env.execute()).rejects.toThrow(`mqtt sink mqtt://127.0.0.1:${port}: 2 publishes not acknowledged after 300 ms`);
  });
});
