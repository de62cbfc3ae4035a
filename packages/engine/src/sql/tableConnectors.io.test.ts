// SQL tables on Kafka (the test run's shared Apache Kafka broker) and on a TCP text socket.
import { createServer, type Server } from 'node:net';
import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../connectors/index.js';
import { StreamExecutionEnvironment } from '../api/StreamExecutionEnvironment.js';
import { getConnector, registerConnector } from '../connectors/registry.js';
import { kafkaConnector } from '../connectors/kafka/index.js';
import { StreamTableEnvironment } from '../table/StreamTableEnvironment.js';
import type { ApacheKafkaBroker } from '../testing/apacheKafkaBroker.js';
import { createTopic } from '../testing/kafkaTopics.js';
import { sharedApacheKafkaBroker } from '../testing/sharedKafkaBroker.js';
import { parseStatements } from './catalog.js';

if (getConnector('kafka') === undefined) registerConnector(kafkaConnector);

let broker: ApacheKafkaBroker;
let producer: Producer;

beforeAll(async () => {
  void parseStatements('SELECT a FROM t');
  broker = await sharedApacheKafkaBroker();
  producer = new Kafka({ brokers: [broker.bootstrap], clientId: 'sql-table-test', logLevel: logLevel.NOTHING }).producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
}, 300_000);

afterAll(async () => {
  await producer?.disconnect().catch(() => undefined);
  await broker?.stop();
});

const kafkaTable = (name: string, columns: string, topic: string, extra = '') => `CREATE TABLE ${name} (${columns}) WITH (
  'connector' = 'kafka', 'topic' = '${topic}', 'properties.bootstrap.servers' = '${broker.bootstrap}',
  'properties.group.id' = 'g-${topic}-${name}', 'scan.startup.mode' = 'earliest-offset', 'format' = 'json'${extra})`;

describe('SQL Kafka tables', () => {
  it('reads a topic (bounded at the latest offsets), aggregates on event time, writes and reads back another topic', async () => {
    const inTopic = `orders-${process.pid}`;
    const outTopic = `totals-${process.pid}`;
    const T0 = Date.UTC(2024, 0, 1);
    const orders = [
      { user: 'a', amount: 3, ts: T0 + 1000 },
      { user: 'b', amount: 5, ts: T0 + 2000 },
      { user: 'a', amount: 2, ts: T0 + 4000 },
      { user: 'a', amount: 7, ts: T0 + 12000 },
    ];
    // topics made before anything is written: a produce that auto-creates one races its leader election, and the
    // at-least-once sink's retry would then write a result twice
    const kafka = new Kafka({ brokers: [broker.bootstrap], clientId: 'sql-table-admin', logLevel: logLevel.NOTHING });
    for (const topic of [inTopic, outTopic]) await createTopic(kafka, topic);
    // one partition key: the rows stay in order, so the watermark is exact
    await producer.send({ topic: inTopic, messages: orders.map((o) => ({ key: 'k', value: JSON.stringify({ ...o, ts: new Date(o.ts).toISOString() }) })) });

    const env = new StreamExecutionEnvironment();
    env.setParallelism(1);
    const tEnv = StreamTableEnvironment.create(env);
    tEnv.executeSql(kafkaTable('orders', "`user` STRING, amount INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND", inTopic, ", 'scan.bounded.mode' = 'latest-offset'"));
    tEnv.executeSql(kafkaTable('totals', '`user` STRING, window_start TIMESTAMP(3), total INT', outTopic));
    tEnv.executeSql("INSERT INTO totals SELECT `user`, window_start, SUM(amount) AS total FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY `user`, window_start, window_end");
    await env.execute('kafka sql'); // ends: the source is bounded

    const env2 = new StreamExecutionEnvironment();
    const tEnv2 = StreamTableEnvironment.create(env2);
    tEnv2.executeSql(kafkaTable('totals', '`user` STRING, window_start TIMESTAMP(3), total INT', outTopic, ", 'scan.bounded.mode' = 'latest-offset'"));
    const rows = await tEnv2.toDataStream(tEnv2.sqlQuery('SELECT `user`, window_start, total FROM totals')).executeAndCollect();
    expect(rows.map((r) => `${r.user} ${(r.window_start as number) - T0} ${r.total}`).sort()).toEqual(['a 0 5', 'a 10000 7', 'b 0 5']);
  }, 60_000);

  it("refuses scan.bounded.mode values it does not implement, naming Flink's option", () => {
    const tEnv = StreamTableEnvironment.create(new StreamExecutionEnvironment());
    tEnv.executeSql(kafkaTable('t', 'a INT', 'x', ", 'scan.bounded.mode' = 'specific-offsets'"));
    expect(() => tEnv.sqlQuery('SELECT a FROM t')).toThrow(/scan.bounded.mode/);
  });
});

describe('SQL socket tables', () => {
  let server: Server;
  afterAll(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

  it('reads CSV lines from a TCP server', async () => {
    server = createServer((sock) => sock.end('sensor-1,20.5\nsensor-2,31.0\nsensor-1,22.0\n'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    const env = new StreamExecutionEnvironment();
    env.setParallelism(1);
    const tEnv = StreamTableEnvironment.create(env);
    tEnv.executeSql(`CREATE TABLE readings (id STRING, temp DOUBLE) WITH ('connector' = 'socket', 'hostname' = '127.0.0.1', 'port' = '${port}', 'format' = 'csv')`);
    // the socket source is unbounded (it reconnects): collect the expected number of rows, then the job is cancelled
    const rows = await tEnv.toDataStream(tEnv.sqlQuery("SELECT id, temp * 2 AS t2 FROM readings WHERE id = 'sensor-1'")).executeAndCollect(2);
    expect(rows).toEqual([
      { id: 'sensor-1', t2: 41 },
      { id: 'sensor-1', t2: 44 },
    ]);
  }, 30_000);
});
