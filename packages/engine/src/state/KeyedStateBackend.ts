import type { AggregateFunction, ReduceFunction } from '../api/functions.js';
import type { ProcessingTimeService } from '../time/ProcessingTimeService.js';
import { assignToKeyGroup, DEFAULT_MAX_PARALLELISM } from './keyGroups.js';
import type {
  AggregatingStateLike,
  ListStateLike,
  MapStateLike,
  ReducingStateLike,
  StateDescriptor,
  StateKind,
  ValueStateLike,
} from './StateDescriptor.js';
import type { StateTtlConfig } from './StateTtlConfig.js';
import { forEachRow, KEYED_STATE_FORMAT_VERSION, KeyedStateTableBuilder, upgradeKeyedStateSnapshot, type KeyedStateSnapshot, type KeyedStateSnapshotV2, type KeyedStateTable } from './KeyedStateSnapshot.js';

/** The default namespace of state that is not scoped to a window (Flink's VoidNamespace). */
export const VOID_NAMESPACE = '';

interface Entry {
  value: unknown;
  /** Last access time for TTL; 0 when the state has no TTL. */
  ts: number;
}

/**
 * One state name's data: namespace → key → entry. Namespace first: there are few namespaces (the default one, or the
 * open windows) and many keys, so a key costs one map entry, not a map of its own.
 */
class StateTable {
  readonly data = new Map<string, Map<unknown, Entry>>();
  /** The default namespace's keys, always in `data` (even when empty): handles without a namespace skip one lookup. */
  readonly voidKeys = new Map<unknown, Entry>();
  constructor(
    readonly name: string,
    readonly kind: StateKind,
    /** Set when a descriptor with TTL first asks for the table (it may have been created by a restore). */
    public ttl: StateTtlConfig | undefined,
  ) {
    this.data.set(VOID_NAMESPACE, this.voidKeys);
  }

  /** Empties the table in place (handles keep it). */
  clear(): void {
    this.data.clear();
    this.voidKeys.clear();
    this.data.set(VOID_NAMESPACE, this.voidKeys);
  }

  /** Drops a namespace's map once it is empty; the default namespace's stays. */
  dropIfEmpty(ns: string, byKey: Map<unknown, Entry>): void {
    if (byKey.size === 0 && byKey !== this.voidKeys) this.data.delete(ns);
  }
  /** Restored rows carried TTL timestamps: keep writing them even before a TTL descriptor asks for this table. */
  restoredWithTtl = false;
}

export { KEYED_STATE_FORMAT_VERSION, type KeyedStateSnapshot } from './KeyedStateSnapshot.js';

/**
 * Heap keyed state of one operator (Flink's HeapKeyedStateBackend). Every state access is scoped to the current key,
 * set by the operator before it calls user code, and to a namespace (a window, or VOID_NAMESPACE).
 */
export class KeyedStateBackend {
  private currentKey: unknown = undefined;
  private readonly tables = new Map<string, StateTable>();

  constructor(
    private readonly pts: ProcessingTimeService,
    readonly maxParallelism = DEFAULT_MAX_PARALLELISM,
  ) {}

  getCurrentKey(): unknown {
    return this.currentKey;
  }

  setCurrentKey(key: unknown): void {
    this.currentKey = key;
  }

  private table(descriptor: StateDescriptor): StateTable {
    let t = this.tables.get(descriptor.name);
    if (t === undefined) {
      t = new StateTable(descriptor.name, descriptor.kind, descriptor.ttlConfig);
      this.tables.set(descriptor.name, t);
    } else if (t.ttl === undefined && descriptor.ttlConfig !== undefined) {
      t.ttl = descriptor.ttlConfig;
    } else if (t.kind !== descriptor.kind) {
      throw new Error(`state "${descriptor.name}" was registered as ${t.kind} state, now requested as ${descriptor.kind}`);
    }
    return t;
  }

  /** Returns a state handle; `ns` scopes it further (window state). Handles read the current key on every call. */
  getPartitionedState<S>(descriptor: StateDescriptor<S>, ns?: () => string): S {
    const t = this.table(descriptor);
    const cell = new StateCell(this, t, ns, this.pts);
    const d = descriptor as unknown as { reduceFunction?: ReduceFunction<unknown>; aggregateFunction?: AggregateFunction<unknown, unknown, unknown>; defaultValue?: unknown };
    switch (descriptor.kind) {
      case 'value':
        return new HeapValueState(cell, d.defaultValue) as S;
      case 'list':
        return new HeapListState(cell) as S;
      case 'map':
        return new HeapMapState(cell) as S;
      case 'reducing':
        return new HeapReducingState(cell, d.reduceFunction!) as S;
      case 'aggregating':
        return new HeapAggregatingState(cell, d.aggregateFunction!) as S;
    }
  }

  /** Merges the state of `sources` namespaces into `target` (session window merges). */
  mergeNamespaces(descriptor: StateDescriptor, target: string, sources: string[]): void {
    const t = this.table(descriptor);
    const key = this.currentKey;
    const d = descriptor as unknown as { reduceFunction?: ReduceFunction<unknown>; aggregateFunction?: AggregateFunction<unknown, unknown, unknown> };
    for (const src of sources) {
      if (src === target) continue;
      const srcKeys = t.data.get(src);
      const e = srcKeys?.get(key);
      if (e === undefined) continue;
      srcKeys!.delete(key);
      t.dropIfEmpty(src, srcKeys!);
      let targetKeys = t.data.get(target);
      const cur = targetKeys?.get(key);
      if (cur === undefined) {
        if (targetKeys === undefined) t.data.set(target, (targetKeys = new Map()));
        targetKeys.set(key, e);
        continue;
      }
      switch (t.kind) {
        case 'list':
          (cur.value as unknown[]).push(...(e.value as unknown[]));
          break;
        case 'reducing':
          cur.value = d.reduceFunction!(cur.value, e.value);
          break;
        case 'aggregating':
          cur.value = d.aggregateFunction!.merge!(cur.value, e.value);
          break;
        case 'map':
          for (const [k, v] of e.value as Map<unknown, unknown>) (cur.value as Map<unknown, unknown>).set(k, v);
          break;
        case 'value':
          throw new Error(`value state "${t.name}" cannot be merged`);
      }
    }
  }

  /** Number of (key, namespace) entries across all states: the "state size" metric. */
  numEntries(): number {
    let n = 0;
    for (const t of this.tables.values()) for (const byKey of t.data.values()) n += byKey.size;
    return n;
  }

  keys(stateName: string): unknown[] {
    const keys = new Set<unknown>();
    for (const byKey of this.tables.get(stateName)?.data.values() ?? []) for (const k of byKey.keys()) keys.add(k);
    return [...keys];
  }

  /**
   * The state in columns (format 2), one table per state. Numbers are copied into typed arrays and other values are
   * copied, so the snapshot shares nothing with live state and may be written while the job goes on.
   */
  snapshot(): KeyedStateSnapshotV2 {
    const tables: KeyedStateTable[] = [];
    for (const t of this.tables.values()) {
      let size = 0;
      for (const byKey of t.data.values()) size += byKey.size;
      if (size === 0) continue;
      const b = new KeyedStateTableBuilder(t.name, t.kind, size, t.ttl !== undefined || t.restoredWithTtl);
      for (const [ns, byKey] of t.data) {
        if (byKey.size === 0) continue;
        const nsIndex = b.namespace(ns);
        for (const [key, e] of byKey) b.add(key, nsIndex, e.value, e.ts);
      }
      tables.push(b.finish());
    }
    return { formatVersion: KEYED_STATE_FORMAT_VERSION, maxParallelism: this.maxParallelism, tables };
  }

  /**
   * Restores a snapshot of either format; with `owns`, only the entries whose key group it accepts (the key group
   * is computed from the key, as keyBy assigned it).
   */
  restore(snapshot: KeyedStateSnapshot, owns?: (keyGroup: number) => boolean): void {
    const s = upgradeKeyedStateSnapshot(snapshot);
    if (s.maxParallelism !== this.maxParallelism) {
      throw new Error(`snapshot has maxParallelism ${s.maxParallelism}, job has ${this.maxParallelism}: it cannot change after the first run`);
    }
    // State handles taken before the restore (in open()) keep their table objects: refill them in place.
    for (const t of this.tables.values()) t.clear();
    const now = this.pts.getCurrentProcessingTime();
    const maxParallelism = this.maxParallelism;
    for (const table of s.tables) {
      let t = this.tables.get(table.name);
      if (t === undefined) {
        t = new StateTable(table.name, table.kind, undefined);
        this.tables.set(table.name, t);
      }
      if (table.lastAccess !== undefined) t.restoredWithTtl = true;
      const data = t.data;
      const kind = table.kind;
      let lastNs: string | undefined;
      let byKey: Map<unknown, Entry> | undefined;
      // Values are copied: live state must not share objects with a snapshot that may be restored again.
      const copy = true;
      forEachRow(
        table,
        (key, ns, value, lastAccess) => {
          if (owns !== undefined && !owns(assignToKeyGroup(key, maxParallelism))) return;
          if (ns !== lastNs || byKey === undefined) {
            lastNs = ns;
            byKey = data.get(ns);
            if (byKey === undefined) data.set(ns, (byKey = new Map()));
          }
          // TTL keeps counting from the last access before the snapshot, as Flink restores TtlValue timestamps.
          byKey.set(key, { value: kind === 'map' ? new Map(value as [unknown, unknown][]) : value, ts: lastAccess === lastAccess ? lastAccess : now });
        },
        copy,
      );
    }
  }

  /** Called when a descriptor with TTL is first used after restore, so restored tables pick up their TTL. */
  attachTtl(descriptor: StateDescriptor): void {
    const t = this.tables.get(descriptor.name);
    if (t !== undefined && descriptor.ttlConfig !== undefined && t.ttl === undefined) t.ttl = descriptor.ttlConfig;
  }
}

/** The (current key, namespace) slot of one state table, with TTL applied on access. */
class StateCell {
  constructor(
    private readonly backend: KeyedStateBackend,
    private readonly table: StateTable,
    /** The namespace, read on every access (window state); undefined for the default namespace. */
    private readonly ns: (() => string) | undefined,
    private readonly pts: ProcessingTimeService,
  ) {}

  private namespace(): string {
    return this.ns === undefined ? VOID_NAMESPACE : this.ns();
  }

  /** The current namespace's keys (undefined when it has none). */
  private keysOf(): Map<unknown, Entry> | undefined {
    return this.ns === undefined ? this.table.voidKeys : this.table.data.get(this.ns());
  }

  get(): Entry | undefined {
    const byKey = this.keysOf();
    if (byKey === undefined) return undefined;
    const e = byKey.get(this.backend.getCurrentKey());
    if (e === undefined) return undefined;
    const ttl = this.table.ttl;
    if (ttl !== undefined) {
      const now = this.pts.getCurrentProcessingTime();
      if (e.ts + ttl.ttl <= now) {
        if (ttl.stateVisibility === 'NeverReturnExpired') {
          this.clear();
          return undefined;
        }
      } else if (ttl.updateType === 'OnReadAndWrite') {
        e.ts = now;
      }
    }
    return e;
  }

  set(value: unknown): Entry {
    const key = this.backend.getCurrentKey();
    if (key === undefined) throw new Error(`keyed state "${this.table.name}" used outside a keyed context (use it after keyBy)`);
    let byKey = this.keysOf();
    if (byKey === undefined) this.table.data.set(this.namespace(), (byKey = new Map()));
    const ts = this.table.ttl !== undefined ? this.pts.getCurrentProcessingTime() : 0;
    let e = byKey.get(key);
    if (e === undefined) byKey.set(key, (e = { value, ts }));
    else {
      e.value = value;
      e.ts = ts;
    }
    return e;
  }

  /** Updates the value of an entry `get()` returned (no second lookup). */
  update(e: Entry, value: unknown): void {
    e.value = value;
    if (this.table.ttl !== undefined) e.ts = this.pts.getCurrentProcessingTime();
  }

  touch(e: Entry): void {
    if (this.table.ttl !== undefined) e.ts = this.pts.getCurrentProcessingTime();
  }

  clear(): void {
    const byKey = this.keysOf();
    if (byKey === undefined) return;
    byKey.delete(this.backend.getCurrentKey());
    if (byKey.size === 0 && this.ns !== undefined) this.table.dropIfEmpty(this.ns(), byKey);
  }
}

class HeapValueState<T> implements ValueStateLike<T> {
  constructor(private readonly cell: StateCell, private readonly defaultValue: T | undefined) {}
  value(): T | undefined {
    const e = this.cell.get();
    return e === undefined ? this.defaultValue : (e.value as T);
  }
  update(value: T | undefined): void {
    if (value === undefined || value === null) this.cell.clear();
    else this.cell.set(value);
  }
  clear(): void {
    this.cell.clear();
  }
}

class HeapListState<T> implements ListStateLike<T> {
  constructor(private readonly cell: StateCell) {}
  get(): T[] | undefined {
    return this.cell.get()?.value as T[] | undefined;
  }
  add(value: T): void {
    const e = this.cell.get();
    if (e === undefined) this.cell.set([value]);
    else {
      (e.value as T[]).push(value);
      this.cell.touch(e);
    }
  }
  addAll(values: T[]): void {
    for (const v of values) this.add(v);
  }
  update(values: T[]): void {
    if (values.length === 0) this.cell.clear();
    else this.cell.set([...values]);
  }
  clear(): void {
    this.cell.clear();
  }
}

class HeapMapState<K, V> implements MapStateLike<K, V> {
  constructor(private readonly cell: StateCell) {}
  private map(): Map<K, V> | undefined {
    return this.cell.get()?.value as Map<K, V> | undefined;
  }
  private mapForWrite(): Map<K, V> {
    const e = this.cell.get();
    if (e === undefined) return this.cell.set(new Map()).value as Map<K, V>;
    this.cell.touch(e);
    return e.value as Map<K, V>;
  }
  get(key: K): V | undefined {
    return this.map()?.get(key);
  }
  put(key: K, value: V): void {
    this.mapForWrite().set(key, value);
  }
  putAll(entries: Iterable<[K, V]>): void {
    const m = this.mapForWrite();
    for (const [k, v] of entries) m.set(k, v);
  }
  remove(key: K): void {
    const m = this.map();
    if (m === undefined) return;
    m.delete(key);
    if (m.size === 0) this.cell.clear();
  }
  contains(key: K): boolean {
    return this.map()?.has(key) ?? false;
  }
  entries(): [K, V][] {
    return [...(this.map() ?? [])];
  }
  keys(): K[] {
    return [...(this.map()?.keys() ?? [])];
  }
  values(): V[] {
    return [...(this.map()?.values() ?? [])];
  }
  isEmpty(): boolean {
    return (this.map()?.size ?? 0) === 0;
  }
  clear(): void {
    this.cell.clear();
  }
}

class HeapReducingState<T> implements ReducingStateLike<T> {
  constructor(private readonly cell: StateCell, private readonly reduce: ReduceFunction<T>) {}
  get(): T | undefined {
    return this.cell.get()?.value as T | undefined;
  }
  add(value: T): void {
    const e = this.cell.get();
    if (e === undefined) this.cell.set(value);
    else this.cell.update(e, this.reduce(e.value as T, value));
  }
  clear(): void {
    this.cell.clear();
  }
}

class HeapAggregatingState<IN, ACC, OUT> implements AggregatingStateLike<IN, OUT> {
  constructor(private readonly cell: StateCell, private readonly agg: AggregateFunction<IN, ACC, OUT>) {}
  get(): OUT | undefined {
    const e = this.cell.get();
    return e === undefined ? undefined : this.agg.getResult(e.value as ACC);
  }
  add(value: IN): void {
    const e = this.cell.get();
    if (e === undefined) this.cell.set(this.agg.add(value, this.agg.createAccumulator()));
    else this.cell.update(e, this.agg.add(value, e.value as ACC));
  }
  clear(): void {
    this.cell.clear();
  }
}
