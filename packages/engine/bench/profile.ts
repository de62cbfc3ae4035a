// Profiling helper: runs only the engine side of the given queries, for `node --cpu-prof --import tsx`.
// BENCH_QUERIES=q5,q11 BENCH_EVENTS=1000000 node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx packages/engine/bench/profile.ts
import { NexmarkGenerator } from '../src/index.js';
import { prefix, type Query } from './harness.js';
import { queries } from './queries/index.js';

const N = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const only = process.env.BENCH_QUERIES?.split(',');
const events = new NexmarkGenerator({ seed: 42, eventsPerSecond: 10_000, outOfOrdernessMs: 3000 }).takeWithTimestamps(N);
const reps = Number(process.env.BENCH_RUNS ?? 1);
for (const q of queries as Query<unknown>[]) {
  if (only && !only.includes(q.name)) continue;
  await q.engine(prefix(events, 50_000));
  for (let i = 0; i < reps; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const r = await q.engine(events);
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(c0);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    console.log(`${q.name}: ${Math.round(N / (ms / 1000)).toLocaleString()} events/s wall, ${Math.round(N / (cpuMs / 1000)).toLocaleString()} events/s of CPU time, ${r.reduce((n, c) => n + c.length, 0)} results`);
  }
}
