// `npm run bench` (file part): JSON Lines and CSV files → keyBy → 1 s event-time tumbling window → file sink, against
// a hand loop reading the same file (a read stream split into lines + JSON.parse; a read stream piped into csv-parse
// with the cast the file source uses) that aggregates the same windows in a Map and writes the same results. Ratios
// are measured side by side in one process and run; rounds alternate, medians of BENCH_RUNS (default 3). The engine
// runs the job as a cell program at parallelism 1 and 2 (FILE_BENCH_PARALLELISM); both sides are timed from their
// first record to the end (results written), so the engine's start-up (slot threads loading the program) is left out.
import { createReadStream, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse';
import { inferCsvValue } from '../src/connectors/file/decoders.js';
import { runProgram } from '../src/testing/runProgram.js';

const N = Number(process.env.FILE_BENCH_RECORDS ?? 500_000);
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));
const PARALLELISM = (process.env.FILE_BENCH_PARALLELISM ?? '1,2').split(',').map(Number);
const T0 = 1_700_000_000_000;

interface Trade {
  symbol: string;
  price: number;
  ts: number;
}
/** One timed run: wall ms and process CPU µs from the first record to the end, and the windows written. */
interface Run {
  ms: number;
  cpu: number;
  results: number;
}
interface Result {
  symbol: string;
  windowEnd: number;
  n: number;
  sum: number;
}

const dir = mkdtempSync(path.join(tmpdir(), 'flowbook-file-bench-'));
const jsonl = path.join(dir, 'trades.jsonl');
const csv = path.join(dir, 'trades.csv');
{
  const j: string[] = [];
  const c: string[] = ['symbol,price,ts'];
  // Event time advances 1 ms per record with a little disorder (< 1 s), 50 symbols.
  for (let i = 0; i < N; i++) {
    const t: Trade = { symbol: `S${i % 50}`, price: (i % 997) / 10, ts: T0 + i - (i % 7) * 50 };
    j.push(JSON.stringify(t));
    c.push(`${t.symbol},${t.price},${t.ts}`);
  }
  writeFileSync(jsonl, j.join('\n') + '\n');
  writeFileSync(csv, c.join('\n') + '\n');
}

/** Wall-clock µs, comparable across threads (performance.now() has a per-thread origin). */
const nowUs = () => Math.round((performance.timeOrigin + performance.now()) * 1000);

const WINDOW = 1000;
const windowEnd = (t: number) => t - (t % WINDOW) + WINDOW;

/** The loop's windows: per key and window end, count and sum; results written as JSON lines at the end, as the sink does. */
class LoopWindows {
  private readonly open = new Map<string, Result>();
  /** When the first record was parsed (µs): the loop is timed from there, as the engine is. */
  firstUs = 0;
  firstCpu = 0;
  add(t: Trade): void {
    if (this.firstUs === 0) {
      this.firstUs = nowUs();
      this.firstCpu = cpuUs();
    }
    const end = windowEnd(t.ts);
    const k = t.symbol + '|' + end;
    const r = this.open.get(k);
    if (r === undefined) this.open.set(k, { symbol: t.symbol, windowEnd: end, n: 1, sum: t.price });
    else {
      r.n++;
      r.sum += t.price;
    }
  }
  write(file: string): Run {
    const lines: string[] = [];
    for (const r of this.open.values()) lines.push(JSON.stringify(r));
    writeFileSync(file, lines.join('\n') + '\n');
    return { ms: (nowUs() - this.firstUs) / 1000, cpu: cpuUs() - this.firstCpu, results: lines.length };
  }
}

async function loopJsonl(out: string): Promise<Run> {
  const w = new LoopWindows();
  let rest = '';
  for await (const chunk of createReadStream(jsonl, { encoding: 'utf8', highWaterMark: 64 * 1024 })) {
    const text = rest + (chunk as string);
    let from = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', from)) {
      if (nl > from) w.add(JSON.parse(text.slice(from, nl)) as Trade);
      from = nl + 1;
    }
    rest = text.slice(from);
  }
  if (rest !== '') w.add(JSON.parse(rest) as Trade);
  return w.write(out);
}

async function loopCsv(out: string): Promise<Run> {
  const w = new LoopWindows();
  const parser = createReadStream(csv, { highWaterMark: 64 * 1024 }).pipe(parse({ columns: true, bom: true, skip_empty_lines: true, cast: inferCsvValue }));
  for await (const rec of parser) w.add(rec as Trade);
  return w.write(out);
}

/** When the first record reached a timestamp assigner, in any slot thread (globals are cloned; the buffer is shared). */
const first = new SharedArrayBuffer(16);
/** Process CPU µs (all threads: user + system), less disturbed by other processes on the machine than wall time. */
const cpuUs = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

/** The job as a cell program, run as a host runs it: at parallelism 2 the second subtask runs in a slot thread. */
const program = (format: 'jsonl' | 'csv', p: number, outDir: string) => `
import { FileSink, FileSource, StreamExecutionEnvironment, TumblingEventTimeWindows, WatermarkStrategy } from '@flowbook/engine';
const first = new BigInt64Array(globalThis.benchFirst);
let seen = false;
const env = new StreamExecutionEnvironment();
env.setParallelism(${p});
env
  .fromSource(${format === 'csv' ? 'FileSource.csv' : 'FileSource.jsonLines'}(${JSON.stringify(format === 'csv' ? csv : jsonl)}),
    WatermarkStrategy.forBoundedOutOfOrderness(1000).withTimestampAssigner((t) => {
      if (!seen) {
        seen = true;
        const now = BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000));
        // The first thread to get here also notes the process's CPU time then (cpuUsage counts every thread).
        if (Atomics.compareExchange(first, 0, 0n, now) === 0n) { const u = process.cpuUsage(); Atomics.store(first, 1, BigInt(u.user + u.system)); }
      }
      return t.ts;
    }), 'trades')
  .keyBy((t) => t.symbol)
  .window(TumblingEventTimeWindows.of(${WINDOW}))
  .aggregate(
    { createAccumulator: () => ({ n: 0, sum: 0 }), add: (t, a) => ((a.n++, (a.sum += t.price)), a), getResult: (a) => a, merge: (a, b) => ({ n: a.n + b.n, sum: a.sum + b.sum }) },
    {
      process(symbol, ctx, [a], out) {
        out.collect({ symbol, windowEnd: ctx.window.end, n: a.n, sum: a.sum });
      },
    },
  )
  .sinkTo(FileSink.jsonLines(${JSON.stringify(outDir)}));
await env.execute('file bench');
`;

/** Runs the job; the time counts from its first record (not the program's start-up) to the job's end. */
async function engine(format: 'jsonl' | 'csv', p: number, outDir: string): Promise<Run> {
  const f = new BigInt64Array(first);
  f[0] = 0n;
  f[1] = 0n;
  await runProgram(program(format, p, outDir), { globals: { benchFirst: first } });
  const ms = (nowUs() - Number(f[0])) / 1000;
  const cpu = cpuUs() - Number(f[1]);
  const results = readdirSync(outDir)
    .filter((n) => !n.startsWith('.'))
    .reduce((acc, n) => acc + readFileSync(path.join(outDir, n), 'utf8').split('\n').filter((l) => l !== '').length, 0);
  return { ms, cpu, results };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
let outSeq = 0;
const outPath = () => path.join(dir, `out-${++outSeq}`);
try {
  const rows = [];
  for (const [format, loop] of [
    ['jsonl', () => loopJsonl(outPath() + '.jsonl')],
    ['csv', () => loopCsv(outPath() + '.jsonl')],
  ] as const) {
    // Warm-up: one run each.
    await loop();
    for (const p of PARALLELISM) await engine(format, p, outPath());
    const l: number[] = [];
    const lc: number[] = [];
    const e = new Map<number, number[]>(PARALLELISM.map((p) => [p, []]));
    const ec = new Map<number, number[]>(PARALLELISM.map((p) => [p, []]));
    let same = true;
    for (let r = 0; r < RUNS; r++) {
      const a = await loop();
      l.push(a.ms);
      lc.push(a.cpu);
      const line = [`${format} round ${r + 1}: loop ${Math.round(a.ms)} ms`];
      // Alternate the order of the parallelisms from round to round.
      for (const p of r % 2 === 0 ? PARALLELISM : [...PARALLELISM].reverse()) {
        const b = await engine(format, p, outPath());
        e.get(p)!.push(b.ms);
        ec.get(p)!.push(b.cpu);
        same &&= a.results === b.results;
        line.push(`p=${p} ${Math.round(b.ms)} ms`);
      }
      if (process.env.BENCH_VERBOSE) console.log(line.join(', '));
    }
    for (const p of PARALLELISM) {
      rows.push({
        format,
        parallelism: p,
        records: N,
        'loop (records/s)': Math.round(N / (median(l) / 1000)),
        'engine (records/s)': Math.round(N / (median(e.get(p)!) / 1000)),
        'engine / loop': +(median(l) / median(e.get(p)!)).toFixed(2),
        'loop CPU µs/record': +(median(lc) / N).toFixed(2),
        'engine CPU µs/record': +(median(ec.get(p)!) / N).toFixed(2),
        'same window count': same,
      });
    }
  }
  console.table(rows);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
