// Nexmark q2 and q3 written in SQL against the same queries written with the DataStream API, same input, same
// process: events per second of each (best of 3). Run: node --conditions=development --import tsx packages/engine/bench/sql/throughput.ts [events]
import { NexmarkGenerator, StreamExecutionEnvironment, WatermarkStrategy, type NexmarkEvent } from '../../src/index.js';
import { Schema } from '../../src/table/Schema.js';
import { StreamTableEnvironment } from '../../src/table/StreamTableEnvironment.js';
import { q3 } from '../queries/joins.js';
import { q2 } from '../queries/simple.js';

const n = Number(process.argv[2] ?? 200_000);
const input = new NexmarkGenerator({ seed: 7, eventsPerSecond: 10_000, outOfOrdernessMs: 3000 }).takeWithTimestamps(n);

async function sql(query: string): Promise<number> {
  const env = new StreamExecutionEnvironment();
  const tEnv = StreamTableEnvironment.create(env);
  const events = env
    .fromCollection(input.events)
    .assignTimestampsAndWatermarks(WatermarkStrategy.forBoundedOutOfOrderness<NexmarkEvent>(4000).withTimestampAssigner((e) => e.t))
    .map((e) => ({ event_type: e.person ? 0 : e.auction ? 1 : 2, person: e.person ?? null, auction: e.auction ?? null, bid: e.bid ?? null }));
  tEnv.createTemporaryView('datagen', events, Schema.newBuilder()
    .column('event_type', 'INT')
    .column('person', 'ROW<id BIGINT, name STRING, city STRING, state STRING>')
    .column('auction', 'ROW<id BIGINT, seller BIGINT, category BIGINT>')
    .column('bid', 'ROW<auction BIGINT, bidder BIGINT, price BIGINT>')
    .build());
  tEnv.executeSql('CREATE VIEW person AS SELECT person.id, person.name, person.city, person.state FROM datagen WHERE event_type = 0');
  tEnv.executeSql('CREATE VIEW auction AS SELECT auction.id, auction.seller, auction.category FROM datagen WHERE event_type = 1');
  tEnv.executeSql('CREATE VIEW bid AS SELECT bid.auction, bid.bidder, bid.price FROM datagen WHERE event_type = 2');
  return (await tEnv.toChangelogStream(tEnv.sqlQuery(query)).executeAndCollect()).length;
}

async function best(f: () => Promise<number>): Promise<{ eps: number; results: number }> {
  let ms = Infinity;
  let results = 0;
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    results = await f();
    ms = Math.min(ms, performance.now() - t);
  }
  return { eps: Math.round((n / ms) * 1000), results };
}

const cases = [
  { name: 'q2', ds: () => q2.engine(input).then((r) => r.flat().length), sql: () => sql('SELECT auction, price FROM bid WHERE MOD(auction, 123) = 0') },
  { name: 'q3', ds: () => q3.engine(input).then((r) => r.flat().length), sql: () => sql("SELECT P.name, P.city, P.state, A.id FROM auction AS A INNER JOIN person AS P on A.seller = P.id WHERE A.category = 10 and (P.state = 'OR' OR P.state = 'ID' OR P.state = 'CA')") },
];
for (const c of [...cases, ...cases]) {
  const ds = await best(c.ds);
  const s = await best(c.sql);
  console.log(JSON.stringify({ query: c.name, events: n, dataStreamEps: ds.eps, sqlEps: s.eps, ratio: Math.round((s.eps / ds.eps) * 100) / 100, results: [ds.results, s.results] }));
}
