// Profiling helper: runs only the SQL side (or, with SQL_SIDE=ds, the DataStream side) of the given Nexmark queries;
// with SQL_PROF=file.cpuprofile, a CPU profile of the timed runs only (not the generator, parser or module loading).
// SQL_QUERIES=q5,q8 SQL_EVENTS=1000000 SQL_RUNS=3 SQL_PROF=/tmp/q.cpuprofile node --expose-gc --conditions=development
// --import tsx packages/engine/bench/sql/profile.ts
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import { NexmarkGenerator } from '../../src/index.js';
import { prefix, runEngine, type Input } from '../harness.js';
import { queries } from '../queries/index.js';
import { NEXMARK_SQL, nexmarkSql } from './nexmarkSql.js';

const N = Number(process.env.SQL_EVENTS ?? 1_000_000);
const runs = Number(process.env.SQL_RUNS ?? 3);
const ds = process.env.SQL_SIDE === 'ds';
const input = new NexmarkGenerator({ seed: 42, eventsPerSecond: 10_000, outOfOrdernessMs: 3000 }).takeWithTimestamps(N);
const session = process.env.SQL_PROF ? new Session() : undefined;
session?.connect();
await session?.post('Profiler.enable');
for (const name of (process.env.SQL_QUERIES ?? 'q8').split(',')) {
  const run = ds
    ? (i: Input) => queries.find((q) => q.name === name)!.engine(i) as Promise<unknown[][]>
    : (i: Input) => runEngine(i, (src) => nexmarkSql(src, NEXMARK_SQL[name]!));
  await run(prefix(input, 20_000));
  await session?.post('Profiler.start');
  for (let r = 0; r < runs; r++) {
    global.gc?.();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const out = await run(input);
    const ms = performance.now() - t0;
    const c = process.cpuUsage(c0);
    console.log(`${name} ${ds ? 'DataStream' : 'SQL'}: ${Math.round(ms)} ms wall, ${Math.round((c.user + c.system) / 1000)} ms CPU, ${out.reduce((n, x) => n + x.length, 0)} results`);
  }
  const prof = await session?.post('Profiler.stop');
  if (prof) fs.writeFileSync(process.env.SQL_PROF!.replace('.cpuprofile', `-${name}.cpuprofile`), JSON.stringify(prof.profile));
}
