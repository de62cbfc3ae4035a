import { VOID_NAMESPACE } from '../state/KeyedStateBackend.js';
import { forEachRow, KeyedStateTableBuilder, type KeyedStateTable } from '../state/KeyedStateSnapshot.js';
import type { FastWindowHost } from './AlignedWindows.js';
import { TimeWindow } from './Window.js';
import type { WindowContents } from './WindowContents.js';

/** One open session window of one key; a key's sessions form a list sorted by start (they never overlap or touch). */
class Session {
  /** The contents; `hasContents` is false only for a window restored without any. */
  contents: unknown = undefined;
  hasContents = false;
  /** The pending EventTimeTrigger timer (maxTimestamp), NaN when there is none. */
  fireAt = Number.NaN;
  /** Timestamp of this session's entry in the timer queue (NaN when it has none): never later than its next due time. */
  queuedAt = Number.NaN;
  dead = false;
  next: Session | undefined = undefined;
  private w: TimeWindow | undefined;
  constructor(
    readonly key: unknown,
    public start: number,
    public end: number,
  ) {}
  get window(): TimeWindow {
    const w = this.w;
    if (w !== undefined && w.start === this.start && w.end === this.end) return w;
    return (this.w = new TimeWindow(this.start, this.end));
  }
}

/** Min-heap of (timestamp, session) in two parallel arrays: no object per entry. */
class SessionQueue {
  private readonly ts: number[] = [];
  private readonly items: Session[] = [];
  get size(): number {
    return this.ts.length;
  }
  peek(): number {
    return this.ts.length > 0 ? this.ts[0]! : Number.POSITIVE_INFINITY;
  }
  push(t: number, s: Session): void {
    const ts = this.ts;
    const items = this.items;
    let i = ts.length;
    ts.push(t);
    items.push(s);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (ts[p]! <= t) break;
      ts[i] = ts[p]!;
      items[i] = items[p]!;
      i = p;
    }
    ts[i] = t;
    items[i] = s;
  }
  /** Removes the earliest entry and returns its session. */
  pop(): Session {
    const ts = this.ts;
    const items = this.items;
    const top = items[0]!;
    const lastT = ts.pop()!;
    const lastS = items.pop()!;
    const n = ts.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && ts[r]! < ts[l]! ? r : l;
        if (ts[c]! >= lastT) break;
        ts[i] = ts[c]!;
        items[i] = items[c]!;
        i = c;
      }
      ts[i] = lastT;
      items[i] = lastS;
    }
    return top;
  }
  clear(): void {
    this.ts.length = 0;
    this.items.length = 0;
  }
}

/**
 * Event-time session windows with a static gap, the default EventTimeTrigger and no evictor: Flink's merging
 * WindowOperator (MergingWindowSet, timers per window, state merged into the first window's namespace) without a
 * serialized window set and a timer per window and key. Each key keeps its sessions in a sorted list; a new element's
 * window merges with the sessions it overlaps or touches, their contents merged in start order as Flink's
 * mergeNamespaces does, then the element is added. A session fires when the watermark passes its maxTimestamp and is
 * cleaned up at maxTimestamp + allowedLateness. Each session has at most one entry in a timer queue: when a session
 * grows, its entry is left where it is and moves on when it comes due, so most elements touch no queue at all.
 */
export class SessionWindowState {
  private readonly byKey = new Map<unknown, Session>();
  private readonly queue = new SessionQueue();
  private watermark = Number.NEGATIVE_INFINITY;
  /** Open sessions, for the state-size metric. */
  sessions = 0;

  constructor(
    private readonly gap: number,
    private readonly lateness: number,
    private readonly contents: WindowContents,
    private readonly host: FastWindowHost,
  ) {}

  /** Keys with at least one open session. */
  get numKeys(): number {
    return this.byKey.size;
  }

  /** The element's time for `addAt` (a field, so that a double is not boxed per call; see AlignedWindows.at). */
  at = Number.NaN;

  /**
   * Adds an element at the time in `at`; returns false when its window was late (dropped). Lateness is judged against
   * the last `advance`.
   */
  addAt(key: unknown, value: unknown): boolean {
    const timestamp = this.at;
    const watermark = this.watermark;
    const start = timestamp;
    const end = timestamp + this.gap;
    const lateness = this.lateness;
    // The sessions the new window overlaps or touches are consecutive in the sorted list.
    let before: Session | undefined;
    let first: Session | undefined;
    let last: Session | undefined;
    let n = 0;
    for (let s = this.byKey.get(key); s !== undefined && s.start <= end; s = s.next) {
      if (s.end >= start) {
        if (first === undefined) first = s;
        last = s;
        n++;
      } else before = s;
    }
    let r: Session;
    if (first === undefined) {
      if (end - 1 + lateness <= watermark) return false;
      r = new Session(key, start, end);
      if (before === undefined) {
        r.next = this.byKey.get(key);
        this.byKey.set(key, r);
      } else {
        r.next = before.next;
        before.next = r;
      }
      this.sessions++;
      r.contents = this.contents.first(value);
      r.hasContents = true;
    } else if (n === 1 && first.start <= start && end <= first.end) {
      // Inside an existing session: nothing merges.
      r = first;
      this.addTo(r, value);
    } else {
      // Merge the new window and sessions first..last into `first` (whose namespace keeps the state in Flink).
      r = first;
      const mergedStart = Math.min(start, first.start);
      const mergedEnd = Math.max(end, last!.end);
      if (mergedEnd - 1 + lateness <= watermark) {
        throw new Error(`the end timestamp of an event-time window cannot become earlier than the current watermark by merging (${new TimeWindow(mergedStart, mergedEnd)})`);
      }
      let o = first.next;
      for (let i = 1; i < n; i++) {
        const other = o!;
        if (other.hasContents) {
          r.contents = r.hasContents ? this.contents.merge(r.contents, other.contents) : other.contents;
          r.hasContents = true;
        }
        other.dead = true;
        this.sessions--;
        o = other.next;
      }
      r.next = o;
      r.start = mergedStart;
      r.end = mergedEnd;
      // EventTimeTrigger.onMerge: a timer for the merged window unless the watermark has passed it.
      r.fireAt = mergedEnd - 1 > watermark ? mergedEnd - 1 : Number.NaN;
      this.addTo(r, value);
    }
    const maxTs = r.end - 1;
    if (maxTs <= watermark) {
      // EventTimeTrigger fires at once for a window the watermark has passed (allowed lateness).
      this.host.fireWindow(key, r.window, r.contents);
    } else r.fireAt = maxTs;
    // The queue entry must not be later than the session's next due time (it moves on by itself when early).
    const due = r.fireAt === r.fireAt ? r.fireAt : maxTs + lateness;
    if (!(r.queuedAt <= due)) {
      r.queuedAt = due;
      this.queue.push(due, r);
    }
    return true;
  }

  private addTo(s: Session, value: unknown): void {
    if (s.hasContents) s.contents = this.contents.add(s.contents, value);
    else {
      s.contents = this.contents.first(value);
      s.hasContents = true;
    }
  }

  /** The watermark moves to `watermark`: sessions fire at maxTimestamp and are cleaned up at maxTimestamp + allowedLateness. */
  advance(watermark: number): void {
    if (watermark <= this.watermark) return;
    this.watermark = watermark;
    const q = this.queue;
    const lateness = this.lateness;
    while (q.size > 0 && q.peek() <= watermark) {
      const t = q.peek();
      const s = q.pop();
      if (s.dead || s.queuedAt !== t) continue;
      s.queuedAt = Number.NaN;
      const maxTs = s.end - 1;
      if (s.fireAt === t) {
        s.fireAt = Number.NaN;
        if (s.hasContents) this.host.fireWindow(s.key, s.window, s.contents);
      }
      const cleanAt = maxTs + lateness;
      if (cleanAt === t) this.cleanup(s);
      else {
        // Early: the session grew since the entry was queued. Queue it again at its next due time.
        const due = s.fireAt === s.fireAt ? s.fireAt : cleanAt;
        s.queuedAt = due;
        q.push(due, s);
      }
    }
  }

  private cleanup(s: Session): void {
    s.dead = true;
    this.sessions--;
    const head = this.byKey.get(s.key)!;
    if (head === s) {
      if (s.next === undefined) this.byKey.delete(s.key);
      else this.byKey.set(s.key, s.next);
    } else {
      let p = head;
      while (p.next !== s) p = p.next!;
      p.next = s.next;
    }
    this.host.clearWindow(s.key, s.window);
  }

  // ---- checkpoints: the generic path's window-contents state, in columns; timers and window sets are implied ----

  /**
   * The contents as the generic path's keyed state table, each session its own state window; and, only for sessions
   * restored without contents, a merging-window-set table listing them (every other session is implied by its
   * contents).
   */
  snapshotTables(setStateName: string): KeyedStateTable[] {
    if (this.sessions === 0) return [];
    const b = new KeyedStateTableBuilder(this.contents.stateName, this.contents.stateKind, this.sessions, false);
    let empty: [unknown, [number, number, number, number][]][] | undefined;
    for (const [key, head] of this.byKey) {
      let rows: [number, number, number, number][] | undefined;
      for (let s: Session | undefined = head; s !== undefined; s = s.next) {
        if (s.hasContents) b.add(key, b.namespace(s.window.key), s.contents);
        else (rows ??= []).push([s.start, s.end, s.start, s.end]);
      }
      if (rows !== undefined) (empty ??= []).push([key, rows]);
    }
    const tables = b.size > 0 ? [b.finish()] : [];
    if (empty !== undefined) {
      const sets = new KeyedStateTableBuilder(setStateName, 'value', empty.length, false);
      const ns = sets.namespace(VOID_NAMESPACE);
      for (const [key, rows] of empty) sets.add(key, ns, rows);
      tables.push(sets.finish());
    }
    return tables;
  }

  /**
   * Restores sessions saved by either path. `implied` (the fast path's own snapshots): every contents row is a
   * session, and the window-set rows are sessions without contents. Otherwise (the generic path, format 1): the
   * window sets map each window to its state window, and contents are found by state window.
   */
  restore(contents: KeyedStateTable | undefined, windowSets: KeyedStateTable | undefined, implied: boolean, watermark: number): void {
    this.watermark = watermark;
    if (implied) {
      if (contents !== undefined) {
        const copy = true;
        forEachRow(
          contents,
          (key, ns, value) => {
            const w = TimeWindow.fromKey(ns);
            this.restoreSession(key, w.start, w.end, true, value);
          },
          copy,
        );
      }
      if (windowSets !== undefined) {
        forEachRow(windowSets, (key, _ns, rows) => {
          for (const [ws, we] of rows as [number, number, number, number][]) if (!this.hasSession(key, ws)) this.restoreSession(key, ws, we, false, undefined);
        });
      }
      return;
    }
    const byKey = new Map<unknown, Map<string, unknown>>();
    if (contents !== undefined) {
      const copy = true;
      forEachRow(
        contents,
        (key, ns, value) => {
          let m = byKey.get(key);
          if (m === undefined) byKey.set(key, (m = new Map()));
          m.set(ns, value);
        },
        copy,
      );
    }
    if (windowSets === undefined) return;
    forEachRow(windowSets, (key, _ns, rows) => {
      const c = byKey.get(key);
      for (const [ws, we, ss, se] of rows as [number, number, number, number][]) {
        const ns = `${ss}|${se}`;
        const has = c !== undefined && c.has(ns);
        this.restoreSession(key, ws, we, has, has ? c.get(ns) : undefined);
      }
    });
  }

  private hasSession(key: unknown, start: number): boolean {
    for (let s = this.byKey.get(key); s !== undefined; s = s.next) if (s.start === start) return true;
    return false;
  }

  /** Adds a restored session to its key's list (kept sorted by start) and queues its firing or cleanup. */
  private restoreSession(key: unknown, start: number, end: number, hasContents: boolean, contents: unknown): void {
    const s = new Session(key, start, end);
    if (hasContents) {
      s.contents = contents;
      s.hasContents = true;
    }
    const head = this.byKey.get(key);
    if (head === undefined || head.start > start) {
      s.next = head;
      this.byKey.set(key, s);
    } else {
      let p = head;
      while (p.next !== undefined && p.next.start < start) p = p.next;
      s.next = p.next;
      p.next = s;
    }
    this.sessions++;
    const maxTs = end - 1;
    s.fireAt = maxTs > this.watermark ? maxTs : Number.NaN;
    s.queuedAt = s.fireAt === s.fireAt ? s.fireAt : maxTs + this.lateness;
    this.queue.push(s.queuedAt, s);
  }
}
