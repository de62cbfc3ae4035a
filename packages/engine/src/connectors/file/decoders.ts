import { finished } from 'node:stream/promises';
import { parse, type CastingFunction, type InfoField, type Parser } from 'csv-parse';

/**
 * What a decoder finds in the bytes of a file, in file order. `end` is the byte offset just after the item and `line`
 * the (1-based) number of its last line: the position a restored source resumes from once the item has been emitted.
 */
export type DecodedItem =
  | { kind: 'record'; value: unknown; end: number; line: number }
  | { kind: 'dead'; raw: string; error: string; line: number; end: number }
  | { kind: 'header'; columns: string[]; end: number; line: number };

/** Turns a file's bytes, pushed in chunks from some offset, into items. Keeps an incomplete last record for the next chunk. */
export interface RecordDecoder {
  push(chunk: Buffer, out: DecodedItem[]): void;
  /** End of the file (bounded read): decodes a last record that has no line break after it. */
  end(out: DecodedItem[]): Promise<void>;
}

const NEWLINE = 0x0a;

/**
 * One item per '\n'-terminated line (a trailing '\r' is dropped). Offsets are exact byte offsets; UTF-8 never has
 * 0x0a inside a multi-byte character, so lines can be cut from the bytes and each decodes on its own.
 */
export class LineDecoder implements RecordDecoder {
  private parts: Buffer[] = [];
  private partsLength = 0;
  /** File offset where the pending (incomplete) line starts. */
  private lineStart: number;
  private line: number;

  constructor(
    start: number,
    linesBefore: number,
    private readonly decodeLine: (text: string, line: number, end: number) => DecodedItem | undefined,
    /**
     * Decode a chunk's lines as one string and slice it. Not for lines kept as records (text format): V8's slices
     * keep the whole chunk's string alive as long as any of them lives.
     */
    private readonly wholeChunks = true,
  ) {
    this.lineStart = start;
    this.line = linesBefore;
  }

  push(chunk: Buffer, out: DecodedItem[]): void {
    let from = 0;
    if (this.parts.length > 0) {
      // The line begun in an earlier chunk ends in this one (or not yet).
      const nl = chunk.indexOf(NEWLINE);
      if (nl === -1) return this.keep(chunk);
      const bytes = Buffer.concat([...this.parts, chunk.subarray(0, nl)]);
      this.parts = [];
      this.partsLength = 0;
      this.emit(bytes.toString('utf8'), bytes.length + 1, out);
      from = nl + 1;
    }
    const last = chunk.lastIndexOf(NEWLINE);
    if (last >= from) {
      // The chunk's whole lines decoded at once (one call into the UTF-8 decoder, not one per line). When the text
      // has as many UTF-16 units as the bytes, every character was one byte (multi-byte sequences and broken ones
      // only ever shrink), so string indices are byte offsets; otherwise each line is decoded on its own.
      const text = this.wholeChunks ? chunk.toString('utf8', from, last + 1) : '';
      if (this.wholeChunks && text.length === last + 1 - from) {
        let i = 0;
        for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', i)) {
          this.emit(text.slice(i, nl), nl + 1 - i, out);
          i = nl + 1;
        }
      } else {
        for (let nl = chunk.indexOf(NEWLINE, from); nl !== -1 && nl <= last; nl = chunk.indexOf(NEWLINE, from)) {
          this.emit(chunk.toString('utf8', from, nl), nl + 1 - from, out);
          from = nl + 1;
        }
      }
      from = last + 1;
    }
    if (from < chunk.length) this.keep(chunk.subarray(from));
  }

  /** Keeps the start of a line whose end is in a later chunk. */
  private keep(bytes: Buffer): void {
    // Copy: the caller reuses nothing, but a subarray would pin the whole chunk for a few bytes.
    const rest = Buffer.from(bytes);
    this.parts.push(rest);
    this.partsLength += rest.length;
  }

  async end(out: DecodedItem[]): Promise<void> {
    if (this.partsLength === 0) return;
    const bytes = Buffer.concat(this.parts);
    this.parts = [];
    this.partsLength = 0;
    this.emit(bytes.toString('utf8'), bytes.length, out);
  }

  /** One line's text (without its '\n'), `consumed` bytes of the file with the line break. */
  private emit(text: string, consumed: number, out: DecodedItem[]): void {
    if (text.endsWith('\r')) text = text.slice(0, -1);
    if (this.lineStart === 0 && text.charCodeAt(0) === 0xfeff) text = text.slice(1); // UTF-8 byte order mark
    this.lineStart += consumed;
    this.line++;
    const item = this.decodeLine(text, this.line, this.lineStart);
    if (item !== undefined) out.push(item);
  }
}

/** Text format: every line is a record, empty ones included (as Flink's readTextFile). */
export const textLine = (text: string, line: number, end: number): DecodedItem => ({ kind: 'record', value: text, end, line });

/** JSON Lines: one JSON value per line; blank lines are skipped, unparsable ones become dead letters. */
export function jsonLine(text: string, line: number, end: number): DecodedItem | undefined {
  if (text.trim() === '') return undefined;
  try {
    return { kind: 'record', value: JSON.parse(text), end, line };
  } catch (e) {
    return { kind: 'dead', raw: text, error: `invalid JSON: ${(e as Error).message}`, end, line };
  }
}

// Integers keep leading zeros as text ("007" is an id, not 7); no hex, no Infinity, no thousands separators.
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const INTEGER = /^-?\d+$/;

/** csv-parse `cast` for inferTypes: numbers, booleans, empty → null (a quoted "" stays an empty string). */
export const inferCsvValue: CastingFunction = (value: string, context: InfoField): unknown => {
  if (context.header) return value;
  if (value === '') return context.quoting ? '' : null;
  if (NUMBER.test(value)) {
    const n = Number(value);
    // Integers beyond 2^53 would silently lose digits: keep them as text.
    if (INTEGER.test(value) && !Number.isSafeInteger(n)) return value;
    return n;
  }
  const lower = value.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  return value;
};

export interface CsvDecoderOptions {
  header: boolean;
  delimiter: string;
  inferTypes: boolean;
}

/** Errors csv-parse raises once the whole record is read: the parser is then still in step with the file. */
const RECORD_END_ERRORS = new Set(['CSV_RECORD_INCONSISTENT_FIELDS_LENGTH', 'CSV_RECORD_INCONSISTENT_COLUMNS']);

const CR = 0x0d;

/**
 * CSV through csv-parse (quoted fields, embedded line breaks, BOM, \r\n). The parser is used as a push parser: a
 * write() parses synchronously; each record it pushes, and each error `on_skip` reports, is queued with the parser's
 * byte and line counters at that point, and records never enter the stream's own buffer.
 *
 * A record with the wrong field count is skipped by csv-parse itself. After a quoting error, csv-parse's state is
 * lost (a stray quote would swallow the rest of the file), so the decoder cuts the broken record out up to the end of
 * its first line and starts a new parser after it. It keeps the bytes since the last record for that.
 */
export class CsvDecoder implements RecordDecoder {
  private parser!: Parser;
  private queue: DecodedItem[] = [];
  private failure: Error | undefined;
  /** Bytes fed since the end of the last item (`tailStart`, after line `tailLine`): the record being parsed. */
  private tail: Buffer[] = [];
  private tailStart: number;
  private tailLine: number;
  private columns: string[] | undefined;
  /** A quoting error in the record being parsed: set until it is cut out. */
  private broken: string | undefined;

  /** `columns`: the header read before a restore (the restored offset is past the header line). */
  constructor(
    start: number,
    linesBefore: number,
    columns: string[] | undefined,
    private readonly o: CsvDecoderOptions,
  ) {
    this.tailStart = start;
    this.tailLine = linesBefore;
    this.columns = columns;
    this.startParser();
  }

  /** A parser for the bytes from tailStart on; its byte and line counters are relative to there. */
  private startParser(): void {
    const start = this.tailStart;
    const linesBefore = this.tailLine;
    const at = (bytes: number) => start + bytes;
    const line = (lines: number) => linesBefore + lines;
    // csv-parse counts lines from its own start; the messages should name lines of the file.
    const fileLines = (message: string) => message.replace(/\b(at|on) line (\d+)/g, (_m, w: string, n: string) => `${w} line ${line(Number(n))}`);
    const parser: Parser = parse({
      delimiter: this.o.delimiter,
      bom: true,
      skip_empty_lines: true,
      // Not raw: csv-parse would copy every byte into a second buffer and stringify it per record (a third of its
      // time in the file benchmark); a dead letter's text is cut from the decoder's own tail instead.
      skip_records_with_error: true,
      ...(this.o.inferTypes ? { cast: inferCsvValue } : {}),
      columns: !this.o.header
        ? false
        : (this.columns ??
          ((header: string[]) => {
            if (this.broken === undefined) {
              this.columns = header;
              this.queue.push({ kind: 'header', columns: header, end: at(parser.info.bytes), line: line(parser.info.lines) });
            }
            return header;
          })),
      on_skip: (err) => {
        if (this.broken !== undefined) return undefined;
        const message = fileLines(err?.message ?? 'malformed CSV record');
        if (err !== undefined && RECORD_END_ERRORS.has(err.code)) {
          const end = at(parser.info.bytes);
          const raw = this.bytesSince(this.queue.at(-1)?.end ?? this.tailStart, end).replace(/^[\r\n]+|[\r\n]+$/g, '');
          this.queue.push({ kind: 'dead', raw, error: message, line: line(parser.info.lines), end });
        } else this.broken = message;
        return undefined;
      },
    });
    // Records are taken where the parser hands them to its readable side, with its byte and line counters at that
    // moment (they end there): not through on_record, whose info object (two object spreads per record) made
    // csv-parse ~25% dearer than reading its stream (a CPU measurement of 200 K rows, 5 rounds each, medians 3550 vs
    // 2833 ms). Nothing enters the stream's buffer; its end (null) goes through.
    const streamPush = parser.push.bind(parser);
    parser.push = (record: unknown): boolean => {
      if (record === null) return streamPush(null);
      if (this.broken === undefined) this.queue.push({ kind: 'record', value: record, end: at(parser.info.bytes), line: line(parser.info.lines) });
      return true;
    };
    // Only errors skip_records_with_error does not cover get here (they are emitted asynchronously).
    parser.on('error', (e: Error) => {
      if (parser === this.parser) this.failure ??= e;
    });
    this.parser = parser;
  }

  push(chunk: Buffer, out: DecodedItem[]): void {
    this.throwIfFailed();
    this.tail.push(chunk);
    // While a broken record waits for the end of its line, the old parser gets nothing more.
    if (this.broken === undefined) this.parser.write(chunk);
    this.settle(out, false);
  }

  async end(out: DecodedItem[]): Promise<void> {
    this.throwIfFailed();
    do {
      if (this.broken === undefined) {
        const parser = this.parser;
        parser.resume(); // nothing is ever pushed to the readable side, but 'end' needs it flowing
        parser.end();
        await finished(parser);
      }
    } while (this.settle(out, true));
  }

  /** Hands queued items on; then cuts out a broken record. True if a new parser took over (at the end: it needs ending). */
  private settle(out: DecodedItem[], atEnd: boolean): boolean {
    let restarted = false;
    for (;;) {
      let end: number | undefined;
      for (const item of this.queue) {
        out.push(item);
        end = item.end;
        this.tailLine = item.line;
      }
      this.queue = [];
      if (end !== undefined) this.dropTail(end);
      if (this.broken === undefined) return restarted;

      const bytes = Buffer.concat(this.tail);
      let from = 0;
      let line = this.tailLine;
      // Blank lines before the broken record are not part of it.
      while (from < bytes.length && (bytes[from] === NEWLINE || bytes[from] === CR)) if (bytes[from++] === NEWLINE) line++;
      const nl = bytes.indexOf(NEWLINE, from);
      if (nl === -1 && !atEnd) {
        this.tail = [bytes];
        return restarted; // the rest of the line has not been read yet
      }
      const stop = nl === -1 ? bytes.length : nl + 1;
      let raw = bytes.toString('utf8', from, stop);
      raw = raw.endsWith('\r\n') ? raw.slice(0, -2) : raw.endsWith('\n') ? raw.slice(0, -1) : raw;
      out.push({ kind: 'dead', raw, error: this.broken, line: line + 1, end: this.tailStart + stop });
      this.broken = undefined;
      this.tailStart += stop;
      this.tailLine = line + 1;
      this.tail = [];
      this.startParser();
      restarted = true;
      const rest = bytes.subarray(stop);
      if (rest.length > 0) {
        this.tail.push(rest);
        this.parser.write(rest); // may queue records, or break again: go round
      }
    }
  }

  /** The text of the file's bytes [from, to), both at or after tailStart (what has been fed since the last item). */
  private bytesSince(from: number, to: number): string {
    return Buffer.concat(this.tail).toString('utf8', from - this.tailStart, to - this.tailStart);
  }

  /** Forgets the bytes before file offset `offset` (the end of the last item). */
  private dropTail(offset: number): void {
    let drop = offset - this.tailStart;
    this.tailStart = offset;
    while (drop > 0 && this.tail.length > 0) {
      const first = this.tail[0]!;
      if (first.length <= drop) {
        drop -= first.length;
        this.tail.shift();
      } else {
        this.tail[0] = first.subarray(drop);
        drop = 0;
      }
    }
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) throw new Error(`CSV parse error: ${this.failure.message}`);
  }
}
