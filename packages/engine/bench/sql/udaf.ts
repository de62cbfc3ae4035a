// A user-defined aggregate function (Flink's AggregateFunction, sql/udf.ts) against the built-in aggregate it
// re-implements, same query otherwise, same Nexmark bids, same process: what running through the generic
// accumulators (a method call per row and aggregate) costs against the compiled AggsHandle of the built-ins.
// Per round each side runs once (order alternating), after a forced GC and two untimed runs on a prefix.
// Run: node --expose-gc --max-semi-space-size=64 --conditions=development --import tsx packages/engine/bench/sql/udaf.ts [events]
// UDAF_RUNS sets the rounds (default 5).
import os from 'node:os';
import { NexmarkGenerator, type SqlAggregateFunction } from '../../src/index.js';
import { batchesOf, prefix, runEngine, type Input } from '../harness.js';
import { nexmarkSql } from './nexmarkSql.js';

const N = Number(process.argv[2] ?? 1_000_000);
const RUNS = Math.max(1, Number(process.env.UDAF_RUNS ?? 5));
const input = new NexmarkGenerator({ seed: 42, eventsPerSecond: 10_000, outOfOrdernessMs: 3000 }).takeWithTimestamps(N);
const rewarm = prefix(input, Math.min(20_000, N));
for (const i of [input, rewarm]) batchesOf(i);

/** SUM as a user-defined aggregate: the same NULL rule (no values: NULL). */
const usum: SqlAggregateFunction<{ s: number; c: number }, number | null> = {
  resultType: 'BIGINT',
  createAccumulator: () => ({ s: 0, c: 0 }),
  accumulate: (a, v: number | null) => {
    if (v !== null) (a.s += v), a.c++;
  },
  retract: (a, v: number | null) => {
    if (v !== null) (a.s -= v), a.c--;
  },
  merge: (a, others) => {
    for (const o of others) (a.s += o.s), (a.c += o.c);
  },
  getValue: (a) => (a.c > 0 ? a.s : null),
};

const QUERIES: Record<string, string> = {
  group: 'SELECT bidder, FN(price) AS total FROM bid GROUP BY bidder',
  tumble: "SELECT auction, window_start, FN(price) AS total FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(`dateTime`), INTERVAL '10' SECOND)) GROUP BY auction, window_start, window_end",
};

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function time(run: (i: Input) => Promise<unknown[][]>) {
  global.gc?.();
  await new Promise((r) => setTimeout(r, 200));
  for (let k = 0; k < 2; k++) await run(rewarm);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const out = await run(input);
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { ms, cpuMs: (c.user + c.system) / 1000, out: out.flat() as { total: number }[] };
}

if (!global.gc) console.warn('warning: run with --expose-gc (each timed run starts after a forced GC)');
for (const [name, sql] of Object.entries(QUERIES)) {
  const sides = {
    builtin: (i: Input) => runEngine(i, (src) => nexmarkSql(src, sql.replace('FN', 'SUM'))),
    udaf: (i: Input) => runEngine(i, (src) => nexmarkSql(src, sql.replace('FN', 'usum'), { usum })),
  };
  const ms = { builtin: [] as number[], udaf: [] as number[] };
  const cpu = { builtin: [] as number[], udaf: [] as number[] };
  const sums = { builtin: 0, udaf: 0 };
  for (let r = 0; r < RUNS; r++) {
    for (const side of r % 2 === 0 ? (['builtin', 'udaf'] as const) : (['udaf', 'builtin'] as const)) {
      const t = await time(sides[side]);
      ms[side].push(t.ms);
      cpu[side].push(t.cpuMs);
      // the same rows either way: the sum of every emitted total (retractions included) as a check
      sums[side] = t.out.reduce((a, row) => a + (row.total ?? 0), 0);
    }
  }
  console.log(
    JSON.stringify({
      query: name,
      events: N,
      builtinEps: Math.round((N / median(ms.builtin)) * 1000),
      udafEps: Math.round((N / median(ms.udaf)) * 1000),
      ratio: Math.round((median(ms.builtin) / median(ms.udaf)) * 100) / 100,
      cpuNsPerEvent: [Math.round((median(cpu.builtin) * 1e6) / N), Math.round((median(cpu.udaf) * 1e6) / N)],
      cpuRatio: Math.round((median(cpu.builtin) / median(cpu.udaf)) * 100) / 100,
      roundRatios: ms.builtin.map((b, i) => Math.round((b / ms.udaf[i]!) * 100) / 100),
      sameResults: sums.builtin === sums.udaf,
      load: os.loadavg().map((x) => Math.round(x * 100) / 100),
    }),
  );
}
