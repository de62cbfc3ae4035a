// Nexmark queries written in SQL (bench/sql/nexmarkSql.ts) against the same queries written with the DataStream API
// (bench/queries/), same input, same source and sink (harness.ts's runEngine), same process. Per round each side runs
// once (the order alternates between rounds), each run after a forced GC and two untimed runs on a prefix (as run.ts
// times the engine: a long-running job is warm); events/s are medians over the rounds.
// Run: node --expose-gc --max-semi-space-size=64 --conditions=development --import tsx packages/engine/bench/sql/throughput.ts [events]
// SQL_QUERIES=q2,q3 picks queries, SQL_RUNS the rounds (default 5).
import os from 'node:os';
import { NexmarkGenerator, type NexmarkEvent } from '../../src/index.js';
import { batchesOf, prefix, runEngine, type Input } from '../harness.js';
import { queries } from '../queries/index.js';
import { NEXMARK_SQL, nexmarkSql } from './nexmarkSql.js';

const N = Number(process.argv[2] ?? 1_000_000);
const RUNS = Math.max(1, Number(process.env.SQL_RUNS ?? 5));
// the queries with both a DataStream version and an SQL one (q12 is processing time: its DataStream version runs on
// the benchmark's event-driven clock, which a SQL table's PROCTIME() does not use)
const names = (process.env.SQL_QUERIES ?? 'q0,q1,q2,q3,q4,q5,q7,q8,q11').split(',');
const input = new NexmarkGenerator({ seed: 42, eventsPerSecond: 10_000, outOfOrdernessMs: 3000 }).takeWithTimestamps(N);
const rewarm = prefix(input, Math.min(20_000, N));
for (const i of [input, rewarm]) batchesOf(i);

// Two DataStream queries of bench/queries/ are other queries than the official SQL: q0 there is Beam's pass-through of
// every event (it measures the harness), where SQL's q0 projects the bids; q1 there floors the euros to an integer,
// where SQL's `0.908 * price` keeps the fraction. These two SQL queries are measured against the same query written
// with the DataStream API. Defined once, as a long-running job has them (see queries/simple.ts).
const isBid = (e: NexmarkEvent) => e.bid !== undefined;
const toQ0 = (e: NexmarkEvent) => ({ auction: e.bid!.auction, bidder: e.bid!.bidder, price: e.bid!.price, dateTime: e.bid!.dateTime });
const toQ1 = (e: NexmarkEvent) => ({ auction: e.bid!.auction, bidder: e.bid!.bidder, price: 0.908 * e.bid!.price, dateTime: e.bid!.dateTime });
const sameQuery: Record<string, (i: Input) => Promise<unknown[][]>> = {
  q0: (i) => runEngine(i, (s) => s.filter(isBid).map(toQ0)),
  q1: (i) => runEngine(i, (s) => s.filter(isBid).map(toQ1)),
};

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

// CPU time (process.cpuUsage: this process's threads, the GC's included) is less sensitive than wall time to the
// other processes of a loaded machine
async function time(run: (i: Input) => Promise<unknown[][]>): Promise<{ ms: number; cpuMs: number; results: number }> {
  global.gc?.();
  await new Promise((r) => setTimeout(r, 200));
  for (let k = 0; k < 2; k++) await run(rewarm);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const out = await run(input);
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { ms, cpuMs: (c.user + c.system) / 1000, results: out.reduce((n, c) => n + c.length, 0) };
}

if (!global.gc) console.warn('warning: run with --expose-gc (each timed run starts after a forced GC)');
for (const name of names) {
  const ds = queries.find((q) => q.name === name);
  const sql = NEXMARK_SQL[name];
  if (!ds || !sql) throw new Error(`no DataStream or SQL version of ${name}`);
  const runDs = sameQuery[name] ?? ((i: Input) => ds.engine(i) as Promise<unknown[][]>);
  const runSql = (i: Input) => runEngine(i, (src) => nexmarkSql(src, sql));
  const dsMs: number[] = [];
  const sqlMs: number[] = [];
  const dsCpu: number[] = [];
  const sqlCpu: number[] = [];
  let results: [number, number] = [0, 0];
  for (let r = 0; r < RUNS; r++) {
    // alternate which side runs first, so neither always runs right after the other's garbage
    const order = r % 2 === 0 ? ['ds', 'sql'] : ['sql', 'ds'];
    for (const side of order) {
      const t = await time(side === 'ds' ? runDs : runSql);
      (side === 'ds' ? dsMs : sqlMs).push(t.ms);
      (side === 'ds' ? dsCpu : sqlCpu).push(t.cpuMs);
      results[side === 'ds' ? 0 : 1] = t.results;
    }
  }
  const dsEps = Math.round((N / median(dsMs)) * 1000);
  const sqlEps = Math.round((N / median(sqlMs)) * 1000);
  const ratios = dsMs.map((d, i) => d / sqlMs[i]!);
  console.log(
    JSON.stringify({
      query: name,
      events: N,
      dataStreamEps: dsEps,
      sqlEps,
      ratio: Math.round((sqlEps / dsEps) * 100) / 100,
      roundRatios: ratios.map((x) => Math.round(x * 100) / 100),
      // CPU ns per input event (medians) and DataStream/SQL of the CPU medians: the same reading as `ratio`
      cpuNsPerEvent: [Math.round((median(dsCpu) * 1e6) / N), Math.round((median(sqlCpu) * 1e6) / N)],
      cpuRatio: Math.round((median(dsCpu) / median(sqlCpu)) * 100) / 100,
      cpuRoundRatios: dsCpu.map((d, i) => Math.round((d / sqlCpu[i]!) * 100) / 100),
      results: results,
      load: os.loadavg().map((x) => Math.round(x * 100) / 100),
    }),
  );
}
