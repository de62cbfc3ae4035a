import { DictionaryColumnBuilder, KeyColumnBuilder, type DictionaryColumn, type KeyColumn } from '../state/columns.js';
import type { Timer } from './TimerQueue.js';

/** One time domain's timers in columns (checkpoint format 2): row i is (timestamps[i], keys[i], namespaces[i]). */
export interface TimerColumns {
  size: number;
  timestamps: Float64Array;
  keys: KeyColumn;
  /** Namespaces as they are written: a window's {start, end}, or the void namespace "". */
  namespaces: DictionaryColumn<unknown>;
}

export interface TimerColumnsSnapshot {
  eventTime: TimerColumns;
  processingTime: TimerColumns;
}

/** Timers as format 1 wrote them: one object each. */
export type TimerList = { timestamp: number; key: unknown; namespace: unknown }[];

/** Builds timer columns row by row; `namespace` numbers distinct namespaces by an identity string. */
export class TimerColumnsBuilder {
  private readonly timestamps: Float64Array;
  private readonly keys: KeyColumnBuilder;
  private readonly namespaces: DictionaryColumnBuilder<unknown>;
  private n = 0;
  constructor(size: number) {
    this.timestamps = new Float64Array(size);
    this.keys = new KeyColumnBuilder(size);
    this.namespaces = new DictionaryColumnBuilder<unknown>(size);
  }
  namespace(id: string, json: unknown): number {
    return this.namespaces.intern(id, json);
  }
  add(timestamp: number, key: unknown, namespace: number): void {
    this.timestamps[this.n++] = timestamp;
    this.keys.push(key);
    this.namespaces.push(namespace);
  }
  finish(): TimerColumns {
    return { size: this.n, timestamps: this.timestamps.subarray(0, this.n), keys: this.keys.finish(), namespaces: this.namespaces.finish() };
  }
}

/** Live timers (in firing order) as columns; namespaces are identified by `nsKey` and written as `nsToJSON` gives them. */
export function timerColumns<N>(timers: readonly Timer<N>[], nsKey: (ns: N) => string, nsToJSON: (ns: N) => unknown): TimerColumns {
  const b = new TimerColumnsBuilder(timers.length);
  let lastNs: N | undefined;
  let lastIndex = -1;
  for (const t of timers) {
    // Runs of one namespace (the void namespace of process functions) skip the dictionary lookup.
    if (lastIndex < 0 || t.namespace !== lastNs) {
      lastNs = t.namespace;
      lastIndex = b.namespace(nsKey(t.namespace), nsToJSON(t.namespace));
    }
    b.add(t.timestamp, t.key, lastIndex);
  }
  return b.finish();
}

/** Format 1 timers as columns. */
export function timerColumnsFromList(list: TimerList): TimerColumns {
  const b = new TimerColumnsBuilder(list.length);
  for (const t of list) b.add(t.timestamp, t.key, b.namespace(JSON.stringify(t.namespace) ?? '', t.namespace));
  return b.finish();
}

export const emptyTimerColumns = (): TimerColumns => new TimerColumnsBuilder(0).finish();

/** Calls `fn` for every timer, with its namespace turned back into the operator's (once per distinct namespace). */
export function forEachTimer<N>(c: TimerColumns, fromJSON: (o: unknown) => N, fn: (timestamp: number, key: unknown, namespace: N) => void): void {
  const { timestamps, keys } = c;
  const { dict, index } = c.namespaces;
  const namespaces = new Array<N>(dict.length);
  const done = new Array<boolean>(dict.length).fill(false);
  for (let i = 0; i < c.size; i++) {
    const d = index[i]!;
    if (!done[d]) {
      namespaces[d] = fromJSON(dict[d]);
      done[d] = true;
    }
    fn(timestamps[i]!, keys[i], namespaces[d]!);
  }
}
