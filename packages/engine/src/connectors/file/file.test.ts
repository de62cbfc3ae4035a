import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Job, OutputTag, registerConnector, StreamExecutionEnvironment, WatermarkStrategy, type DeadLetter, type JobSnapshot, type SinkContext, type SourceContext } from '../../index.js';
import { csvField, csvRow } from './csvFormat.js';
import { FileSink, fileSinkConnector, FileSinkFunction, type FileSinkState } from './FileSink.js';
import { CsvDecoder, jsonLine, LineDecoder, type DecodedItem, type RecordDecoder } from './decoders.js';
import { fileNameMatcher, FileSource, fileSourceConnector, FileSourceFunction, type FileSourceState } from './FileSource.js';

beforeAll(() => {
  registerConnector(fileSourceConnector);
  registerConnector(fileSinkConnector);
});

const tempDirs: string[] = [];
const tmp = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'flowbook-file-'));
  tempDirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function waitFor(cond: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** Committed part files of a directory in part order, and whether any in-progress file is left. */
function committed(dir: string): { names: string[]; inProgress: string[] } {
  const all = readdirSync(dir);
  return {
    names: all.filter((n) => !n.startsWith('.')).sort(new Intl.Collator('en', { numeric: true }).compare),
    inProgress: all.filter((n) => n.endsWith('.inprogress')),
  };
}
const jsonLinesOf = (dir: string, names: string[]) =>
  names.flatMap((n) =>
    readFileSync(path.join(dir, n), 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as unknown),
  );

const sinkCtx: SinkContext = {
  services: {},
  name: 'file-sink',
  nodeId: 'sink-1',
  getCurrentProcessingTime: () => Date.now(),
  checkpointing: false,
  failJob: (e) => {
    throw e;
  },
};

describe('file source', () => {
  it('reads CSV with a header and inferred types, through keyBy and sum', async () => {
    const file = path.join(tmp(), 'sales.csv');
    writeFileSync(file, 'month,product,profit,returned\nJune,Bat,12,false\nJune,Ball,5,TRUE\nJuly,Cap,7,false\nJune,"Bat, large",20.5,false\n');
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    const sums = await env
      .fromSource<{ month: string; product: string; profit: number; returned: boolean }>(FileSource.csv(file), WatermarkStrategy.noWatermarks(), 'sales')
      .keyBy((s) => s.month)
      .sum('profit')
      .executeAndCollect();
    // Without inference profit would be text and sum would concatenate ('12' + '5').
    expect(sums).toEqual([
      { month: 'June', product: 'Bat', profit: 12, returned: false },
      { month: 'June', product: 'Bat', profit: 17, returned: false },
      { month: 'July', product: 'Cap', profit: 7, returned: false },
      { month: 'June', product: 'Bat', profit: 37.5, returned: false },
    ]);
  });

  it('infers numbers, booleans and nulls, and keeps ids, big integers and quoted text as they are', async () => {
    const file = path.join(tmp(), 'types.csv');
    writeFileSync(file, '\uFEFFid,n,big,flag,empty,quoted,note\r\n007,-1.5e3,12345678901234567890,false,,"","line one\r\nline two"\r\n');
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    const rows = await env.fromSource(FileSource.csv(file), WatermarkStrategy.noWatermarks()).executeAndCollect();
    expect(rows).toEqual([{ id: '007', n: -1500, big: '12345678901234567890', flag: false, empty: null, quoted: '', note: 'line one\r\nline two' }]);
    const raw = await StreamExecutionEnvironment.getExecutionEnvironment().fromSource(FileSource.csv(file, { inferTypes: false }), WatermarkStrategy.noWatermarks()).executeAndCollect();
    expect(raw).toEqual([{ id: '007', n: '-1.5e3', big: '12345678901234567890', flag: 'false', empty: '', quoted: '', note: 'line one\r\nline two' }]);
  });

  it('honours the delimiter option and gives arrays without a header', async () => {
    const file = path.join(tmp(), 'semi.csv');
    writeFileSync(file, 'a;1;2.5\nb;"x;y";true\n');
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    const rows = await env.fromSource(FileSource.csv(file, { delimiter: ';', header: false }), WatermarkStrategy.noWatermarks()).executeAndCollect();
    expect(rows).toEqual([
      ['a', 1, 2.5],
      ['b', 'x;y', true],
    ]);
  });

  it('sends malformed JSON lines and CSV rows with the wrong column count to the dead-letter output, and goes on', async () => {
    const dir = tmp();
    const jsonl = path.join(dir, 'events.jsonl');
    writeFileSync(jsonl, '{"n":1}\n{bad\n\n{"n":2}\n[1,2\n{"n":3}');
    const csv = path.join(dir, 'rows.csv');
    writeFileSync(csv, 'a,b\n1,2\n3\n4,5\n');

    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    const dlq = new OutputTag<DeadLetter>('dead-letter');
    const events = env.fromSource(FileSource.jsonLines(jsonl), WatermarkStrategy.noWatermarks(), 'events');
    events.sinkTo({ connector: 'collect', config: { name: 'events' } });
    events.getSideOutput(dlq).sinkTo({ connector: 'collect', config: { name: 'dlq' } });
    const rows = env.fromSource(FileSource.csv(csv), WatermarkStrategy.noWatermarks(), 'rows');
    rows.sinkTo({ connector: 'collect', config: { name: 'rows' } });
    rows.getSideOutput(dlq).sinkTo({ connector: 'collect', config: { name: 'dlq' } });
    const out: Record<string, unknown[]> = { events: [], rows: [], dlq: [] };
    const client = env.executeAsync('dead letters', { collect: (sink: string, v: unknown) => out[sink]!.push(v) });
    expect((await client.getJobExecutionResult()).status).toBe('finished');

    expect(out.events).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(out.rows).toEqual([
      { a: 1, b: 2 },
      { a: 4, b: 5 },
    ]);
    const dead = out.dlq as DeadLetter[];
    expect(dead.map((d) => [d.raw, d.position])).toEqual(
      expect.arrayContaining([
        ['{bad', `${jsonl}:2`],
        ['[1,2', `${jsonl}:5`],
        ['3', `${csv}:3`],
      ]),
    );
    expect(dead).toHaveLength(3);
    expect(dead.find((d) => d.raw === '{bad')!.error).toMatch(/^invalid JSON: /);
    expect(dead.find((d) => d.raw === '3')!.error).toMatch(/Invalid Record Length/);
    const metrics = client.job.metrics();
    expect(metrics.find((m) => m.name === 'events')!.deadLetters).toBe(2);
    expect(metrics.find((m) => m.name === 'rows')!.deadLetters).toBe(1);
  });

  it('emits what it reads in batches, a dead letter between them in file order, the position after each', async () => {
    const dir = tmp();
    const file = path.join(dir, 'many.jsonl');
    const lines = Array.from({ length: 10_000 }, (_, i) => (i === 5000 ? '{bad' : JSON.stringify({ i })));
    writeFileSync(file, lines.join('\n') + '\n');
    const out: unknown[] = [];
    const calls = { single: 0, batches: 0 };
    const ctx = {
      collect: () => void calls.single++,
      collectWithTimestamp: () => void calls.single++,
      collectBatch: (values: readonly unknown[], n = values.length) => {
        calls.batches++;
        for (let i = 0; i < n; i++) out.push(values[i]);
      },
      collectBatchWithTimestamps: () => void calls.single++,
      deadLetter: (raw: unknown) => void out.push(`dead ${String(raw)}`),
      emitWatermark: () => {},
      markAsTemporarilyIdle: () => {},
      isRunning: () => true,
      yield: () => new Promise<void>((r) => setImmediate(r)),
      sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
      getCurrentProcessingTime: () => Date.now(),
      services: {},
    } satisfies SourceContext;
    const source = new FileSourceFunction({ path: file, format: 'jsonl' });
    await source.run(ctx);
    expect(calls.single).toBe(0);
    expect(out).toEqual(lines.map((l, i) => (i === 5000 ? 'dead {bad' : { i })));
    // One batch or two per 64 KiB read (split by the dead letter), not one call per record.
    expect(calls.batches).toBeLessThan(30);
    expect(source.snapshotState().files).toEqual([{ file, offset: readFileSync(file).length, line: 10_000 }]);
  });

  it('reads the matching files of a directory in name order (numbers in names compare as numbers)', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'part-10.jsonl'), '{"f":10}\n');
    writeFileSync(path.join(dir, 'part-2.jsonl'), '{"f":2}\n{"f":2.1}\n');
    writeFileSync(path.join(dir, 'part-1.jsonl'), '{"f":1}\n');
    writeFileSync(path.join(dir, 'notes.txt'), 'not json\n');
    writeFileSync(path.join(dir, '.part-11.jsonl.inprogress'), '{"f":11}\n'); // a file sink's uncommitted output
    mkdirSync(path.join(dir, 'part-12.jsonl')); // a directory is not a file
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    const all = await env.fromSource(FileSource.jsonLines(dir, { pattern: '.jsonl' }), WatermarkStrategy.noWatermarks()).executeAndCollect();
    expect(all).toEqual([{ f: 1 }, { f: 2 }, { f: 2.1 }, { f: 10 }]);
    const globbed = await StreamExecutionEnvironment.getExecutionEnvironment()
      .fromSource(FileSource.jsonLines(dir, { pattern: 'part-1*.jsonl' }), WatermarkStrategy.noWatermarks())
      .executeAndCollect();
    expect(globbed).toEqual([{ f: 1 }, { f: 10 }]);
    const text = await StreamExecutionEnvironment.getExecutionEnvironment()
      .fromSource(FileSource.textLines(dir, { pattern: '*.txt' }), WatermarkStrategy.noWatermarks())
      .executeAndCollect();
    expect(text).toEqual(['not json']);
  });

  it('matches file names by suffix or glob', () => {
    expect(fileNameMatcher('.csv')('a.csv')).toBe(true);
    expect(fileNameMatcher('.csv')('a.csv.bak')).toBe(false);
    expect(fileNameMatcher('sales-??.csv')('sales-01.csv')).toBe(true);
    expect(fileNameMatcher('sales-??.csv')('sales-1.csv')).toBe(false);
    expect(fileNameMatcher('a+b*.csv')('a+b-1.csv')).toBe(true); // regex characters are literal
    expect(fileNameMatcher(undefined)('anything')).toBe(true);
  });

  it('follows a directory: appended lines (only once complete) and new files, until cancelled', async () => {
    const dir = tmp();
    const a = path.join(dir, 'a.jsonl');
    writeFileSync(a, '{"v":1}\n{"v":2}\n');
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.fromSource(FileSource.jsonLines(dir, { follow: true, pollIntervalMs: 10 }), WatermarkStrategy.noWatermarks()).sinkTo({ connector: 'collect', config: { name: 'o' } });
    const out: unknown[] = [];
    const client = env.executeAsync('follow', { collect: (_s: string, v: unknown) => out.push(v) });
    await waitFor(() => out.length === 2, 'the initial lines');

    appendFileSync(a, '{"v":3}\n{"v":');
    await waitFor(() => out.length === 3, 'the appended line');
    await sleep(60); // several polls: the half-written line must not come out
    expect(out).toHaveLength(3);
    appendFileSync(a, '4}\n');
    await waitFor(() => out.length === 4, 'the completed line');

    writeFileSync(path.join(dir, 'b.jsonl'), '{"v":5}\n');
    await waitFor(() => out.length === 5, 'the new file');
    expect(client.job.status).toBe('running');
    client.cancel();
    expect((await client.getJobExecutionResult()).status).toBe('cancelled');
    expect(out).toEqual([{ v: 1 }, { v: 2 }, { v: 3 }, { v: 4 }, { v: 5 }]);
  });

  it('fails the job with the path when it does not exist', async () => {
    const missing = path.join(tmp(), 'nope.csv');
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.fromSource(FileSource.csv(missing), WatermarkStrategy.noWatermarks()).print();
    await expect(env.execute()).rejects.toThrow(`file source: cannot read ${missing}: ENOENT`);
  });

  it('is unbounded when following, bounded otherwise', () => {
    expect(fileSourceConnector.bounded!({ path: 'x', follow: true })).toBe(false);
    expect(fileSourceConnector.bounded!({ path: 'x' })).toBe(true);
  });

  describe('checkpoint and restore resume exactly after the last record emitted', () => {
    /** Two files of many records (CSV ones span lines), several 64 KiB chunks each. */
    function dataset(format: 'csv' | 'jsonl'): { dir: string; expected: unknown[] } {
      const dir = tmp();
      const expected: unknown[] = [];
      for (const f of ['1', '2']) {
        const lines: string[] = format === 'csv' ? ['file,i,text'] : [];
        for (let i = 0; i < 3000; i++) {
          const text = i % 7 === 0 ? `multi\nline, "quoted" ${i}` : `row ${i} ${'x'.repeat(20)}`;
          expected.push({ file: Number(f), i, text });
          lines.push(format === 'csv' ? csvRow([Number(f), i, text]).slice(0, -1) : JSON.stringify({ file: Number(f), i, text }));
        }
        writeFileSync(path.join(dir, `${f}.${format}`), lines.join('\n') + '\n');
      }
      return { dir, expected };
    }

    it.each(['csv', 'jsonl'] as const)('%s', async (format) => {
      const { dir, expected } = dataset(format);
      const env = StreamExecutionEnvironment.getExecutionEnvironment();
      // A rate, so snapshots also fall in the middle of a chunk's records.
      env.fromSource(new FileSource({ path: dir, format, rate: 20_000 }), WatermarkStrategy.noWatermarks(), 'src').sinkTo({ connector: 'collect', config: { name: 'o' } });
      const graph = env.getPipeline('restore');

      const first: unknown[] = [];
      const job = new Job(graph, { services: { collect: (_s: string, v: unknown) => first.push(v) } });
      const running = job.run();
      // Snapshot between event-loop turns, as the checkpoint coordinator does, once into the second file; then "crash".
      await waitFor(() => first.length > 4000, 'records of the second file', 10_000);
      const snapshot = job.snapshot(1);
      const emittedAtSnapshot = first.length;
      job.cancel();
      await running;

      const state = Object.values(snapshot.operators)[0] as FileSourceState;
      expect(state.files.map((f) => path.basename(f.file))).toEqual([`1.${format}`, `2.${format}`]);
      expect(state.files[1]!.offset).toBeGreaterThan(0);
      if (format === 'csv') expect(state.files[1]!.columns).toEqual(['file', 'i', 'text']);

      const second: unknown[] = [];
      const restored = new Job(graph, { services: { collect: (_s: string, v: unknown) => second.push(v) }, restoreFrom: JSON.parse(JSON.stringify(snapshot)) as JobSnapshot });
      expect(await restored.run()).toBe('finished');
      expect(second.length).toBe(expected.length - emittedAtSnapshot);
      expect([...first.slice(0, emittedAtSnapshot), ...second]).toEqual(expected);
    });
  });
});

describe('file sink', () => {
  it('rolls part files by maxRecords and commits them at the end of bounded input', async () => {
    const dir = tmp();
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.fromSequence(1, 10).sinkTo(FileSink.jsonLines(dir, { maxRecords: 3 }));
    await env.execute();
    const { names, inProgress } = committed(dir);
    expect(names).toEqual(['part-0.jsonl', 'part-1.jsonl', 'part-2.jsonl', 'part-3.jsonl']);
    expect(inProgress).toEqual([]);
    expect(names.map((n) => readFileSync(path.join(dir, n), 'utf8'))).toEqual(['1\n2\n3\n', '4\n5\n6\n', '7\n8\n9\n', '10\n']);
  });

  it('rolls by maxBytes before a record would overflow the part, and numbers after parts already there', () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'out-4.jsonl'), '"from an earlier run"\n');
    const sink = new FileSinkFunction({ path: dir, prefix: 'out', maxBytes: 12 });
    sink.open(sinkCtx);
    for (const s of ['aaaa', 'bbbb', 'c', 'a record longer than maxBytes']) sink.invoke(s); // "aaaa"\n is 7 bytes
    sink.finish();
    sink.close();
    const { names } = committed(dir);
    expect(names).toEqual(['out-4.jsonl', 'out-5.jsonl', 'out-6.jsonl', 'out-7.jsonl']);
    expect(names.slice(1).map((n) => readFileSync(path.join(dir, n), 'utf8'))).toEqual(['"aaaa"\n', '"bbbb"\n"c"\n', '"a record longer than maxBytes"\n']);
  });

  it('rolls by rolloverIntervalMs at the next record', () => {
    const dir = tmp();
    let now = 1000;
    const sink = new FileSinkFunction({ path: dir, rolloverIntervalMs: 100 });
    sink.open({ ...sinkCtx, getCurrentProcessingTime: () => now });
    sink.invoke(1);
    now += 99;
    sink.invoke(2);
    now += 1;
    sink.invoke(3);
    sink.finish();
    expect(jsonLinesOf(dir, ['part-0.jsonl'])).toEqual([1, 2]);
    expect(jsonLinesOf(dir, ['part-1.jsonl'])).toEqual([3]);
  });

  it('is exactly once across a crash between a snapshot and its notification', () => {
    const dir = tmp();
    const config = { path: dir, maxRecords: 4 };
    const s1 = new FileSinkFunction(config);
    s1.open(sinkCtx);
    for (let i = 0; i < 10; i++) s1.invoke({ i }); // no checkpoint yet: rolled parts are committed at once
    s1.snapshotState(1);
    s1.notifyCheckpointComplete(1);
    expect(committed(dir).names).toEqual(['part-0.jsonl', 'part-1.jsonl', 'part-2.jsonl']);

    for (let i = 10; i < 15; i++) s1.invoke({ i }); // part-3 rolls, part-4 open
    const state2 = JSON.parse(JSON.stringify(s1.snapshotState(2))) as FileSinkState;
    expect(state2.pending.map((p) => p.name)).toEqual(['part-3.jsonl', 'part-4.jsonl']);
    // Pending files are not visible until the checkpoint completes.
    expect(committed(dir).names).toEqual(['part-0.jsonl', 'part-1.jsonl', 'part-2.jsonl']);
    // Records after the checkpoint, some already on disk (a rolled part and a large open one)...
    for (let i = 15; i < 19; i++) s1.invoke({ i });
    for (let i = 19; i < 22; i++) s1.invoke({ i, pad: 'p'.repeat(30_000) });
    expect(committed(dir).inProgress.length).toBe(4);
    // ...then the process dies: s1 is dropped without notify or close.

    const s2 = new FileSinkFunction(config);
    s2.open(sinkCtx);
    s2.restoreState(state2);
    expect(committed(dir)).toEqual({ names: ['part-0.jsonl', 'part-1.jsonl', 'part-2.jsonl', 'part-3.jsonl', 'part-4.jsonl'], inProgress: [] });
    // The source replays what came after checkpoint 2.
    for (let i = 15; i < 19; i++) s2.invoke({ i });
    for (let i = 19; i < 22; i++) s2.invoke({ i, pad: 'p'.repeat(30_000) });
    s2.finish();
    s2.close();

    const { names, inProgress } = committed(dir);
    expect(inProgress).toEqual([]);
    const seen = jsonLinesOf(dir, names).map((r) => (r as { i: number }).i);
    expect(seen).toEqual(Array.from({ length: 22 }, (_, i) => i));
  });

  it('restores cleanly when the notification had already committed the pending files', () => {
    const dir = tmp();
    const s1 = new FileSinkFunction({ path: dir });
    s1.open(sinkCtx);
    s1.invoke('a');
    const state = JSON.parse(JSON.stringify(s1.snapshotState(7))) as FileSinkState;
    s1.notifyCheckpointComplete(7);
    s1.invoke('b'); // after the checkpoint: discarded by the restore
    const s2 = new FileSinkFunction({ path: dir });
    s2.open(sinkCtx);
    s2.restoreState(state);
    s2.invoke('b');
    s2.finish();
    const { names, inProgress } = committed(dir);
    expect(inProgress).toEqual([]);
    expect(jsonLinesOf(dir, names)).toEqual(['a', 'b']);
  });

  it('commits the files of earlier snapshots when a later checkpoint completes, even with savepoint-style ids', () => {
    const dir = tmp();
    const s = new FileSinkFunction({ path: dir });
    s.open(sinkCtx);
    s.invoke(1);
    s.snapshotState(1_700_000_000_000); // a savepoint: its id is a timestamp and it is never notified
    s.invoke(2);
    s.snapshotState(5);
    s.invoke(3);
    s.snapshotState(6);
    s.notifyCheckpointComplete(5);
    expect(committed(dir).names).toEqual(['part-0.jsonl', 'part-1.jsonl']);
    expect(committed(dir).inProgress).toEqual(['.part-2.jsonl.inprogress']);
    s.notifyCheckpointComplete(6);
    expect(committed(dir)).toEqual({ names: ['part-0.jsonl', 'part-1.jsonl', 'part-2.jsonl'], inProgress: [] });
  });

  it('leaves uncommitted output in progress when a checkpointed job is cancelled, and commits on close without checkpoints', () => {
    const dir = tmp();
    const s = new FileSinkFunction({ path: dir, prefix: 'c' });
    s.open(sinkCtx);
    s.invoke(1);
    s.snapshotState(1);
    s.notifyCheckpointComplete(1);
    s.invoke(2);
    s.close();
    expect(committed(dir)).toEqual({ names: ['c-0.jsonl'], inProgress: ['.c-1.jsonl.inprogress'] });

    const plain = new FileSinkFunction({ path: dir, prefix: 'p' });
    plain.open(sinkCtx);
    plain.invoke(1);
    plain.close();
    expect(committed(dir).names).toContain('p-0.jsonl');
  });

  it('with checkpointing on, commits nothing before the first checkpoint completes, and nothing on close', () => {
    const dir = tmp();
    const s = new FileSinkFunction({ path: dir, maxRecords: 1 });
    s.open({ ...sinkCtx, checkpointing: true });
    s.invoke('a'); // rolls at once
    s.invoke('b');
    expect(committed(dir)).toEqual({ names: [], inProgress: ['.part-0.jsonl.inprogress', '.part-1.jsonl.inprogress'] });
    s.snapshotState(1);
    s.notifyCheckpointComplete(1);
    expect(committed(dir)).toEqual({ names: ['part-0.jsonl', 'part-1.jsonl'], inProgress: [] });
    s.invoke('c');
    s.close();
    expect(committed(dir)).toEqual({ names: ['part-0.jsonl', 'part-1.jsonl'], inProgress: ['.part-2.jsonl.inprogress'] });
  });

  it('fails the restore when a pending file vanished', () => {
    const dir = tmp();
    const s = new FileSinkFunction({ path: dir });
    s.open(sinkCtx);
    expect(() => s.restoreState({ nextPart: 1, pending: [{ name: 'part-0.jsonl', size: 3, checkpointId: 1 }] } satisfies FileSinkState)).toThrow(
      /part-0\.jsonl, pending in checkpoint 1, is neither in progress nor committed/,
    );
  });

  it('writes CSV with a header per part, and the file source reads it back', async () => {
    const dir = tmp();
    const rows = [
      { id: 1, name: 'plain', note: 'a, b', ok: true },
      { id: 2, name: 'say "hi"', note: 'two\nlines', ok: false },
      { id: 3, name: ' padded ', note: '', ok: null },
    ];
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.fromCollection(rows).sinkTo(FileSink.csv(dir, { maxRecords: 2 }));
    await env.execute();
    expect(committed(dir).names).toEqual(['part-0.csv', 'part-1.csv']);
    expect(readFileSync(path.join(dir, 'part-0.csv'), 'utf8')).toBe('id,name,note,ok\n1,plain,"a, b",true\n2,"say ""hi""","two\nlines",false\n');
    expect(readFileSync(path.join(dir, 'part-1.csv'), 'utf8')).toBe('id,name,note,ok\n3," padded ","",\n');
    const back = await StreamExecutionEnvironment.getExecutionEnvironment().fromSource(FileSource.csv(dir, { pattern: '.csv' }), WatermarkStrategy.noWatermarks()).executeAndCollect();
    expect(back).toEqual(rows);
  });

  it('end to end: file source to file sink, crash after an unacknowledged checkpoint, restore, each record once', async () => {
    const root = tmp();
    const input = path.join(root, 'in.jsonl');
    const outDir = path.join(root, 'out');
    const n = 3000;
    writeFileSync(input, Array.from({ length: n }, (_, i) => JSON.stringify({ i })).join('\n') + '\n');
    // Checkpoints on (the test triggers them itself): the sink commits only what completed checkpoints cover.
    const env = StreamExecutionEnvironment.getExecutionEnvironment().enableCheckpointing(3_600_000);
    env
      .fromSource<{ i: number }>(FileSource.jsonLines(input, { rate: 10_000 }), WatermarkStrategy.noWatermarks())
      .map((r) => ({ i: r.i, sq: r.i * r.i }))
      .sinkTo(FileSink.jsonLines(outDir, { maxRecords: 250 }));
    const graph = env.getPipeline('e2e');

    const job = new Job(graph);
    const running = job.run();
    await waitFor(() => readdirSync(outDir).length >= 2, 'some output');
    expect(committed(outDir).names).toEqual([]);
    job.snapshot(1);
    job.notifyCheckpointComplete(1);
    expect(committed(outDir).names.length).toBeGreaterThanOrEqual(2);
    await sleep(20);
    const unacknowledged = JSON.parse(JSON.stringify(job.snapshot(2))) as JobSnapshot;
    await sleep(20);
    job.cancel(); // the crash: checkpoint 2 is durable but its notification never arrives
    await running;
    expect(committed(outDir).inProgress.length).toBeGreaterThan(0);

    expect(await new Job(graph, { restoreFrom: unacknowledged }).run()).toBe('finished');
    const { names, inProgress } = committed(outDir);
    expect(inProgress).toEqual([]);
    expect(jsonLinesOf(outDir, names)).toEqual(Array.from({ length: n }, (_, i) => ({ i, sq: i * i })));
  });
});

describe('decoders', () => {
  /** Decodes `bytes` fed in chunks of `size` bytes. */
  async function decode(d: RecordDecoder, bytes: Buffer, size: number): Promise<DecodedItem[]> {
    const out: DecodedItem[] = [];
    for (let i = 0; i < bytes.length; i += size) d.push(bytes.subarray(i, i + size), out);
    await d.end(out);
    return out;
  }
  const csvOptions = { header: true, delimiter: ',', inferTypes: true };
  const broken = Buffer.from('a,b\n1,2\n3,"x"y\n5,6\n\n7,"multi\nline"\n8,x"y\n8.5,"z"\n9,"unclosed\n10,11\n');

  it('at parallelism 2: each subtask reads its files and writes its own parts; restored per subtask, each record once', async () => {
    const root = tmp();
    const inDir = path.join(root, 'in');
    const outDir = path.join(root, 'out');
    mkdirSync(inDir);
    const files = 8;
    const perFile = 4000;
    for (let f = 0; f < files; f++) {
      writeFileSync(path.join(inDir, `events-${f}.jsonl`), Array.from({ length: perFile }, (_, i) => JSON.stringify({ id: f * perFile + i })).join('\n') + '\n');
    }
    const env = StreamExecutionEnvironment.getExecutionEnvironment().enableCheckpointing(3_600_000).setParallelism(2);
    env
      .fromSource<{ id: number }>(FileSource.jsonLines(inDir, { rate: 40_000 }), WatermarkStrategy.noWatermarks())
      .map((r) => ({ id: r.id }))
      .sinkTo(FileSink.jsonLines(outDir, { maxRecords: 1000 }));
    const graph = env.getPipeline('split files');

    const job = new Job(graph);
    expect(job.metrics().find((m) => m.type === 'source')!.parallelism).toBe(2);
    expect(job.metrics().find((m) => m.type === 'sink')!.parallelism).toBe(2);
    const running = job.run();
    await waitFor(() => readdirSync(outDir).length >= 4, 'some output', 15_000);
    const snapshot = JSON.parse(JSON.stringify(job.snapshot(1))) as JobSnapshot;
    expect(Object.keys(snapshot.operators).some((k) => k.endsWith('@1'))).toBe(true);
    await sleep(30);
    job.cancel(); // checkpoint 1 taken, its notification lost; records after it are in in-progress files
    await running;

    expect(await new Job(graph, { restoreFrom: snapshot }).run()).toBe('finished');
    const { names, inProgress } = committed(outDir);
    expect(inProgress).toEqual([]);
    // Both writers wrote parts of their own.
    expect(names.some((n) => n.startsWith('part-0-'))).toBe(true);
    expect(names.some((n) => n.startsWith('part-1-'))).toBe(true);
    const ids = (jsonLinesOf(outDir, names) as { id: number }[]).map((r) => r.id).sort((a, b) => a - b);
    expect(ids).toEqual(Array.from({ length: files * perFile }, (_, i) => i));
  });

  it('CSV: a quoting error costs its line only; csv-parse goes on after it', async () => {
    const items = await decode(new CsvDecoder(0, 0, undefined, csvOptions), broken, 1 << 16);
    expect(items.filter((i) => i.kind === 'record').map((i) => i.value)).toEqual([
      { a: 1, b: 2 },
      { a: 5, b: 6 },
      { a: 7, b: 'multi\nline' },
      { a: 8.5, b: 'z' },
      { a: 10, b: 11 },
    ]);
    const dead = items.filter((i) => i.kind === 'dead');
    expect(dead.map((d) => [d.raw, d.line])).toEqual([
      ['3,"x"y', 3],
      ['8,x"y', 8],
      ['9,"unclosed', 10],
    ]);
    // csv-parse's messages name lines of the file, also after the parser was restarted.
    expect(dead[1]!.error).toMatch(/Invalid Opening Quote: .* at line 8/);
  });

  it('JSONL: decoding a chunk\'s lines at once gives the items (and byte offsets) of decoding each line alone', async () => {
    const lines = Array.from({ length: 300 }, (_, i) => (i % 50 === 7 ? JSON.stringify({ i, s: 'é日😀' }) : i % 61 === 3 ? '{bad' : JSON.stringify({ i })));
    const bytes = Buffer.from('\ufeff' + lines.join('\r\n') + '\n');
    const oneByOne = await decode(new LineDecoder(0, 0, jsonLine, false), bytes, 1 << 16);
    expect(oneByOne.filter((i) => i.kind === 'record')).toHaveLength(295);
    for (const size of [5, 64, 333, 1 << 16]) expect(await decode(new LineDecoder(0, 0, jsonLine), bytes, size)).toEqual(oneByOne);
  });

  const jsonl = Buffer.from('{"a":1}\r\n\n{bad\n"é ü"\n{"a":2}');
  const cases: [string, () => RecordDecoder, (start: number, line: number, columns?: string[]) => RecordDecoder, Buffer][] = [
    ['csv', () => new CsvDecoder(0, 0, undefined, csvOptions), (s, l, c) => new CsvDecoder(s, l, c, csvOptions), broken],
    ['jsonl', () => new LineDecoder(0, 0, jsonLine), (s, l) => new LineDecoder(s, l, jsonLine), jsonl],
  ];
  it.each(cases)('%s: the same items whatever the chunk size, and a decoder started at any item end yields exactly the rest', async (_f, fresh, resumeAt, bytes) => {
    const whole = await decode(fresh(), bytes, 1 << 16);
    expect(whole.length).toBeGreaterThanOrEqual(4);
    for (const size of [1, 2, 3, 7]) expect(await decode(fresh(), bytes, size)).toEqual(whole);
    let columns: string[] | undefined;
    for (let k = 0; k < whole.length; k++) {
      const item = whole[k]!;
      if (item.kind === 'header') columns = item.columns;
      const rest = await decode(resumeAt(item.end, item.line, columns), bytes.subarray(item.end), 5);
      expect(rest).toEqual(whole.slice(k + 1));
    }
  });
});

describe('CSV quoting', () => {
  it('quotes delimiters, quotes, line breaks and edge spaces, and nothing else', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('a;b')).toBe('a;b');
    expect(csvField('a;b', ';')).toBe('"a;b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('"')).toBe('""""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\rhere')).toBe('"cr\rhere"');
    expect(csvField(' padded')).toBe('" padded"');
    expect(csvField('')).toBe('""');
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
    expect(csvField(3.5)).toBe('3.5');
    expect(csvField(false)).toBe('false');
    expect(csvField(new Date(Date.UTC(2024, 0, 2, 3, 4, 5)))).toBe('2024-01-02T03:04:05.000Z');
    expect(csvField({ a: [1, 'x,y'] })).toBe('"{""a"":[1,""x,y""]}"');
    expect(csvRow([''])).toBe('""\n');
    expect(csvRow([null])).toBe('""\n');
    expect(csvRow(['a', null, 'b'], '|')).toBe('a||b\n');
  });

  it('round-trips awkward text through csv-parse', () => {
    const rows = [
      ['a,b', 'say "hi"', 'x'],
      ['two\nlines', '\r\n', ' lead'],
      ['"', '""', 'trail '],
      ['', ',', '\t'],
    ];
    for (const delimiter of [',', ';', '\t']) {
      const text = rows.map((r) => csvRow(r, delimiter)).join('');
      expect(parseCsv(text, { delimiter })).toEqual(rows);
    }
  });
});
