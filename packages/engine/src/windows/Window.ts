/** A window: a finite (or global) bucket of elements; `key` identifies it as a state namespace. */
export interface Window {
  maxTimestamp(): number;
  readonly key: string;
}

/** A window of event or processing time covering [start, end). */
export class TimeWindow implements Window {
  private k: string | undefined;
  constructor(
    readonly start: number,
    readonly end: number,
  ) {}

  /** end − 1: the last timestamp that belongs to the window, and the timestamp of its results. */
  maxTimestamp(): number {
    return this.end - 1;
  }

  get key(): string {
    return (this.k ??= `${this.start}|${this.end}`);
  }

  /** True when the windows overlap or touch (Flink merges touching session windows too). */
  intersects(other: TimeWindow): boolean {
    return this.start <= other.end && this.end >= other.start;
  }

  cover(other: TimeWindow): TimeWindow {
    return new TimeWindow(Math.min(this.start, other.start), Math.max(this.end, other.end));
  }

  equals(other: Window): boolean {
    return other instanceof TimeWindow && other.start === this.start && other.end === this.end;
  }

  toJSON(): { start: number; end: number } {
    return { start: this.start, end: this.end };
  }

  toString(): string {
    return `TimeWindow{start=${this.start}, end=${this.end}}`;
  }

  /** start = ts − ((ts − offset) mod size), with the remainder made non-negative for timestamps before the offset. */
  static getWindowStartWithOffset(timestamp: number, offset: number, windowSize: number): number {
    const remainder = (timestamp - offset) % windowSize;
    return remainder < 0 ? timestamp - (remainder + windowSize) : timestamp - remainder;
  }

  /** Merges overlapping windows, calling `merge(toBeMerged, result)` for each group of more than one (Flink's TimeWindow.mergeWindows). */
  static mergeWindows(windows: TimeWindow[], merge: (toBeMerged: TimeWindow[], result: TimeWindow) => void): void {
    const sorted = [...windows].sort((a, b) => a.start - b.start);
    let current: { window: TimeWindow; members: Map<string, TimeWindow> } | undefined;
    const groups: { window: TimeWindow; members: Map<string, TimeWindow> }[] = [];
    for (const w of sorted) {
      if (current === undefined) current = { window: w, members: new Map([[w.key, w]]) };
      else if (current.window.intersects(w)) {
        current.window = current.window.cover(w);
        current.members.set(w.key, w);
      } else {
        groups.push(current);
        current = { window: w, members: new Map([[w.key, w]]) };
      }
    }
    if (current !== undefined) groups.push(current);
    for (const g of groups) if (g.members.size > 1) merge([...g.members.values()], g.window);
  }

  /** The window a state namespace (`key`, "start|end") names. */
  static fromKey(key: string): TimeWindow {
    const bar = key.indexOf('|');
    return new TimeWindow(Number(key.slice(0, bar)), Number(key.slice(bar + 1)));
  }

  static fromJSON(o: { start: number; end: number }): TimeWindow {
    return new TimeWindow(o.start, o.end);
  }
}

/** The single window of GlobalWindows: never ends on its own. */
export class GlobalWindow implements Window {
  static readonly INSTANCE = new GlobalWindow();
  readonly key = 'global';
  maxTimestamp(): number {
    return Number.POSITIVE_INFINITY;
  }
  toJSON(): { global: true } {
    return { global: true };
  }
  toString(): string {
    return 'GlobalWindow';
  }
}

export function windowFromJSON(o: unknown): Window {
  const w = o as { start?: number; end?: number; global?: boolean };
  if (w.global) return GlobalWindow.INSTANCE;
  return new TimeWindow(w.start!, w.end!);
}
