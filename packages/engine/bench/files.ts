// `npm run bench` (file part): JSON Lines and CSV files → keyBy → 1 s event-time tumbling window → file sink, against
// a hand loop reading the same file (a read stream split into lines + JSON.parse; a read stream piped into csv-parse
// with the cast the file source uses) that aggregates the same windows in a Map and writes the same results. Ratios
// are measured side by side in one process and run; rounds alternate, medians of BENCH_RUNS (default 3).
import { createReadStream, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse';
import { FileSink, FileSource, StreamExecutionEnvironment, TumblingEventTimeWindows, WatermarkStrategy } from '../src/index.js';
import { inferCsvValue } from '../src/connectors/file/decoders.js';

const N = Number(process.env.FILE_BENCH_RECORDS ?? 500_000);
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));
const T0 = 1_700_000_000_000;

interface Trade {
  symbol: string;
  price: number;
  ts: number;
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

const WINDOW = 1000;
const windowEnd = (t: number) => t - (t % WINDOW) + WINDOW;

/** The loop's windows: per key and window end, count and sum; results written as JSON lines at the end, as the sink does. */
class LoopWindows {
  private readonly open = new Map<string, Result>();
  add(t: Trade): void {
    const end = windowEnd(t.ts);
    const k = t.symbol + '|' + end;
    const r = this.open.get(k);
    if (r === undefined) this.open.set(k, { symbol: t.symbol, windowEnd: end, n: 1, sum: t.price });
    else {
      r.n++;
      r.sum += t.price;
    }
  }
  write(file: string): number {
    const lines: string[] = [];
    for (const r of this.open.values()) lines.push(JSON.stringify(r));
    writeFileSync(file, lines.join('\n') + '\n');
    return lines.length;
  }
}

async function loopJsonl(out: string): Promise<number> {
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

async function loopCsv(out: string): Promise<number> {
  const w = new LoopWindows();
  const parser = createReadStream(csv, { highWaterMark: 64 * 1024 }).pipe(parse({ columns: true, bom: true, skip_empty_lines: true, cast: inferCsvValue }));
  for await (const rec of parser) w.add(rec as Trade);
  return w.write(out);
}

async function engine(source: FileSource, outDir: string): Promise<number> {
  const env = new StreamExecutionEnvironment();
  env
    .fromSource(source, WatermarkStrategy.forBoundedOutOfOrderness<Trade>(1000).withTimestampAssigner((t) => t.ts), 'trades')
    .keyBy((t) => t.symbol)
    .window(TumblingEventTimeWindows.of(WINDOW))
    .aggregate<{ n: number; sum: number }, { n: number; sum: number }, Result>(
      { createAccumulator: () => ({ n: 0, sum: 0 }), add: (t, a) => ((a.n++, (a.sum += t.price)), a), getResult: (a) => a, merge: (a, b) => ({ n: a.n + b.n, sum: a.sum + b.sum }) },
      {
        process(symbol, ctx, [a], out) {
          out.collect({ symbol: symbol as string, windowEnd: (ctx.window as { end: number }).end, n: a!.n, sum: a!.sum });
        },
      },
    )
    .sinkTo(FileSink.jsonLines(outDir));
  await env.execute('file bench');
  return readdirSync(outDir)
    .filter((n) => !n.startsWith('.'))
    .reduce((acc, n) => acc + readFileSync(path.join(outDir, n), 'utf8').split('\n').filter((l) => l !== '').length, 0);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
let outSeq = 0;
const outPath = () => path.join(dir, `out-${++outSeq}`);
async function time(fn: () => Promise<number>): Promise<{ ms: number; results: number }> {
  const t0 = performance.now();
  const results = await fn();
  return { ms: performance.now() - t0, results };
}

try {
  const rows = [];
  for (const [format, loop, src] of [
    ['jsonl', () => loopJsonl(outPath() + '.jsonl'), () => FileSource.jsonLines(jsonl)],
    ['csv', () => loopCsv(outPath() + '.jsonl'), () => FileSource.csv(csv)],
  ] as const) {
    // Warm-up: one run each.
    await loop();
    await engine(src(), outPath());
    const l: number[] = [];
    const e: number[] = [];
    let same = true;
    for (let r = 0; r < RUNS; r++) {
      const a = await time(loop);
      const b = await time(() => engine(src(), outPath()));
      l.push(a.ms);
      e.push(b.ms);
      same &&= a.results === b.results;
      if (process.env.BENCH_VERBOSE) console.log(`${format} round ${r + 1}: loop ${Math.round(a.ms)} ms, engine ${Math.round(b.ms)} ms`);
    }
    rows.push({
      format,
      records: N,
      'loop (records/s)': Math.round(N / (median(l) / 1000)),
      'engine (records/s)': Math.round(N / (median(e) / 1000)),
      'engine / loop': +(median(l) / median(e)).toFixed(2),
      'same window count': same,
    });
  }
  console.table(rows);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
