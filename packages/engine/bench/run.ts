// `npm run bench`: Nexmark queries on the engine, side by side with a hand-written loop and RxJS over the same
// pre-generated events, in the same process and run; prints a table and writes bench-results.json at the repo root.
// BENCH_EVENTS scales the event count (default 1,000,000).
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { NexmarkGenerator, type NexmarkEvent } from '../src/index.js';
import type { Query } from './harness.js';
import { q3, q8 } from './queries/joins.js';
import { q0, q1, q2 } from './queries/simple.js';
import { q5, q7, q11 } from './queries/windowed.js';
import { heapPerWindowKey } from './stateHeap.js';

const N = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const queries: Query<unknown>[] = [q0, q1, q2, q3, q5, q7, q8, q11] as Query<unknown>[];
const only = process.env.BENCH_QUERIES?.split(',');

const stable = (v: unknown) => JSON.stringify(v);
function same(a: unknown[], b: unknown[], how: 'multiset' | 'checksum'): boolean {
  if (a.length !== b.length) return false;
  if (how === 'checksum') {
    const h = (rows: unknown[]) => {
      let x = 0;
      for (const r of rows) {
        const s = stable(r);
        let k = 0;
        for (let i = 0; i < s.length; i++) k = (Math.imul(k, 31) + s.charCodeAt(i)) | 0;
        x = (x + k) | 0;
      }
      return x;
    };
    return h(a) === h(b);
  }
  const sa = a.map(stable).sort();
  const sb = b.map(stable).sort();
  return sa.every((s, i) => s === sb[i]);
}

async function time<R>(fn: () => Promise<R> | R): Promise<{ ms: number; result: R; peakHeap: number }> {
  global.gc?.();
  let peak = process.memoryUsage().heapUsed;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 20);
  const t0 = performance.now();
  const result = await fn();
  const ms = performance.now() - t0;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().heapUsed);
  return { ms, result, peakHeap: peak };
}

const events: NexmarkEvent[] = new NexmarkGenerator({ seed: 42, eventsPerSecond: 10_000, outOfOrdernessMs: 3000 }).take(N);
const warm = events.slice(0, Math.min(50_000, N));
const rows = [];
console.log(`Nexmark, ${N.toLocaleString()} events (10,000 events/s of event time, 3 s out of order, watermark delay 4 s), node ${process.version}, ${os.cpus().length} cores`);
for (const q of queries) {
  if (only && !only.includes(q.name)) continue;
  await q.engine(warm);
  q.loop(warm);
  await q.rxjs(warm);
  const loop = await time(() => q.loop(events));
  const engine = await time(() => q.engine(events));
  const rx = await time(() => q.rxjs(events));
  const eps = (ms: number) => Math.round(N / (ms / 1000));
  const row = {
    query: q.name,
    engineEventsPerSec: eps(engine.ms),
    loopEventsPerSec: eps(loop.ms),
    rxjsEventsPerSec: eps(rx.ms),
    engineToLoop: Number((loop.ms / engine.ms).toFixed(2)),
    engineToRxjs: Number((rx.ms / engine.ms).toFixed(2)),
    peakHeapBytes: engine.peakHeap,
    resultsEqual: same(engine.result as unknown[], loop.result as unknown[], q.compare ?? 'multiset') && same(rx.result as unknown[], loop.result as unknown[], q.compare ?? 'multiset'),
    results: (loop.result as unknown[]).length,
  };
  rows.push(row);
  console.log(`${q.name}: engine ${row.engineEventsPerSec.toLocaleString()}/s, loop ${row.loopEventsPerSec.toLocaleString()}/s, rxjs ${row.rxjsEventsPerSec.toLocaleString()}/s, results equal: ${row.resultsEqual}`);
}
console.table(rows.map((r) => ({ ...r, peakHeapMB: Math.round(r.peakHeapBytes / 1e6), peakHeapBytes: undefined })));
const heap = await heapPerWindowKey(Number(process.env.BENCH_KEYS ?? 200_000));
console.log(`window state: ${heap.keys.toLocaleString()} live keys in an open tumbling window, ${heap.bytesPerKey} bytes of heap per key`);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
writeFileSync(path.join(root, 'bench-results.json'), JSON.stringify({ events: N, date: new Date().toISOString(), queries: rows, windowStateBytesPerKey: heap.bytesPerKey }, null, 2));
if (rows.some((r) => !r.resultsEqual)) {
  console.error('results differ from the loop for: ' + rows.filter((r) => !r.resultsEqual).map((r) => r.query).join(', '));
  process.exit(1);
}
