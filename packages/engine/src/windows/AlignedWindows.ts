import { valueReader } from '../state/columns.js';
import { KeyedStateTableBuilder, type KeyedStateTable } from '../state/KeyedStateSnapshot.js';
import type { ProcessingTimeService } from '../time/ProcessingTimeService.js';
import { TimeWindow } from './Window.js';
import type { WindowContents } from './WindowContents.js';

/** What the window fast paths ask of their operator. */
export interface FastWindowHost {
  /** The trigger fired: emit `contents` (as stored) of `key` in `window`. */
  fireWindow(key: unknown, window: TimeWindow, contents: unknown): void;
  /** The window's state of `key` is cleaned up (Flink's clearAllState beyond the contents: the process function's clear()). */
  clearWindow(key: unknown, window: TimeWindow): void;
}

/** One window (all keys): the windows of an aligned assigner are numbered by start = offset + ordinal × slide. */
class Slot {
  readonly window: TimeWindow;
  readonly maxTs: number;
  /** Tables of the keys with contents in this window, in the order the keys arrived (the order they fire in). */
  readonly tables: KeyCells[] = [];
  constructor(
    readonly ordinal: number,
    start: number,
    end: number,
  ) {
    this.window = new TimeWindow(start, end);
    this.maxTs = end - 1;
  }
}

/**
 * One key's open windows in one array: [key, count, slot, contents, slot, contents, ...], a small open-addressing
 * table probed linearly from `ordinal & (capacity − 1)`. It grows in place, so windows can hold on to it.
 */
type KeyCells = unknown[];
const KEY = 0;
const COUNT = 1;
const HEADER = 2;

const nextPow2 = (n: number) => {
  let c = 1;
  while (c < n) c *= 2;
  return c;
};
/** Entries a table of `cap` cells holds before it grows: tiny tables may be full, larger ones ¾. */
const maxLoad = (cap: number) => (cap <= 2 ? cap : (cap * 3) >> 2);

/**
 * Tumbling and sliding windows with the default trigger (EventTimeTrigger, or ProcessingTimeTrigger for processing
 * time) and no evictor: what Flink's WindowOperator does for them, without a timer or a state namespace per key and
 * window. Windows are numbered; each key keeps its windows' contents in one small table; each window keeps the tables
 * of its keys. Firing is implied by the window's end: when the watermark (or processing time) passes a window's
 * maxTimestamp, every key of the window fires, in the order the keys arrived, as Flink fires their timers; at
 * maxTimestamp + allowedLateness the window is cleaned up. Elements are still added one by one to every window they
 * belong to (no panes), so results are those of the generic path for any reduce or aggregate function.
 */
export class AlignedWindows {
  private readonly byKey = new Map<unknown, KeyCells>();
  private readonly slots = new Map<number, Slot>();
  /** Direct-mapped cache of `slots` by ordinal: the few live windows of a stream hit it almost always. */
  private readonly slotCache: (Slot | undefined)[];
  private readonly slotMask: number;
  /** Live windows by ordinal (= by end); the first `fired` of them have fired (event time with allowed lateness). */
  private live: Slot[] = [];
  private fired = 0;
  /** Time up to which windows have fired: the operator's watermark (event time only). */
  private time = Number.NEGATIVE_INFINITY;
  private readonly initialCap: number;
  /** Window starts by integer division (exact for safe integers), instead of a floating-point remainder. */
  private readonly integral: boolean;
  /** (key, window) entries, for the state-size metric. */
  entries = 0;
  private scheduledAt = Number.POSITIVE_INFINITY;
  private cancelScheduled: (() => void) | undefined;

  constructor(
    private readonly size: number,
    private readonly slide: number,
    private readonly offset: number,
    /** Allowed lateness (event time only). */
    private readonly lateness: number,
    private readonly eventTime: boolean,
    private readonly contents: WindowContents,
    private readonly host: FastWindowHost,
    private readonly pts: ProcessingTimeService,
  ) {
    const perElement = Math.ceil(size / slide);
    this.initialCap = perElement === 1 ? 1 : nextPow2(Math.ceil(((perElement + 1) * 4) / 3));
    const cacheSize = nextPow2(Math.max(16, 2 * perElement + 8));
    this.slotCache = new Array(cacheSize).fill(undefined);
    this.slotMask = cacheSize - 1;
    this.integral = Number.isSafeInteger(size) && Number.isSafeInteger(slide) && Number.isSafeInteger(offset);
  }

  /** Number of keys with at least one open window. */
  get numKeys(): number {
    return this.byKey.size;
  }

  /**
   * The element's time for `addAt` (its timestamp, or the current processing time): a field rather than an argument,
   * as a double passed to a function that is not inlined is boxed (a heap number per element), and a double field is
   * updated in place.
   */
  at = Number.NaN;

  /**
   * The run: tumbling windows only. While elements of the key the last element had keep falling into that element's
   * window, [runFrom, runTo), they are added to its contents at `runCells[runIndex + 1]` with nothing else to do (a
   * windowAll, or a key whose elements come together). Set by the general path when that window was neither late nor
   * due to fire at once; anything else that changes the windows (the general path, time moving on, a restore) ends it.
   */
  private runKey: unknown = undefined;
  private runFrom = Number.POSITIVE_INFINITY;
  private runTo = Number.NEGATIVE_INFINITY;
  private runCells: KeyCells = [];
  private runIndex = 0;

  /**
   * Adds an element of `key` to its windows at the time in `at`. Returns false when every window was late (event
   * time), so the element was dropped; lateness is judged against the watermark `advance` was last called with, which
   * is the operator's. Small enough for V8 to inline into the operator's loop: an element of the run goes no further.
   */
  addAt(key: unknown, value: unknown): boolean {
    const timestamp = this.at;
    if (timestamp < this.runTo && timestamp >= this.runFrom && key === this.runKey) {
      const cells = this.runCells;
      const i = this.runIndex;
      cells[i + 1] = this.contents.add(cells[i + 1], value);
      return true;
    }
    return this.addToWindows(key, value);
  }

  /** `addAt` beyond the run: the element's time is in `at` (not an argument, see there). */
  private addToWindows(key: unknown, value: unknown): boolean {
    const timestamp = this.at;
    this.runTo = Number.NEGATIVE_INFINITY;
    const { size, slide, offset, lateness, eventTime } = this;
    // The operator's watermark (this reads it here rather than taking it as an argument: no boxed double per call).
    const watermark = this.time;
    // The latest window's start, as TimeWindow.getWindowStartWithOffset computes it.
    let lastStart: number;
    let ordinal: number;
    // Runs only where the window start is exact (integer arithmetic), so that every element of a run has that window.
    let run = size === slide;
    if (this.integral && Number.isSafeInteger(timestamp)) {
      ordinal = Math.floor((timestamp - offset) / slide);
      lastStart = offset + ordinal * slide;
    } else {
      const rem = (timestamp - offset) % slide;
      lastStart = rem < 0 ? timestamp - (rem + slide) : timestamp - rem;
      ordinal = (lastStart - offset) / slide;
      run = false;
    }
    let cells = this.byKey.get(key);
    const slotCache = this.slotCache;
    const slotMask = this.slotMask;
    const contents = this.contents;
    let added = false;
    for (let start = lastStart; start > timestamp - size; start -= slide, ordinal--) {
      const maxTs = start + size - 1;
      // Windows come latest first: once one is late, the earlier ones are too.
      if (eventTime && maxTs + lateness <= watermark) break;
      added = true;
      let slot = slotCache[ordinal & slotMask];
      if (slot === undefined || slot.ordinal !== ordinal) slot = this.slotFor(ordinal, start, start + size);
      if (cells === undefined) {
        cells = newCells(key, this.initialCap);
        this.byKey.set(key, cells);
      }
      let stored: unknown;
      let i = find(cells, slot);
      if (i > 0) {
        stored = contents.add(cells[i + 1], value);
        cells[i + 1] = stored;
      } else {
        stored = contents.first(value);
        // The table may grow and move its entries.
        i = insert(cells, slot, stored);
        slot.tables.push(cells);
        this.entries++;
      }
      // EventTimeTrigger fires at once for an element in a window the watermark has passed (allowed lateness).
      if (eventTime && maxTs <= watermark) this.host.fireWindow(key, slot.window, stored);
      else if (run) {
        this.runKey = key;
        this.runFrom = start;
        this.runTo = start + size;
        this.runCells = cells;
        this.runIndex = i;
      }
    }
    return added;
  }

  private slotFor(ordinal: number, start: number, end: number): Slot {
    let slot = this.slots.get(ordinal);
    if (slot === undefined) {
      slot = new Slot(ordinal, start, end);
      this.slots.set(ordinal, slot);
      const live = this.live;
      let i = live.length;
      while (i > 0 && live[i - 1]!.ordinal > ordinal) i--;
      live.splice(i, 0, slot);
      // A window the watermark has passed (allowed lateness) counts as fired: its elements fire one by one.
      if (this.eventTime && slot.maxTs <= this.time) this.fired++;
      if (!this.eventTime && slot.maxTs < this.scheduledAt) this.schedule(slot.maxTs);
    }
    this.slotCache[ordinal & this.slotMask] = slot;
    return slot;
  }

  /**
   * Time moves to `time` (a watermark, or processing time): windows fire at their maxTimestamp and are cleaned up at
   * maxTimestamp + allowedLateness, in timestamp order.
   */
  advance(time: number): void {
    this.runTo = Number.NEGATIVE_INFINITY;
    if (this.eventTime) {
      if (time <= this.time) return;
      this.time = time;
    }
    const live = this.live;
    const lateness = this.eventTime ? this.lateness : 0;
    for (;;) {
      const f = this.fired < live.length ? live[this.fired]! : undefined;
      const fireAt = f !== undefined && f.maxTs <= time ? f.maxTs : Number.POSITIVE_INFINITY;
      const c = live.length > 0 ? live[0]! : undefined;
      const cleanAt = c !== undefined && c.maxTs + lateness <= time ? c.maxTs + lateness : Number.POSITIVE_INFINITY;
      if (fireAt === Number.POSITIVE_INFINITY && cleanAt === Number.POSITIVE_INFINITY) return;
      if (fireAt <= cleanAt) {
        // Without lateness a window fires and is cleaned up by the same timer, key by key.
        const cleanup = lateness === 0 && f === c;
        this.fireSlot(f!, cleanup);
        if (cleanup) this.dropFirst();
        else this.fired++;
      } else {
        this.cleanupSlot(c!);
        this.dropFirst();
        this.fired--;
      }
    }
  }

  private dropFirst(): void {
    const slot = this.live.shift()!;
    this.slots.delete(slot.ordinal);
    const ci = slot.ordinal & this.slotMask;
    if (this.slotCache[ci] === slot) this.slotCache[ci] = undefined;
  }

  private fireSlot(slot: Slot, cleanup: boolean): void {
    for (const cells of slot.tables) {
      const key = cells[KEY];
      const i = find(cells, slot);
      const stored = cells[i + 1];
      if (cleanup) this.remove(cells, i);
      this.host.fireWindow(key, slot.window, stored);
      if (cleanup) this.host.clearWindow(key, slot.window);
    }
  }

  private cleanupSlot(slot: Slot): void {
    for (const cells of slot.tables) {
      this.remove(cells, find(cells, slot));
      this.host.clearWindow(cells[KEY], slot.window);
    }
  }

  private remove(cells: KeyCells, i: number): void {
    this.entries--;
    if (cells[COUNT] === 1) this.byKey.delete(cells[KEY]);
    else removeAt(cells, i);
  }

  // ---- processing time ----

  private schedule(at: number): void {
    this.cancelScheduled?.();
    this.scheduledAt = at;
    this.cancelScheduled = this.pts.registerTimer(at, (t) => this.onProcessingTime(t));
  }

  private onProcessingTime(time: number): void {
    this.scheduledAt = Number.POSITIVE_INFINITY;
    this.cancelScheduled = undefined;
    this.advance(time);
    if (this.live.length > 0) this.schedule(this.live[0]!.maxTs);
  }

  shutdown(): void {
    this.cancelScheduled?.();
    this.cancelScheduled = undefined;
    this.scheduledAt = Number.POSITIVE_INFINITY;
  }

  // ---- checkpoints: the generic path's window-contents state, in columns; the timers are implied by the windows ----

  /** The contents as the generic path's keyed state table: window by window, each window's keys in arrival order. */
  snapshotTable(): KeyedStateTable | undefined {
    if (this.entries === 0) return undefined;
    const b = new KeyedStateTableBuilder(this.contents.stateName, this.contents.stateKind, this.entries, false);
    for (const slot of this.live) {
      const ns = b.namespace(slot.window.key);
      for (const cells of slot.tables) b.add(cells[KEY], ns, cells[find(cells, slot) + 1]);
    }
    return b.finish();
  }

  /** Restores contents saved by either path (a window-contents table), at the restored watermark (event time). */
  restore(table: KeyedStateTable | undefined, watermark: number): void {
    this.runTo = Number.NEGATIVE_INFINITY;
    if (this.eventTime) this.time = watermark;
    if (table !== undefined) {
      const { keys, size } = table;
      const { dict, index } = table.namespaces;
      const value = valueReader(table.values, true);
      const slots = new Array<Slot | undefined>(dict.length);
      for (let i = 0; i < size; i++) {
        const d = index[i]!;
        const slot = slots[d] ?? (slots[d] = this.slotForNamespace(dict[d]!));
        const key = keys[i];
        let cells = this.byKey.get(key);
        if (cells === undefined) this.byKey.set(key, (cells = newCells(key, this.initialCap)));
        insert(cells, slot, value(i));
        slot.tables.push(cells);
        this.entries++;
      }
    }
    this.fired = 0;
    if (this.eventTime) while (this.fired < this.live.length && this.live[this.fired]!.maxTs <= watermark) this.fired++;
    else if (this.live.length > 0) this.schedule(this.live[0]!.maxTs);
  }

  private slotForNamespace(namespace: string): Slot {
    const { start, end } = TimeWindow.fromKey(namespace);
    const ordinal = (start - this.offset) / this.slide;
    if (end - start !== this.size || (this.integral && !Number.isInteger(ordinal))) {
      throw new Error(`window state for ${namespace} does not belong to windows of size ${this.size} and slide ${this.slide}`);
    }
    return this.slotFor(ordinal, start, end);
  }
}

function newCells(key: unknown, cap: number): KeyCells {
  const cells: KeyCells = new Array(HEADER + 2 * cap).fill(undefined);
  cells[KEY] = key;
  cells[COUNT] = 0;
  return cells;
}

/** Index of `slot` in `cells`, or −1. */
function find(cells: KeyCells, slot: Slot): number {
  const cap = (cells.length - HEADER) >> 1;
  const mask = cap - 1;
  let c = slot.ordinal & mask;
  for (let n = 0; n < cap; n++) {
    const i = HEADER + 2 * c;
    const s = cells[i];
    if (s === slot) return i;
    if (s === undefined) return -1;
    c = (c + 1) & mask;
  }
  return -1;
}

/** Removes the entry at index `i`, shifting later entries of its probe run back (no tombstones). */
function removeAt(cells: KeyCells, i: number): void {
  const mask = ((cells.length - HEADER) >> 1) - 1;
  let hole = (i - HEADER) >> 1;
  cells[i] = undefined;
  cells[i + 1] = undefined;
  let j = hole;
  for (;;) {
    j = (j + 1) & mask;
    const s = cells[HEADER + 2 * j] as Slot | undefined;
    if (s === undefined) break;
    const home = s.ordinal & mask;
    // An entry whose home lies cyclically in (hole, j] stays; any other moves into the hole.
    if (hole <= j ? hole < home && home <= j : hole < home || home <= j) continue;
    cells[HEADER + 2 * hole] = s;
    cells[HEADER + 1 + 2 * hole] = cells[HEADER + 1 + 2 * j];
    cells[HEADER + 2 * j] = undefined;
    cells[HEADER + 1 + 2 * j] = undefined;
    hole = j;
  }
  cells[COUNT] = (cells[COUNT] as number) - 1;
}

/** Inserts a new entry, growing the table in place when it is full; returns its index. */
function insert(cells: KeyCells, slot: Slot, contents: unknown): number {
  let cap = (cells.length - HEADER) >> 1;
  const count = cells[COUNT] as number;
  if (count + 1 > maxLoad(cap)) {
    do cap *= 2;
    while (count + 1 > maxLoad(cap));
    const entries = cells.slice(HEADER);
    for (let j = HEADER; j < cells.length; j++) cells[j] = undefined;
    while (cells.length < HEADER + 2 * cap) cells.push(undefined);
    cells[COUNT] = 0;
    for (let j = 0; j < entries.length; j += 2) if (entries[j] !== undefined) insert(cells, entries[j] as Slot, entries[j + 1]);
  }
  const mask = cap - 1;
  let c = slot.ordinal & mask;
  while (cells[HEADER + 2 * c] !== undefined) c = (c + 1) & mask;
  cells[HEADER + 2 * c] = slot;
  cells[HEADER + 1 + 2 * c] = contents;
  cells[COUNT] = (cells[COUNT] as number) + 1;
  return HEADER + 2 * c;
}
