import { DictionaryColumnBuilder, KeyColumnBuilder, ValueColumnBuilder, valueReader, type DictionaryColumn, type KeyColumn, type ValueColumn } from './columns.js';
import type { StateKind } from './StateDescriptor.js';

/** The keyed state format written today; format 1 snapshots are read through `upgradeKeyedStateSnapshot`. */
export const KEYED_STATE_FORMAT_VERSION = 2;

/** Format 1: rows grouped by key group. */
export interface KeyedStateSnapshotV1 {
  formatVersion: 1;
  maxParallelism: number;
  /** keyGroup → rows of [stateName, kind, key, namespace, value, lastAccess?]; lastAccess only for TTL state (Flink's TtlValue). */
  keyGroups: Record<number, [string, StateKind, unknown, string, unknown, number?][]>;
}

/**
 * One state's entries in columns: row i is (keys[i], namespaces[i], values[i], lastAccess[i]). Key groups are not
 * stored: they are computed from the keys when a restore or a rescale needs them.
 */
export interface KeyedStateTable {
  name: string;
  kind: StateKind;
  size: number;
  keys: KeyColumn;
  namespaces: DictionaryColumn;
  values: ValueColumn;
  /** Last access time per entry, for state with TTL (Flink's TtlValue timestamps). */
  lastAccess?: Float64Array;
}

/** Format 2: one table per state. */
export interface KeyedStateSnapshotV2 {
  formatVersion: 2;
  maxParallelism: number;
  tables: KeyedStateTable[];
}

export type KeyedStateSnapshot = KeyedStateSnapshotV1 | KeyedStateSnapshotV2;

/** Builds one table row by row; namespaces are numbered with `namespace()` first (entries come grouped by them). */
export class KeyedStateTableBuilder {
  private readonly keys: KeyColumnBuilder;
  private readonly namespaces: DictionaryColumnBuilder;
  private readonly values: ValueColumnBuilder;
  private readonly lastAccess: Float64Array | undefined;
  private n = 0;

  constructor(
    readonly name: string,
    readonly kind: StateKind,
    size: number,
    ttl: boolean,
    /** Copy values that are not numbers (they are live state); see ValueColumnBuilder. */
    copy = true,
  ) {
    this.keys = new KeyColumnBuilder(size);
    this.namespaces = new DictionaryColumnBuilder(size);
    this.values = new ValueColumnBuilder(size, kind, copy);
    this.lastAccess = ttl ? new Float64Array(size) : undefined;
  }

  namespace(ns: string): number {
    return this.namespaces.intern(ns, ns);
  }

  add(key: unknown, namespace: number, value: unknown, lastAccess = Number.NaN): void {
    this.keys.push(key);
    this.namespaces.push(namespace);
    this.values.push(value);
    if (this.lastAccess !== undefined) this.lastAccess[this.n] = lastAccess;
    this.n++;
  }

  get size(): number {
    return this.n;
  }

  finish(): KeyedStateTable {
    const t: KeyedStateTable = { name: this.name, kind: this.kind, size: this.n, keys: this.keys.finish(), namespaces: this.namespaces.finish(), values: this.values.finish() };
    if (this.lastAccess !== undefined) t.lastAccess = this.lastAccess.subarray(0, this.n);
    return t;
  }
}

/**
 * Calls `fn` for every row of a table (map state values as [key, value] pairs; lastAccess NaN when not stored). With
 * `copy`, values that are objects are copies (for restoring them as live state).
 */
export function forEachRow(t: KeyedStateTable, fn: (key: unknown, namespace: string, value: unknown, lastAccess: number) => void, copy = false): void {
  const { keys, namespaces, lastAccess } = t;
  const { dict, index } = namespaces;
  const value = valueReader(t.values, copy);
  for (let i = 0; i < t.size; i++) {
    const ts = lastAccess === undefined ? Number.NaN : lastAccess[i];
    fn(keys[i], dict[index[i]!]!, value(i), ts === null || ts === undefined ? Number.NaN : ts);
  }
}

/** A format 1 snapshot in format 2 (format 2 is returned as it is). */
export function upgradeKeyedStateSnapshot(s: KeyedStateSnapshot): KeyedStateSnapshotV2 {
  if (s.formatVersion === 2) return s;
  if (s.formatVersion !== 1) throw new Error(`keyed state format ${(s as { formatVersion: unknown }).formatVersion} is not supported`);
  // Rows per state name, then one table each (rows of a state keep their key-group order).
  const byName = new Map<string, { kind: StateKind; rows: [string, StateKind, unknown, string, unknown, number?][]; ttl: boolean }>();
  for (const rows of Object.values(s.keyGroups)) {
    for (const row of rows) {
      let t = byName.get(row[0]);
      if (t === undefined) byName.set(row[0], (t = { kind: row[1], rows: [], ttl: false }));
      t.rows.push(row);
      if (row[5] !== undefined && row[5] !== null) t.ttl = true;
    }
  }
  const tables: KeyedStateTable[] = [];
  for (const [name, { kind, rows, ttl }] of byName) {
    // Values come from parsed JSON: nobody else holds them, so they need no copy.
    const b = new KeyedStateTableBuilder(name, kind, rows.length, ttl, false);
    for (const [, , key, ns, value, lastAccess] of rows) b.add(key, b.namespace(ns), value, lastAccess ?? Number.NaN);
    tables.push(b.finish());
  }
  return { formatVersion: 2, maxParallelism: s.maxParallelism, tables };
}
