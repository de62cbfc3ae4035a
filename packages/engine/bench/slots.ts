// `npm run bench` (slots part): a CPU-bound keyed job at parallelism 1 and 2, side by side in one process and run.
// Nexmark events → map with ~2 µs of work → keyBy → 100 s event-time tumbling window → collect; BENCH_SLOT_EVENTS
// sets the count (default 2,000,000), BENCH_RUNS the rounds (default 3, medians).
import { runProgram } from '../src/testing/runProgram.js';

const N = Number(process.env.BENCH_SLOT_EVENTS ?? 2_000_000);
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));

/** Iterations of the work loop that take ~2 µs on this machine (measured now, so the job is CPU-bound as meant). */
function calibrate(): number {
  const work = (x: number, n: number) => {
    let h = x | 0;
    for (let i = 0; i < n; i++) h = (Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) + i) | 0;
    return h;
  };
  let sink = 0;
  const n = 1000;
  for (let i = 0; i < 200_000; i++) sink ^= work(i, 100);
  const t0 = performance.now();
  for (let i = 0; i < 200_000; i++) sink ^= work(i, n);
  const nsPerIter = ((performance.now() - t0) * 1e6) / 200_000 / n;
  if (sink === 42) console.log('');
  return Math.max(1, Math.round(2000 / nsPerIter));
}

const program = (p: number) => `
import { Nexmark, StreamExecutionEnvironment, TumblingEventTimeWindows, WatermarkStrategy } from '@flowbook/engine';
const iterations = globalThis.benchIterations;
const work = (x) => {
  let h = x | 0;
  for (let i = 0; i < iterations; i++) h = (Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) + i) | 0;
  return h;
};
const env = new StreamExecutionEnvironment();
env.setParallelism(${p});
env
  .fromSource(new Nexmark({ seed: 7, count: ${N}, ratePerSecond: 0, eventsPerSecond: 10_000 }), WatermarkStrategy.forMonotonousTimestamps().withTimestampAssigner((e) => e.t), 'nexmark')
  .map((e) => ({ k: e.t % 997, h: work(e.t) & 0xff }))
  .keyBy((r) => r.k)
  .window(TumblingEventTimeWindows.of(100_000))
  .reduce((a, b) => ({ k: a.k, h: (a.h + b.h) | 0 }))
  .sinkTo({ connector: 'collect', config: { name: 'out' } });
globalThis.benchStart = performance.now();
await env.execute('cpu-bound p=${p}');
`;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const canon = (rows: unknown[]) => JSON.stringify(rows.map((r) => JSON.stringify(r)).sort());

async function main(): Promise<void> {
  const iterations = calibrate();
  const g = globalThis as Record<string, unknown>;
  const times: Record<number, number[]> = { 1: [], 2: [] };
  let expected: string | undefined;
  for (let r = 0; r < RUNS; r++) {
    for (const p of r % 2 === 0 ? [1, 2] : [2, 1]) {
      const { results } = await runProgram(program(p), { globals: { benchIterations: iterations } });
      // From execute() to the job's end: includes starting the peer thread and its program.
      const ms = performance.now() - (g.benchStart as number);
      const c = canon(results.out ?? []);
      if (expected === undefined) expected = c;
      else if (c !== expected) throw new Error(`p=${p}: results differ from the first run`);
      times[p]!.push(ms);
    }
  }
  const t1 = median(times[1]!);
  const t2 = median(times[2]!);
  console.log(`CPU-bound keyed job, ${N.toLocaleString('en')} events, ~2 µs map (${iterations} iterations), median of ${RUNS}:`);
  console.log(`  p=1 ${t1.toFixed(0)} ms (${((N / t1) * 1000).toFixed(0)} events/s)  p=2 ${t2.toFixed(0)} ms  speed-up ${(t1 / t2).toFixed(2)}×  (same results)`);
}

await main();
