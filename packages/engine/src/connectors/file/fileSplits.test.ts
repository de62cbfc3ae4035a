import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StreamExecutionEnvironment } from '../../api/StreamExecutionEnvironment.js';
import { OutputTag, WatermarkStrategy, type DeadLetter, type JobSnapshot } from '../../index.js';
import { runWithSnapshot } from '../../testing/runWithSnapshot.js';
import { FileSource, splitRanges } from './FileSource.js';
import '../index.js';

const dir = mkdtempSync(path.join(tmpdir(), 'flowbook-splits-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const N = 30_000;
const file = path.join(dir, 'events.jsonl');
// Lines of varying length, so cuts fall mid-line; the last line has no newline.
writeFileSync(file, Array.from({ length: N }, (_, i) => JSON.stringify({ id: i, pad: 'x'.repeat(i % 17) })).join('\n'));
const ids = Array.from({ length: N }, (_, i) => i);

function graph(parallelism: number, source: FileSource = FileSource.jsonLines(file)) {
  const env = new StreamExecutionEnvironment();
  env.setParallelism(parallelism);
  env
    .fromSource(source, WatermarkStrategy.noWatermarks<{ id: number }>(), 'file')
    .map((e) => e)
    .sinkTo({ connector: 'collect', config: { name: 'out' } });
  return env.getPipeline('file splits');
}
const run = (parallelism: number, options: { restoreFrom?: JobSnapshot; snapshotAfter?: number } = {}) =>
  runWithSnapshot(graph(parallelism), (v) => (v as { id: number }).id, options);
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);

describe('a single JSONL file is read in line-aligned byte ranges, one per subtask', () => {
  it('cuts the file into ranges that tile it, each starting at a line start', () => {
    const bytes = readFileSync(file);
    for (const p of [1, 2, 3, 7]) {
      const ranges = splitRanges(file, p);
      expect(ranges).toHaveLength(p);
      expect(ranges[0]!.start).toBe(0);
      expect(ranges.at(-1)!.end).toBe(bytes.length);
      for (let k = 1; k < p; k++) {
        expect(ranges[k]!.start).toBe(ranges[k - 1]!.end);
        expect(bytes[ranges[k]!.start - 1]).toBe(0x0a);
      }
    }
  });

  it('at parallelism 2 each subtask reads its range: every record once', async () => {
    const { out, job } = await run(2);
    const source = job.metrics().find((m) => m.type === 'source')!;
    expect(source.parallelism).toBe(2);
    // Both subtasks read about half (a subtask alone reading the file would also give every record once).
    const perSubtask = job.subtaskMetrics().filter((m) => m.nodeId === source.nodeId).map((m) => m.recordsOut);
    expect(perSubtask).toHaveLength(2);
    for (const n of perSubtask) expect(n).toBeGreaterThan(N * 0.4);
    expect(sorted(out)).toEqual(ids);
  });

  it.each([
    [2, 2],
    [2, 1],
    [1, 2],
    [2, 3],
  ])('restores from parallelism %i to %i: nothing lost or read twice', async (before, after) => {
    const first = await run(before, { snapshotAfter: 5_000 });
    expect(first.out.length).toBeLessThan(N);
    const second = await run(after, { restoreFrom: first.snapshot! });
    expect(sorted([...first.out, ...second.out])).toEqual(ids);
  });

  it('names the file and line of a malformed record in a later range', async () => {
    const bad = path.join(dir, 'bad.jsonl');
    const lines = Array.from({ length: 2000 }, (_, i) => (i === 1500 ? '{not json' : JSON.stringify({ id: i })));
    writeFileSync(bad, lines.join('\n') + '\n');
    const env = new StreamExecutionEnvironment();
    env.setParallelism(2);
    const dead = new OutputTag<DeadLetter>('dead-letter');
    const s = env.fromSource(FileSource.jsonLines(bad), WatermarkStrategy.noWatermarks<{ id: number }>(), 'file');
    s.map((e) => e.id).sinkTo({ connector: 'collect', config: { name: 'out' } });
    s.getSideOutput(dead).sinkTo({ connector: 'collect', config: { name: 'dead' } });
    const got: Record<string, unknown[]> = {};
    await env.executeAsync('bad', { collect: (sink: string, v: unknown) => (got[sink] ??= []).push(v) }).getJobExecutionResult();
    expect(got.out).toHaveLength(1999);
    expect(got.dead).toHaveLength(1);
    expect(JSON.stringify(got.dead![0])).toContain(`${bad}:1501`);
  });
});

describe('a single CSV file is read in byte ranges cut at record starts, the header given to every split', () => {
  const csv = path.join(dir, 'events.csv');
  const M = 4_000;
  // Every 7th record has a quoted field with line breaks (and a delimiter, and escaped quotes): a line start inside it
  // is not a record start. \r\n line ends, as spreadsheets write them.
  const note = (i: number) => (i % 7 === 0 ? `"line one of ${i},\r\nsaid ""hi""\nline three"` : `plain ${i}`);
  writeFileSync(csv, 'id,note,pad\r\n' + Array.from({ length: M }, (_, i) => `${i},${note(i)},${'y'.repeat(i % 13)}`).join('\r\n') + '\r\n');
  const csvIds = Array.from({ length: M }, (_, i) => i);
  type Row = { id: number; note: string; pad: string | null };
  const rows: Row[] = [];
  const runCsv = (parallelism: number, options: { restoreFrom?: JobSnapshot; snapshotAfter?: number } = {}) =>
    runWithSnapshot(graph(parallelism, FileSource.csv(csv)), (v) => {
      rows.push(v as Row);
      return (v as Row).id;
    }, options);

  it('cuts only at line starts outside quoted fields', () => {
    const bytes = readFileSync(csv);
    const text = bytes.toString('latin1');
    for (const p of [2, 3, 5, 16]) {
      const ranges = splitRanges(csv, p, 'csv');
      expect(ranges[0]!.start).toBe(0);
      expect(ranges.at(-1)!.end).toBe(bytes.length);
      for (let k = 1; k < p; k++) {
        const cut = ranges[k]!.start;
        expect(cut).toBe(ranges[k - 1]!.end);
        expect(bytes[cut - 1]).toBe(0x0a);
        // An even number of quotes before the cut: it is outside any quoted field.
        expect((text.slice(0, cut).match(/"/g) ?? []).length % 2).toBe(0);
      }
      // Line-based cuts would have fallen inside a quoted field somewhere.
    }
    const lineCuts = splitRanges(csv, 16, 'lines').map((r) => r.start);
    expect(lineCuts.some((c) => (text.slice(0, c).match(/"/g) ?? []).length % 2 === 1)).toBe(true);
  });

  it('does not split a file whose quotes do not balance', () => {
    const broken = path.join(dir, 'broken.csv');
    writeFileSync(broken, 'a,b\n' + Array.from({ length: 1000 }, (_, i) => (i === 10 ? '1,x"y\n' : `${i},z\n`)).join(''));
    const size = readFileSync(broken).length;
    expect(splitRanges(broken, 3, 'csv')).toEqual([{ start: 0, end: size }, { start: size, end: size }, { start: size, end: size }]);
  });

  it('gives later splits the header without the byte order mark', async () => {
    const bom = path.join(dir, 'bom.csv');
    writeFileSync(bom, '\ufeffid,name\n' + Array.from({ length: 3000 }, (_, i) => `${i},n${i}\n`).join(''));
    const got: unknown[] = [];
    const { out } = await runWithSnapshot(graph(2, FileSource.csv(bom)), (v) => (got.push(v), (v as { id: number }).id));
    expect(sorted(out)).toEqual(Array.from({ length: 3000 }, (_, i) => i));
    for (const r of got) expect(Object.keys(r as object)).toEqual(['id', 'name']);
  });

  it.each([1, 2, 3])('at parallelism %i gives the same records, with the header applied in every split', async (p) => {
    rows.length = 0;
    const { out, job } = await runCsv(p);
    expect(sorted(out)).toEqual(csvIds);
    for (const r of rows) {
      expect(r.note).toBe(r.id % 7 === 0 ? `line one of ${r.id},\r\nsaid "hi"\nline three` : `plain ${r.id}`);
      expect(r.pad).toBe(r.id % 13 === 0 ? null : 'y'.repeat(r.id % 13));
    }
    if (p > 1) {
      const source = job.metrics().find((m) => m.type === 'source')!;
      const perSubtask = job.subtaskMetrics().filter((m) => m.nodeId === source.nodeId).map((m) => m.recordsOut);
      for (const n of perSubtask) expect(n).toBeGreaterThan(M / p / 2);
    }
  });

  it.each([
    [2, 1],
    [1, 2],
    [2, 3],
  ])('restores from parallelism %i to %i: nothing lost or read twice', async (before, after) => {
    rows.length = 0;
    const first = await runCsv(before, { snapshotAfter: 1_000 });
    expect(first.out.length).toBeLessThan(M);
    const second = await runCsv(after, { restoreFrom: first.snapshot! });
    expect(sorted([...first.out, ...second.out])).toEqual(csvIds);
    for (const r of rows) expect(Object.keys(r as object)).toEqual(['id', 'note', 'pad']);
  });
});
