import type { StateKind } from './StateDescriptor.js';
import { copyStateValue } from './copyStateValue.js';

/*
 * Columns of a checkpoint: one array per field instead of one object per entry. Numbers go into typed arrays, which
 * are written as they are (the checkpoint container stores them as binary segments) and cost one copy to make.
 * Readers only index columns (never ask their length: a table knows its size), so a column that went through
 * JSON — a typed array becomes {"0": …, "1": …} — still reads.
 */

/** Keys: a Float64Array when every key is a number, else the keys themselves (strings, booleans). */
export type KeyColumn = Float64Array | unknown[];

export type IndexArray = Uint8Array | Uint16Array | Uint32Array;

/** Namespaces (or any repeated value): the distinct ones, and per entry its index into them. */
export interface DictionaryColumn<T = string> {
  dict: T[];
  index: IndexArray;
}

/**
 * Values: Float64Array when all are numbers; for flat objects whose fields are all numbers (the same fields, in the
 * same order) one Float64Array per field; otherwise the values themselves, copied (map state as [key, value] pairs).
 */
export type ValueColumn = { numbers: Float64Array } | { fields: string[]; columns: Float64Array[] } | { plain: unknown[] };

export class KeyColumnBuilder {
  private numbers: Float64Array | undefined;
  private plain: unknown[] | undefined;
  private n = 0;
  constructor(size: number) {
    this.numbers = new Float64Array(size);
  }
  push(key: unknown): void {
    const numbers = this.numbers;
    if (numbers !== undefined) {
      if (typeof key === 'number') {
        numbers[this.n++] = key;
        return;
      }
      this.plain = Array.from(numbers.subarray(0, this.n));
      this.numbers = undefined;
    }
    this.plain![this.n++] = key;
  }
  finish(): KeyColumn {
    return this.numbers !== undefined ? this.numbers.subarray(0, this.n) : this.plain!;
  }
}

const indexArray = (capacity: number, size: number): IndexArray =>
  capacity <= 0x100 ? new Uint8Array(size) : capacity <= 0x10000 ? new Uint16Array(size) : new Uint32Array(size);

/** Builds a dictionary column; `intern` numbers distinct values by an identity string. */
export class DictionaryColumnBuilder<T = string> {
  readonly dict: T[] = [];
  private readonly ids = new Map<string, number>();
  private index: IndexArray;
  private n = 0;
  constructor(private readonly size: number) {
    this.index = new Uint8Array(size);
  }
  /** The index of the value with identity `id` (`value` is added when it is new). */
  intern(id: string, value: T): number {
    let i = this.ids.get(id);
    if (i === undefined) {
      i = this.dict.length;
      this.ids.set(id, i);
      this.dict.push(value);
      // Indexes start as bytes and widen when the dictionary outgrows them.
      if (i === 0x100 || i === 0x10000) {
        const wider = indexArray(i + 1, this.size);
        wider.set(this.index.subarray(0, this.n));
        this.index = wider;
      }
    }
    return i;
  }
  push(i: number): void {
    this.index[this.n++] = i;
  }
  finish(): DictionaryColumn<T> {
    return { dict: this.dict, index: this.index.subarray(0, this.n) };
  }
}

const UNDECIDED = 0;
const NUMBERS = 1;
const RECORDS = 2;
const PLAIN = 3;

/** Builds a value column for state of `kind`, choosing the densest form the values allow. */
export class ValueColumnBuilder {
  private mode = UNDECIDED;
  private numbers: Float64Array | undefined;
  private fields: string[] = [];
  private columns: Float64Array[] = [];
  private plain: unknown[] | undefined;
  private n = 0;

  constructor(
    private readonly size: number,
    private readonly kind: StateKind,
    /** Copy plain values (live state); false for values that are already private (read from a checkpoint). */
    private readonly copy = true,
  ) {
    if (kind === 'list' || kind === 'map') this.toPlain();
  }

  push(v: unknown): void {
    switch (this.mode) {
      case NUMBERS:
        if (typeof v === 'number') {
          this.numbers![this.n++] = v;
          return;
        }
        break;
      case RECORDS:
        if (this.putRecord(v)) {
          this.n++;
          return;
        }
        break;
      case PLAIN:
        this.plain![this.n++] = this.plainValue(v);
        return;
      default:
        if (typeof v === 'number') {
          this.mode = NUMBERS;
          this.numbers = new Float64Array(this.size);
          this.numbers[this.n++] = v;
          return;
        }
        if (this.startRecords(v)) {
          this.n++;
          return;
        }
    }
    this.toPlain();
    this.plain![this.n++] = this.plainValue(v);
  }

  private plainValue(v: unknown): unknown {
    if (this.kind === 'map' && v instanceof Map) {
      const entries: [unknown, unknown][] = [];
      for (const [k, x] of v) entries.push(this.copy ? [copyStateValue(k), copyStateValue(x)] : [k, x]);
      return entries;
    }
    return this.copy ? copyStateValue(v) : v;
  }

  private startRecords(v: unknown): boolean {
    if (typeof v !== 'object' || v === null || Object.getPrototypeOf(v) !== Object.prototype) return false;
    const fields: string[] = [];
    for (const k in v) {
      if (typeof (v as Record<string, unknown>)[k] !== 'number') return false;
      fields.push(k);
    }
    if (fields.length === 0) return false;
    this.mode = RECORDS;
    this.fields = fields;
    this.columns = fields.map(() => new Float64Array(this.size));
    return this.putRecord(v);
  }

  /** Stores `v` at the next row when it has exactly the record's fields, in order, all numbers. */
  private putRecord(v: unknown): boolean {
    if (typeof v !== 'object' || v === null || Object.getPrototypeOf(v) !== Object.prototype) return false;
    const fields = this.fields;
    const columns = this.columns;
    let f = 0;
    for (const k in v) {
      if (k !== fields[f]) return false;
      const x = (v as Record<string, unknown>)[k];
      if (typeof x !== 'number') return false;
      columns[f++]![this.n] = x;
    }
    return f === fields.length;
  }

  /** Falls back to plain values: the rows so far are read back from their typed columns. */
  private toPlain(): void {
    const plain = new Array<unknown>(this.size);
    if (this.mode !== UNDECIDED) {
      const read = valueReader(this.finishTyped());
      for (let i = 0; i < this.n; i++) plain[i] = read(i);
    }
    this.plain = plain;
    this.mode = PLAIN;
    this.numbers = undefined;
    this.columns = [];
  }

  private finishTyped(): ValueColumn {
    if (this.mode === NUMBERS) return { numbers: this.numbers!.subarray(0, this.n) };
    return { fields: this.fields, columns: this.columns.map((c) => c.subarray(0, this.n)) };
  }

  finish(): ValueColumn {
    if (this.mode === NUMBERS || this.mode === RECORDS) return this.finishTyped();
    if (this.mode === UNDECIDED) return { plain: [] };
    const plain = this.plain!;
    if (plain.length !== this.n) plain.length = this.n;
    return { plain };
  }
}

/**
 * Reads row `i` of a value column (map state stays as [key, value] pairs). With `copy`, plain values are copied:
 * restored state must not share objects with a snapshot that may be restored again (numbers and records are new
 * values anyway).
 */
export function valueReader(col: ValueColumn, copy = false): (i: number) => unknown {
  if ('plain' in col) {
    const plain = col.plain;
    return copy ? (i) => copyStateValue(plain[i]) : (i) => plain[i];
  }
  if ('fields' in col) {
    const { fields, columns } = col;
    return (i) => {
      const o: Record<string, number> = {};
      for (let f = 0; f < fields.length; f++) o[fields[f]!] = columns[f]![i]!;
      return o;
    };
  }
  const numbers = col.numbers;
  return (i) => numbers[i];
}
