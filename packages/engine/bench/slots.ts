// `npm run bench` (slots part), every ratio side by side in one process and run:
// 1. codecs for batches crossing between slot threads (structured clone, msgpackr, JSON);
// 2. a CPU-bound keyed job at parallelism 1 and 2: Nexmark events → map with ~2 µs of work → keyBy → 100 s event-time
//    tumbling window → collect (BENCH_SLOT_EVENTS events, default 2,000,000); and the same job on fromSequence;
// 3. Nexmark q5, q7, q11 at parallelism 1 and 2 (BENCH_SLOT_NEXMARK events, default 1,000,000);
// 4. the CPU-bound job through `flowbook run` at parallelism 1 and 2.
// BENCH_RUNS sets the rounds (default 3, medians). Times run from execute() to the job's end, so they include starting
// the peer slot thread (loading the engine and the program).
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import v8 from 'node:v8';
import { Worker } from 'node:worker_threads';
import { Packr } from 'msgpackr';
import { closeSlotPool, NexmarkGenerator } from '../src/index.js';
import { runProgram } from '../src/testing/runProgram.js';

const N = Number(process.env.BENCH_SLOT_EVENTS ?? 2_000_000);
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));

/** Iterations of the work loop that take ~2 µs of CPU on this machine (measured now, so the job is CPU-bound as meant). */
function calibrate(): number {
  const work = (x: number, n: number) => {
    let h = x | 0;
    for (let i = 0; i < n; i++) h = (Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) + i) | 0;
    return h;
  };
  let sink = 0;
  const n = 1000;
  for (let i = 0; i < 200_000; i++) sink ^= work(i, 100);
  // CPU time, not wall time: on a loaded machine this thread is descheduled part of the time (only it runs now).
  const c0 = process.cpuUsage();
  for (let i = 0; i < 200_000; i++) sink ^= work(i, n);
  const c = process.cpuUsage(c0);
  const nsPerIter = ((c.user + c.system) * 1e3) / 200_000 / n;
  if (sink === 42) console.log('');
  return Math.max(1, Math.round(2000 / nsPerIter));
}

/** The CPU-bound keyed job at parallelism p, reading `source`, keyed and worked on by `value` of each element `x`. */
const cpuBound = (p: number, source: string, value: string, name: string) => `
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
  ${source}
  .map((x) => ({ k: ${value} % 997, h: work(${value}) & 0xff }))
  .keyBy((r) => r.k)
  .window(TumblingEventTimeWindows.of(100_000))
  .reduce((a, b) => ({ k: a.k, h: (a.h + b.h) | 0 }))
  .sinkTo({ connector: 'collect', config: { name: 'out' } });
globalThis.benchStart = performance.now();
await env.execute('${name} p=${p}');
`;

/** On Nexmark events (the generator splits its ids among source subtasks). */
const program = (p: number) =>
  cpuBound(p, `.fromSource(new Nexmark({ seed: 7, count: ${N}, ratePerSecond: 0, eventsPerSecond: 10_000 }), WatermarkStrategy.forMonotonousTimestamps().withTimestampAssigner((e) => e.t), 'nexmark')`, 'x.t', 'cpu-bound');

/** On fromSequence (a range per source subtask), with event time from the number. */
const programSplit = (p: number) =>
  cpuBound(p, `.fromSequence(0, ${N - 1})
  .assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps().withTimestampAssigner((i) => Math.floor(i / 10)))`, 'x', 'cpu-bound split');

type Codec = { name: string; encode(v: unknown[]): unknown; decode(b: unknown): unknown[] };
// Separate instances on both ends, as in two threads: each message carries its record structures.
const packr = new Packr({ useRecords: true, moreTypes: true });
const unpackr = new Packr({ useRecords: true, moreTypes: true });
const codecs: Codec[] = [
  // postMessage's structured clone is V8's ValueSerializer: the sender serializes, the receiver deserializes.
  { name: 'structured clone (v8.serialize)', encode: (v) => v8.serialize(v), decode: (b) => v8.deserialize(b as Buffer) as unknown[] },
  { name: 'msgpackr (records)', encode: (v) => packr.pack(v), decode: (b) => unpackr.unpack(b as Buffer) as unknown[] },
  { name: 'JSON', encode: (v) => JSON.stringify(v), decode: (b) => JSON.parse(b as string) as unknown[] },
];

/**
 * Measured, not used: a columnar layout in a SharedArrayBuffer, one Float64Array column per field, for batches of flat
 * records whose fields are all numbers with the same keys in the same order (anything else throws: not applicable).
 * The receiver rebuilds each record from the columns, adding the keys in order (one hidden class).
 */
const columnar: Codec = {
  name: 'columnar numbers (SharedArrayBuffer)',
  encode(v) {
    const first = v[0] as Record<string, unknown>;
    const keys = Object.keys(first);
    const k = keys.length;
    const cols = new Float64Array(new SharedArrayBuffer(8 * k * v.length));
    for (let i = 0; i < v.length; i++) {
      const r = v[i] as Record<string, unknown>;
      let n = 0;
      for (const key in r) {
        if (key !== keys[n]) throw new Error('columnar: records of different shapes');
        const x = r[key];
        if (typeof x !== 'number') throw new Error('columnar: not a number');
        cols[n * v.length + i] = x;
        n++;
      }
      if (n !== k) throw new Error('columnar: records of different shapes');
    }
    return { keys, n: v.length, cols, byteLength: cols.byteLength };
  },
  decode(b) {
    const { keys, n, cols } = b as { keys: string[]; n: number; cols: Float64Array };
    const out = new Array<unknown>(n);
    for (let i = 0; i < n; i++) {
      const o: Record<string, number> = {};
      for (let j = 0; j < keys.length; j++) o[keys[j]!] = cols[j * n + i]!;
      out[i] = o;
    }
    return out;
  },
};
codecs.push(columnar);

function measure(c: Codec, batches: unknown[][]): { enc: number; dec: number; bytes: number } {
  let enc = 0;
  let dec = 0;
  let bytes = 0;
  for (let r = 0; r < CODEC_ROUNDS; r++) {
    const v = batches[r % batches.length]!;
    const t0 = performance.now();
    const b = c.encode(v);
    const t1 = performance.now();
    const out = c.decode(b);
    const t2 = performance.now();
    if (out.length !== v.length) throw new Error(c.name);
    if (r >= CODEC_ROUNDS / 5) {
      enc += t1 - t0;
      dec += t2 - t1;
    }
    bytes = typeof b === 'string' ? b.length : ((b as Buffer).length ?? (b as { byteLength: number }).byteLength);
  }
  const n = CODEC_ROUNDS - Math.ceil(CODEC_ROUNDS / 5);
  return { enc: (enc / n) * 1000, dec: (dec / n) * 1000, bytes };
}

const BATCH = 1024;
const CODEC_ROUNDS = 300;
function codecTable(): void {
  const events = new NexmarkGenerator({ seed: 1, eventsPerSecond: 10_000 }).take(BATCH * 20) as unknown[];
  const nexmark = Array.from({ length: 20 }, (_, i) => events.slice(i * BATCH, (i + 1) * BATCH));
  const keyed = Array.from({ length: 20 }, (_, i) => Array.from({ length: BATCH }, (_, j) => ({ k: (i * BATCH + j) % 997, h: j & 0xff })));
  for (const [label, batches] of [['Nexmark events', nexmark], ['keyed records {k, h}', keyed]] as const) {
    console.log(`${label}, ${BATCH} per batch: µs per batch encode / decode (bytes)`);
    for (const c of codecs) {
      let m: ReturnType<typeof measure>;
      try {
        m = measure(c, batches);
      } catch {
        console.log(`  ${c.name.padEnd(34)} not applicable`);
        continue;
      }
      console.log(`  ${c.name.padEnd(34)} ${m.enc.toFixed(0).padStart(6)} / ${m.dec.toFixed(0).padStart(6)}  (${m.bytes})`);
    }
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const canon = (rows: unknown[]) => JSON.stringify(rows.map((r) => JSON.stringify(r)).sort());
/** BENCH_SLOT_PEER_ARGV='--cpu-prof --cpu-prof-dir=/tmp/p': execArgv of the peer slot threads (to profile them). */
const PEER_EXEC_ARGV = process.env.BENCH_SLOT_PEER_ARGV?.split(' ').filter((a) => a !== '');
/** BENCH_SLOT_P=2 runs only that parallelism (for a profile of it alone); no speed-up is printed then. */
const ONLY_P = process.env.BENCH_SLOT_P === undefined ? undefined : Number(process.env.BENCH_SLOT_P);
const NEXMARK = Number(process.env.BENCH_SLOT_NEXMARK ?? 1_000_000);

/** Nexmark q5, q7 and q11 (as in bench/queries/windowed.ts) on the generator source, at parallelism p. */
const nexmark = (q: string, p: number) => `
import { EventTimeSessionWindows, Nexmark, SlidingEventTimeWindows, StreamExecutionEnvironment, TumblingEventTimeWindows, WatermarkStrategy } from '@flowbook/engine';
const env = new StreamExecutionEnvironment();
env.setParallelism(${p});
const COUNT = { createAccumulator: () => 0, add: (_e, n) => n + 1, getResult: (n) => n, merge: (a, b) => a + b };
const better = (a, b) => (b.price > a.price || (b.price === a.price && b.auction < a.auction) ? b : a);
const bids = env
  .fromSource(new Nexmark({ seed: 42, count: ${NEXMARK}, ratePerSecond: 0, eventsPerSecond: 10_000, outOfOrdernessMs: 3000 }), WatermarkStrategy.forBoundedOutOfOrderness(4000).withTimestampAssigner((e) => e.t), 'nexmark')
  .filter((e) => e.bid !== undefined);
let out;
if ('${q}' === 'q5') {
  out = bids
    .keyBy((e) => e.bid.auction)
    .window(SlidingEventTimeWindows.of(10_000, 2_000))
    .aggregate(COUNT, { process(auction, ctx, [count], o) { o.collect({ windowEnd: ctx.window.end, auction, count }); } })
    .windowAll(TumblingEventTimeWindows.of(2_000))
    .process({ process(ctx, rows, o) { let max = 0; for (const r of rows) if (r.count > max) max = r.count; for (const r of rows) if (r.count === max) o.collect(r); } });
} else if ('${q}' === 'q7') {
  out = bids
    .map((e) => e.bid)
    .windowAll(TumblingEventTimeWindows.of(10_000))
    .reduce(better, { process(ctx, [b], o) { o.collect({ windowEnd: ctx.window.end, auction: b.auction, bidder: b.bidder, price: b.price }); } });
} else {
  out = bids
    .keyBy((e) => e.bid.bidder)
    .window(EventTimeSessionWindows.withGap(10_000))
    .aggregate(COUNT, { process(bidder, ctx, [count], o) { o.collect({ bidder, count, start: ctx.window.start, end: ctx.window.end }); } });
}
out.sinkTo({ connector: 'collect', config: { name: 'out' } });
globalThis.benchStart = performance.now();
await env.execute('${q} p=${p}');
`;

/** Runs `make(p)` at p = 1 and 2, alternating the order each round; checks both give the same results. */
async function sideBySide(label: string, make: (p: number) => string, globals: Record<string, unknown>, events: number): Promise<void> {
  const g = globalThis as Record<string, unknown>;
  const times: Record<number, number[]> = { 1: [], 2: [] };
  const cpus: Record<number, number[]> = { 1: [], 2: [] };
  let expected: string | undefined;
  let rows = 0;
  // One untimed run at each parallelism: the first p=2 run of a process bundles the engine for the slot threads and
  // starts them, and both compile the job's code; a long-running host pays neither per job.
  for (let r = -1; r < RUNS; r++) {
    for (const p of (r % 2 === 0 ? [1, 2] : [2, 1]).filter((q) => ONLY_P === undefined || q === ONLY_P)) {
      const cpu0 = process.cpuUsage();
      const { results } = await runProgram(make(p), { globals, ...(PEER_EXEC_ARGV ? { host: { slots: { program: { source: make(p), globals }, execArgv: PEER_EXEC_ARGV } } } : {}) });
      const ms = performance.now() - (g.benchStart as number);
      const cpu = process.cpuUsage(cpu0);
      // Process CPU (all threads, including starting the program): less noise-sensitive than wall time on a loaded machine.
      const cpuPerEvent = (cpu.user + cpu.system) / events;
      if (process.env.BENCH_SLOT_TRACE) console.log(`    ${label} p=${p} round ${r}: ${ms.toFixed(0)} ms, ${cpuPerEvent.toFixed(2)} µs CPU/event`);
      if (r < 0) continue;
      cpus[p]!.push(cpuPerEvent);
      const c = canon(results.out ?? []);
      rows = results.out?.length ?? 0;
      if (expected === undefined) expected = c;
      else if (c !== expected) throw new Error(`${label} at p=${p}: results differ from the first run`);
      times[p]!.push(ms);
    }
  }
  if (ONLY_P !== undefined) return console.log(`  ${label.padEnd(28)} p=${ONLY_P} ${median(times[ONLY_P]!).toFixed(0)} ms, CPU µs/event ${median(cpus[ONLY_P]!).toFixed(2)}`);
  const t1 = median(times[1]!);
  const t2 = median(times[2]!);
  const c1 = median(cpus[1]!);
  const c2 = median(cpus[2]!);
  const rate = (t: number) => `${((events / t) * 1000 / 1e6).toFixed(2)} M/s`;
  const rounds = times[1]!.map((t, i) => (t / times[2]![i]!).toFixed(2)).join(' ');
  console.log(`  ${label.padEnd(28)} p=1 ${t1.toFixed(0).padStart(6)} ms (${rate(t1)})  p=2 ${t2.toFixed(0).padStart(6)} ms (${rate(t2)})  speed-up ${(t1 / t2).toFixed(2)}× (rounds ${rounds})  CPU µs/event p=1 ${c1.toFixed(2)} p=2 ${c2.toFixed(2)} (×${(c2 / c1).toFixed(2)})  same ${rows} results`);
}

/** The CPU-bound job as a notebook through `flowbook run` (CLI host), at p = 1 and 2. */
async function cli(iterations: number): Promise<void> {
  const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../bin/flowbook.mjs');
  const dir = mkdtempSync(path.join(tmpdir(), 'flowbook-slots-bench-'));
  const times: Record<number, number[]> = { 1: [], 2: [] };
  for (const p of [1, 2]) {
    const source = program(p).replace('globalThis.benchIterations', String(iterations)).replace("name: 'out'", `name: 'out${p}'`);
    writeFileSync(path.join(dir, `p${p}.flowbook.json`), JSON.stringify({ version: 1, title: 'bench', cells: [{ id: 'c', type: 'code', source }] }));
  }
  for (let r = 0; r < RUNS; r++) {
    for (const p of r % 2 === 0 ? [1, 2] : [2, 1]) {
      const t0 = performance.now();
      await promisify(execFile)(process.execPath, [bin, 'run', `p${p}.flowbook.json`, '--output', 'out'], { cwd: dir });
      times[p]!.push(performance.now() - t0);
    }
  }
  const t1 = median(times[1]!);
  const t2 = median(times[2]!);
  console.log(`  ${'flowbook run (whole command)'.padEnd(28)} p=1 ${t1.toFixed(0).padStart(6)} ms  p=2 ${t2.toFixed(0).padStart(6)} ms  speed-up ${(t1 / t2).toFixed(2)}×`);
}

/**
 * What the machine gives two threads now: a busy loop alone, then the same loop in this thread and a worker at once
 * (work done by two threads / by one, in the same wall time). Two cores all to ourselves give ~1.8 here; under load less.
 */
async function ceiling(): Promise<void> {
  const loop = 'let h = 0; for (let i = 0; i < 3e8; i++) h = (Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) + i) | 0;';
  const busy = new Function(`${loop} return h;`) as () => number;
  const ratios: string[] = [];
  for (let r = 0; r < RUNS; r++) {
    let t0 = performance.now();
    let c0 = process.cpuUsage();
    busy();
    const one = performance.now() - t0;
    const cpuOne = process.cpuUsage(c0);
    const w = new Worker(`const { parentPort } = require('node:worker_threads'); parentPort.once('message', () => { ${loop}; parentPort.postMessage(0); });`, { eval: true });
    await new Promise((resolve) => w.once('online', resolve));
    t0 = performance.now();
    c0 = process.cpuUsage();
    const done = new Promise((resolve) => w.once('message', resolve));
    w.postMessage(0);
    busy();
    const mine = performance.now() - t0;
    await done;
    const both = performance.now() - t0;
    const cpuTwo = process.cpuUsage(c0);
    await w.terminate();
    // CPU time for the same work, two loops at once against twice one alone: what running both costs each core.
    const cpu = (cpuTwo.user + cpuTwo.system) / (2 * (cpuOne.user + cpuOne.system));
    ratios.push(`${((2 * one) / Math.max(mine, both)).toFixed(2)} (${one.toFixed(0)} ms alone, ${both.toFixed(0)} ms two; CPU per loop ×${cpu.toFixed(2)})`);
  }
  console.log(`  two threads' work / one thread's, same wall time: ${ratios.join('; ')}`);
}

async function main(): Promise<void> {
  // BENCH_SLOT_ONLY=cpu,q5,... runs only those parts.
  const only = process.env.BENCH_SLOT_ONLY?.split(',');
  const want = (part: string) => only === undefined || only.includes(part);
  if (want('codecs')) {
    console.log('Codecs between slot threads');
    codecTable();
  }
  if (want('ceiling')) await ceiling();
  const iterations = calibrate();
  console.log(`Parallelism 1 and 2 (slots), median of ${RUNS}; CPU-bound map ~2 µs (${iterations} iterations):`);
  if (want('cpu')) await sideBySide(`CPU-bound keyed, ${(N / 1e6).toFixed(1)} M`, program, { benchIterations: iterations }, N);
  if (want('cpu-split')) await sideBySide(`CPU-bound, split source`, programSplit, { benchIterations: iterations }, N);
  for (const q of ['q5', 'q7', 'q11'].filter(want)) await sideBySide(`Nexmark ${q}, ${(NEXMARK / 1e6).toFixed(1)} M`, (p) => nexmark(q, p), {}, NEXMARK);
  if (want('cli')) await cli(iterations);
  // Stops the pooled peer threads (so that each writes its profile when run with BENCH_SLOT_PEER_ARGV=--cpu-prof).
  await closeSlotPool();
}

await main();
