import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';

/**
 * Byte-range splits of a single file (FLIP-27 file splits, as Flink's and Hadoop's line-oriented input splits): the
 * file is cut into `parallelism` ranges of about equal size, each cut moved forward to the next record start, so the
 * ranges tile the file and every record lies in exactly one of them.
 */

const NEWLINE = 0x0a;
const QUOTE = 0x22;
const SCAN_BYTES = 1 << 20;

export interface ByteRange {
  start: number;
  end: number;
}

/**
 * How a file's records are delimited: `lines` (JSONL, text: every line start is a record start) or `csv` (a line
 * break inside a quoted field does not end the record, so only line starts outside quotes are record starts).
 */
export type SplitSyntax = 'lines' | 'csv';

/** The first line start at or after byte `b` (0 for 0; the file's size when no line starts there). */
function lineStartAtOrAfter(fd: number, b: number, size: number): number {
  if (b <= 0) return 0;
  const buf = Buffer.allocUnsafe(4096);
  // A line starts at b when byte b − 1 ends the line before it.
  for (let pos = b - 1; pos < size; ) {
    const bytesRead = readSync(fd, buf, 0, buf.length, pos);
    if (bytesRead === 0) break;
    const nl = buf.subarray(0, bytesRead).indexOf(NEWLINE);
    if (nl >= 0) return pos + nl + 1;
    pos += bytesRead;
  }
  return size;
}

/**
 * For each target byte (ascending), the first CSV record start at or after it: a line start outside quoted fields.
 * One pass over the whole file tracking RFC 4180 quoting (each `"` toggles; an escaped `""` toggles twice). Returns
 * undefined when the quotes do not balance at the end: the file's quoting is broken (a stray quote), so quote state
 * at a cut cannot be trusted and the file is not split.
 *
 * This is a whole-file read, but a cheap one: Buffer.indexOf finds quotes and line breaks natively, and a file
 * without quotes is one indexOf per MiB.
 */
function csvRecordStarts(fd: number, size: number, targets: number[]): number[] | undefined {
  const out: number[] = [];
  let k = 0;
  while (k < targets.length && targets[k]! <= 0) {
    out.push(0);
    k++;
  }
  const buf = Buffer.allocUnsafe(SCAN_BYTES);
  let quoted = false;
  for (let pos = 0; pos < size; ) {
    const n = readSync(fd, buf, 0, Math.min(SCAN_BYTES, size - pos), pos);
    if (n === 0) break;
    const chunk = buf.subarray(0, n);
    let i = 0;
    while (i < n) {
      if (quoted) {
        const q = chunk.indexOf(QUOTE, i);
        if (q === -1) break;
        quoted = false;
        i = q + 1;
        continue;
      }
      const q = chunk.indexOf(QUOTE, i);
      if (k < targets.length) {
        // A record starting at t follows a line break at t − 1 or later.
        const from = Math.max(i, targets[k]! - 1 - pos);
        if (from < n) {
          const nl = chunk.indexOf(NEWLINE, from);
          if (nl !== -1 && (q === -1 || nl < q)) {
            out.push(pos + nl + 1);
            k++;
            continue;
          }
        }
      }
      if (q === -1) break;
      quoted = true;
      i = q + 1;
    }
    pos += n;
  }
  if (quoted) return undefined;
  while (out.length < targets.length) out.push(size);
  return out;
}

/**
 * A single file cut into `parallelism` ranges. For CSV whose quotes do not balance, the first range is the whole
 * file and the others are empty (read by one subtask, as Flink's CsvReaderFormat, which is not splittable).
 */
export function splitRanges(file: string, parallelism: number, syntax: SplitSyntax = 'lines'): ByteRange[] {
  // Synchronous: also used from a restore, which cannot wait.
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const targets = Array.from({ length: parallelism - 1 }, (_, k) => Math.floor(((k + 1) * size) / parallelism));
    const cuts = syntax === 'csv' ? (csvRecordStarts(fd, size, targets) ?? targets.map(() => size)) : targets.map((t) => lineStartAtOrAfter(fd, t, size));
    const bounds = [0, ...cuts, size];
    return bounds.slice(0, -1).map((start, k) => ({ start, end: bounds[k + 1]! }));
  } finally {
    closeSync(fd);
  }
}

/** Line breaks in the file's bytes [0, end): the line number a split starting at `end` starts after. */
export async function linesBefore(handle: FileHandle, end: number): Promise<number> {
  const buf = Buffer.allocUnsafe(64 * 1024);
  let lines = 0;
  for (let pos = 0; pos < end; ) {
    const { bytesRead } = await handle.read(buf, 0, Math.min(buf.length, end - pos), pos);
    if (bytesRead === 0) break;
    const chunk = buf.subarray(0, bytesRead);
    for (let i = chunk.indexOf(NEWLINE); i !== -1; i = chunk.indexOf(NEWLINE, i + 1)) lines++;
    pos += bytesRead;
  }
  return lines;
}
