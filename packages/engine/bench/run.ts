// `npm run bench`: Nexmark queries on the engine, side by side with a hand-written loop and RxJS over the same
// pre-generated events, in the same process and run; prints a table and writes bench-results.json at the repo root.
// BENCH_EVENTS scales the event count (default 1,000,000); BENCH_RUNS sets the rounds per query (default 5, medians);
// BENCH_QUERIES=q5,q11 runs only those; BENCH_SOURCE=collection feeds the engine through env.fromCollection.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_YOUNG_GENERATION_MB, NexmarkGenerator, semiSpaceMbOf } from '../src/index.js';
import { same } from './compare.js';
import { batchesOf, prefix, SOURCE } from './harness.js';
import { queries } from './queries/index.js';
import { heapPerWindowKey } from './stateHeap.js';

const N = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const only = process.env.BENCH_QUERIES?.split(',');

/** How long each timed run waits after the forced GC for the GC's background work to end. */
const SETTLE_MS = 300;

/**
 * Times one run after a forced GC (so no run pays for the previous one's garbage). The GC also frees the previous
 * run's objects, and V8 then drops optimized code that depended on their layouts ("weak objects" deopts): a job is new
 * operators, state and timers every run, so the engine would start each timed run partly cold while the loop and RxJS,
 * which keep no per-run objects, would not. Each implementation therefore first runs on a short prefix (`rewarm`),
 * untimed, as a long-running job is warm after its first seconds; twice, because the first rewarm's windows and
 * timers fire only at its end, which changes the layouts once more and drops the code it had just optimized (traced on
 * q7: the window's add was recompiled during every timed run after one rewarm, before it after two).
 */
const REWARMS = 2;
async function time<R>(fn: () => Promise<R> | R, rewarm: () => Promise<unknown> | unknown): Promise<{ ms: number; result: R; peakHeap: number }> {
  global.gc?.();
  // The GC's helper threads go on sweeping and freeing pages after gc() returns; a run started at once competes with
  // them (on 2 cores a loop run right after RxJS's 4 s of garbage measured 184–219 ms, after a 100–300 ms pause 85–106).
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  for (let i = 0; i < REWARMS; i++) await rewarm();
  // A minor GC clears the rewarm's young garbage and leaves the old generation (and the layouts code depends on) alone.
  (global.gc as ((o: { type: 'minor' }) => void) | undefined)?.({ type: 'minor' });
  let peak = process.memoryUsage().heapUsed;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 20);
  const t0 = performance.now();
  const result = await fn();
  const ms = performance.now() - t0;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().heapUsed);
  return { ms, result, peakHeap: peak };
}

/** Set in the process of its own that measures one query (see below): where it writes its row. */
const childOut = process.env.BENCH_CHILD_OUT;
const events = childOut === undefined ? { events: [], timestamps: new Float64Array(0) } : new NexmarkGenerator({ seed: 42, eventsPerSecond: 10_000, outOfOrdernessMs: 3000 }).takeWithTimestamps(N);
const warm = prefix(events, Math.min(50_000, N));
const rewarmEvents = prefix(events, Math.min(20_000, N));
// The engine's source emits the events in batches, made here, before anything is timed (see batchesOf).
for (const input of [events, warm, rewarmEvents]) batchesOf(input);
/** Rounds per query (BENCH_RUNS, default 5): each round runs loop, engine and RxJS (in a rotating order); times are medians. */
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 5));
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
type Row = {
  query: string;
  engineEventsPerSec: number;
  loopEventsPerSec: number;
  rxjsEventsPerSec: number;
  engineToLoop: number;
  engineToRxjs: number;
  peakHeapBytes: number;
  resultsEqual: boolean;
  results: number;
};
const rows: Row[] = [];
// The whole process (loop, engine and RxJS alike) runs with the young generation Flowbook gives its jobs
// (src/runtime/youngGeneration.ts): `npm run bench` passes the flag.
const semiSpace = process.execArgv.find((a) => a.startsWith('--max-semi-space-size'));
const expected = `--max-semi-space-size=${semiSpaceMbOf(DEFAULT_YOUNG_GENERATION_MB)}`;
if (semiSpace !== expected) console.warn(`warning: run with ${expected} (as npm run bench does), the young generation of Flowbook's jobs; this process has ${semiSpace ?? "V8's default"}`);
if (childOut === undefined) console.log(
  `Nexmark, ${N.toLocaleString()} events (10,000 events/s of event time, 3 s out of order, watermark delay 4 s), node ${process.version}, ${os.cpus().length} cores, ${semiSpace ?? 'default semi-spaces'}, median of ${RUNS} run(s), each query in a process of its own, engine source: ${SOURCE === 'collection' ? 'env.fromCollection' : 'array batches'}`,
);
const selected = queries.filter((q) => !only || only.includes(q.name));
if (childOut === undefined) {
  // Each query runs in a process of its own (loop, engine and RxJS of that query together), as each Flowbook job runs
  // in a worker of its own: in one process the engine's operators and RxJS's would carry the type feedback of every
  // query before (q2's engine measured 23.7 M events/s after the other queries, 33–40 M alone).
  for (const q of selected) {
    const out = path.join(os.tmpdir(), `flowbook-bench-${process.pid}-${q.name}.json`);
    const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], { env: { ...process.env, BENCH_QUERIES: q.name, BENCH_CHILD_OUT: out }, stdio: 'inherit' });
    if (child.status !== 0) throw new Error(`the benchmark of ${q.name} failed (exit code ${child.status ?? child.signal})`);
    rows.push(...(JSON.parse(readFileSync(out, 'utf8')) as Row[]));
    rmSync(out, { force: true });
  }
} else for (const q of selected) {
  // Warm-up: a few runs of each on 50,000 events, so V8 has optimized the code and settled the shapes of the objects
  // every run creates (each job makes new operators) before anything is timed.
  for (let i = 0; i < 3; i++) {
    await q.engine(warm);
    q.loop(warm);
    await q.rxjs(warm);
  }
  const impls = { loop: async () => q.loop(events), engine: () => q.engine(events), rxjs: () => q.rxjs(events) };
  const rewarm = { loop: () => q.loop(rewarmEvents), engine: () => q.engine(rewarmEvents), rxjs: () => q.rxjs(rewarmEvents) };
  const names = Object.keys(impls) as (keyof typeof impls)[];
  const ms: Record<keyof typeof impls, number[]> = { loop: [], engine: [], rxjs: [] };
  const results: Partial<Record<keyof typeof impls, unknown[]>> = {};
  let peakHeap = 0;
  for (let r = 0; r < RUNS; r++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + r) % names.length]!;
      const m = await time(impls[name], rewarm[name]);
      ms[name].push(m.ms);
      if (process.env.BENCH_VERBOSE) console.log(`  ${q.name} round ${r + 1} ${name}: ${Math.round(N / (m.ms / 1000)).toLocaleString()}/s`);
      // The first round's results are compared; later rounds keep nothing, so the engine's peak heap is its own.
      // The engine's results are the chunks its sink received (harness.ts), flattened here, after timing.
      if (r === 0) results[name] = name === 'engine' ? (m.result as unknown[][]).flat() : (m.result as unknown[]);
      if (name === 'engine' && (r > 0 || RUNS === 1)) peakHeap = Math.max(peakHeap, m.peakHeap);
    }
    if (r === 0) {
      const how = q.compare ?? 'multiset';
      (results as { equal?: boolean }).equal = same(results.engine!, results.loop!, how) && same(results.rxjs!, results.loop!, how);
      (results as { count?: number }).count = results.loop!.length;
      delete results.engine;
      delete results.loop;
      delete results.rxjs;
    }
  }
  const eps = (t: number) => Math.round(N / (t / 1000));
  const engineMs = median(ms.engine);
  const loopMs = median(ms.loop);
  const rxMs = median(ms.rxjs);
  const row = {
    query: q.name,
    engineEventsPerSec: eps(engineMs),
    loopEventsPerSec: eps(loopMs),
    rxjsEventsPerSec: eps(rxMs),
    engineToLoop: Number((loopMs / engineMs).toFixed(2)),
    engineToRxjs: Number((rxMs / engineMs).toFixed(2)),
    peakHeapBytes: peakHeap,
    resultsEqual: (results as { equal?: boolean }).equal!,
    results: (results as { count?: number }).count!,
  };
  rows.push(row);
  console.log(`${q.name}: engine ${row.engineEventsPerSec.toLocaleString()}/s, loop ${row.loopEventsPerSec.toLocaleString()}/s, rxjs ${row.rxjsEventsPerSec.toLocaleString()}/s, results equal: ${row.resultsEqual}`);
}
if (childOut !== undefined) {
  writeFileSync(childOut, JSON.stringify(rows));
  process.exit(0);
}
console.table(rows.map((r) => ({ ...r, peakHeapMB: Math.round(r.peakHeapBytes / 1e6), peakHeapBytes: undefined })));
const heap = await heapPerWindowKey(Number(process.env.BENCH_KEYS ?? 200_000));
const heapGeneric = await heapPerWindowKey(Number(process.env.BENCH_KEYS ?? 200_000), true);
console.log(
  `window state: ${heap.keys.toLocaleString()} live keys in an open tumbling window, ${heap.bytesPerKey} bytes of heap per key ` +
    `(${heapGeneric.bytesPerKey} on the generic path of custom triggers and evictors)`,
);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
writeFileSync(
  path.join(root, SOURCE === 'collection' ? 'bench-results-collection.json' : 'bench-results.json'),
  JSON.stringify({ events: N, runs: RUNS, node: process.version, cores: os.cpus().length, date: new Date().toISOString(), queries: rows, windowStateBytesPerKey: heap.bytesPerKey, windowStateBytesPerKeyGenericPath: heapGeneric.bytesPerKey }, null, 2),
);
if (rows.some((r) => !r.resultsEqual)) {
  console.error('results differ from the loop for: ' + rows.filter((r) => !r.resultsEqual).map((r) => r.query).join(', '));
  process.exit(1);
}
