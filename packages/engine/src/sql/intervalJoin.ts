import type { Collector, KeyedProcessContext, OnTimerContext, RuntimeContext } from '../api/functions.js';
import { ValueStateDescriptor, type ValueStateLike } from '../state/StateDescriptor.js';
import type { Expr } from './ast.js';
import type { JoinType } from './join.js';
import type { Row } from './tableConnectors.js';

/** A time attribute of one join side, shifted by a constant: `t`, `t + INTERVAL ..`, `t - INTERVAL ..`. */
interface TimeTerm {
  side: 'L' | 'R';
  key: string;
  offset: number;
}

export interface IntervalBounds {
  /** L.t >= R.t + lower and L.t <= R.t + upper (ms, inclusive), as Flink's leftLowerBound / leftUpperBound. */
  lower: number;
  upper: number;
  leftTime: string;
  rightTime: string;
  proctime: boolean;
}

/**
 * Finds the time bounds of an interval join in a join condition's conjuncts (Flink's IntervalJoinUtil): comparisons
 * between a time attribute of each side, possibly shifted by intervals, `BETWEEN`, `>`/`>=`/`<`/`<=`/`=`. Strict
 * bounds become inclusive ones by one millisecond. Returns undefined unless both a lower and an upper bound exist over
 * the same pair of time attributes of the same kind: the join is then a regular join.
 */
export function intervalBounds(
  conjuncts: Expr[],
  timeOf: (path: string[]) => { side: 'L' | 'R'; key: string; time: 'rowtime' | 'proctime' } | undefined,
): IntervalBounds | undefined {
  let lower = -Infinity;
  let upper = Infinity;
  let pair: { l: string; r: string; kind: 'rowtime' | 'proctime' } | undefined;
  const term = (e: Expr): (TimeTerm & { kind: 'rowtime' | 'proctime' }) | undefined => {
    if (e.k === 'col') {
      const t = timeOf(e.path);
      return t ? { side: t.side, key: t.key, offset: 0, kind: t.time } : undefined;
    }
    if (e.k === 'bin' && (e.op === '+' || e.op === '-') && e.r.k === 'interval') {
      const inner = term(e.l);
      return inner ? { ...inner, offset: inner.offset + (e.op === '+' ? e.r.ms : -e.r.ms) } : undefined;
    }
    return undefined;
  };
  let used = false;
  const bound = (a: Expr, op: string, b: Expr): boolean => {
    if (!['<', '<=', '>', '>=', '='].includes(op)) return false;
    let x = term(a);
    let y = term(b);
    if (!x || !y || x.side === y.side || x.kind !== y.kind) return false;
    const flip: Record<string, string> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '=': '=' };
    if (x.side === 'R') {
      [x, y] = [y, x];
      op = flip[op] ?? op;
    }
    if (pair && (pair.l !== x.key || pair.r !== y.key)) return false;
    pair = { l: x.key, r: y.key, kind: x.kind };
    // L.t + ox  op  R.t + oy  ⇔  L.t - R.t  op  oy - ox
    const c = y.offset - x.offset;
    if (op === '>=' || op === '=') lower = Math.max(lower, c);
    if (op === '>') lower = Math.max(lower, c + 1);
    if (op === '<=' || op === '=') upper = Math.min(upper, c);
    if (op === '<') upper = Math.min(upper, c - 1);
    used = true;
    return true;
  };
  for (const c of conjuncts) {
    if (c.k === 'bin') bound(c.l, c.op, c.r);
    else if (c.k === 'between' && !c.not) {
      bound(c.e, '>=', c.lo);
      bound(c.e, '<=', c.hi);
    }
  }
  if (!used || !pair || lower === -Infinity || upper === Infinity) return undefined;
  return { lower, upper, leftTime: pair.l, rightTime: pair.r, proctime: pair.kind === 'proctime' };
}

/** A cached row and whether it has been joined (outer joins pad the ones that never were). */
type Cached = { row: Row; emitted: boolean };
type Cache = Record<string, Cached[]>;

/**
 * Flink's time-interval join (TimeIntervalJoin / RowTimeIntervalJoin / ProcTimeIntervalJoin): each side caches its
 * rows by time only while rows of the other side can still fall into their interval; the watermark (or processing
 * time) expires cached rows by timers, and outer joins emit an expired row padded with NULLs if it never joined.
 * The output is append-only. A row whose whole interval is already behind the other side's time is not cached: it
 * only joins rows still cached (a late row finds none), as in Flink.
 */
export class IntervalJoinFunction {
  private leftCache!: ValueStateLike<Cache>;
  private rightCache!: ValueStateLike<Cache>;
  private leftTimer!: ValueStateLike<number>;
  private rightTimer!: ValueStateLike<number>;
  private readonly leftRelativeSize: number;
  private readonly rightRelativeSize: number;
  // operator-wide, as in Flink: how far each cache has been cleaned
  private leftExpirationTime = 0;
  private rightExpirationTime = 0;
  private operatorTime = 0;
  /**
   * How far behind the input watermark a joined row's time attributes can be (Flink's getMaxOutputDelay): the operator
   * emits the watermark minus this (KeyedCoProcessOperatorWithWatermarkDelay), so the join's output time attributes
   * stay time attributes. Processing time needs none.
   */
  readonly outputWatermarkDelay: number;

  constructor(
    private readonly type: JoinType,
    private readonly bounds: IntervalBounds,
    private readonly combine: (l: Row | null, r: Row | null) => Row,
    /** The whole join condition over the joined row (equi keys, time bounds and the rest). */
    private readonly condition: (joined: Row) => boolean,
  ) {
    this.leftRelativeSize = -bounds.lower;
    this.rightRelativeSize = bounds.upper;
    this.outputWatermarkDelay = bounds.proctime ? 0 : Math.max(this.leftRelativeSize, this.rightRelativeSize);
  }

  open(ctx: RuntimeContext): void {
    this.leftCache = ctx.getState(new ValueStateDescriptor<Cache>('sql-interval-join-left'));
    this.rightCache = ctx.getState(new ValueStateDescriptor<Cache>('sql-interval-join-right'));
    this.leftTimer = ctx.getState(new ValueStateDescriptor<number>('sql-interval-join-left-timer'));
    this.rightTimer = ctx.getState(new ValueStateDescriptor<number>('sql-interval-join-right-timer'));
  }

  private leftOuter(): boolean {
    return this.type === 'LEFT' || this.type === 'FULL';
  }
  private rightOuter(): boolean {
    return this.type === 'RIGHT' || this.type === 'FULL';
  }

  private updateOperatorTime(ctx: KeyedProcessContext<unknown>): void {
    const ts = ctx.timerService();
    if (this.bounds.proctime) this.operatorTime = ts.currentProcessingTime();
    else {
      const wm = ts.currentWatermark();
      this.operatorTime = wm > 0 ? wm : 0;
    }
  }

  private timeOf(row: Row, left: boolean): number {
    if (this.bounds.proctime) return this.operatorTime;
    return row[left ? this.bounds.leftTime : this.bounds.rightTime] as number;
  }

  private expiration(relativeSize: number): number {
    return this.operatorTime >= Number.MAX_SAFE_INTEGER ? Infinity : this.operatorTime - relativeSize - 1;
  }

  private registerCleanUp(ctx: KeyedProcessContext<unknown>, rowTime: number, leftRow: boolean): void {
    const t = rowTime + (leftRow ? this.leftRelativeSize : this.rightRelativeSize) + 1;
    if (this.bounds.proctime) ctx.timerService().registerProcessingTimeTimer(t);
    else ctx.timerService().registerEventTimeTimer(t);
    // a left row's cleanup is the right stream's timer (it expires rows the right side can no longer reach), and back
    (leftRow ? this.rightTimer : this.leftTimer).update(t);
  }

  private onRow(row: Row, isLeft: boolean, ctx: KeyedProcessContext<unknown>, out: Collector<Row>): void {
    this.updateOperatorTime(ctx);
    const time = this.timeOf(row, isLeft);
    if (typeof time !== 'number') return; // a NULL time attribute joins nothing
    const clean: Row = { ...row };
    delete clean.$rowKind;
    const otherRelative = isLeft ? this.rightRelativeSize : this.leftRelativeSize;
    const myRelative = isLeft ? this.leftRelativeSize : this.rightRelativeSize;
    const lo = time - otherRelative;
    const hi = time + myRelative;
    const otherCacheState = isLeft ? this.rightCache : this.leftCache;
    const otherOuter = isLeft ? this.rightOuter() : this.leftOuter();
    const myOuter = isLeft ? this.leftOuter() : this.rightOuter();
    const pair = (me: Row | null, o: Row | null) => (isLeft ? this.combine(me, o) : this.combine(o, me));
    const pad = (o: Row) => out.collect(pair(null, o));
    let emitted = false;
    const otherExp = isLeft ? this.rightExpirationTime : this.leftExpirationTime;
    if (otherExp < hi) {
      const exp = this.expiration(otherRelative);
      if (isLeft) this.rightExpirationTime = exp;
      else this.leftExpirationTime = exp;
      const cache = otherCacheState.value();
      if (cache) {
        let changed = false;
        for (const k of Object.keys(cache)) {
          const t = Number(k);
          const rows = cache[k]!;
          if (t >= lo && t <= hi) {
            for (const c of rows) {
              const joined = pair(clean, c.row);
              if (this.condition(joined) !== true) continue;
              out.collect(joined);
              emitted = true;
              if (otherOuter && !c.emitted) {
                c.emitted = true;
                changed = true;
              }
            }
          }
          if (t <= exp) {
            if (otherOuter) for (const c of rows) if (!c.emitted) pad(c.row);
            delete cache[k];
            changed = true;
          }
        }
        if (changed) otherCacheState.update(Object.keys(cache).length ? cache : undefined);
      }
    }
    if (this.operatorTime < hi) {
      const mine = isLeft ? this.leftCache : this.rightCache;
      const cache = mine.value() ?? {};
      (cache[time] ??= []).push({ row: clean, emitted });
      mine.update(cache);
      if ((isLeft ? this.rightTimer : this.leftTimer).value() === undefined) this.registerCleanUp(ctx, time, isLeft);
    } else if (!emitted && myOuter) out.collect(pair(clean, null));
  }

  processElement1(row: Row, ctx: KeyedProcessContext<unknown>, out: Collector<Row>): void {
    this.onRow(row, true, ctx, out);
  }

  processElement2(row: Row, ctx: KeyedProcessContext<unknown>, out: Collector<Row>): void {
    this.onRow(row, false, ctx, out);
  }

  onTimer(timestamp: number, ctx: OnTimerContext<unknown>, out: Collector<Row>): void {
    this.updateOperatorTime(ctx);
    if (this.leftTimer.value() === timestamp) {
      this.rightExpirationTime = this.expiration(this.rightRelativeSize);
      this.removeExpired(ctx, out, this.rightExpirationTime, false);
    }
    if (this.rightTimer.value() === timestamp) {
      this.leftExpirationTime = this.expiration(this.leftRelativeSize);
      this.removeExpired(ctx, out, this.leftExpirationTime, true);
    }
  }

  /** Drops the rows of one cache that can no longer join (padding them for an outer join), re-arms the timer. */
  private removeExpired(ctx: KeyedProcessContext<unknown>, out: Collector<Row>, expiration: number, removeLeft: boolean): void {
    const state = removeLeft ? this.leftCache : this.rightCache;
    const timer = removeLeft ? this.rightTimer : this.leftTimer;
    const cache = state.value() ?? {};
    const outer = removeLeft ? this.leftOuter() : this.rightOuter();
    let earliest: number | undefined;
    for (const k of Object.keys(cache)) {
      const t = Number(k);
      if (t <= expiration) {
        if (outer) for (const c of cache[k]!) if (!c.emitted) out.collect(removeLeft ? this.combine(c.row, null) : this.combine(null, c.row));
        delete cache[k];
      } else if (earliest === undefined || t < earliest) earliest = t;
    }
    timer.update(undefined);
    if (earliest !== undefined) {
      state.update(cache);
      this.registerCleanUp(ctx, earliest, removeLeft);
    } else state.update(undefined);
  }
}

/** Resolves a column of a join's condition to a time attribute of its left or right input, if it is one. */
export function timeAttrResolver(
  sides: { side: 'L' | 'R'; resolve: (path: string[]) => { key: string; nested: string[] }; columns: { name: string; time?: 'rowtime' | 'proctime' }[] }[],
): (path: string[]) => { side: 'L' | 'R'; key: string; time: 'rowtime' | 'proctime' } | undefined {
  return (path) => {
    for (const s of sides) {
      let r: { key: string; nested: string[] };
      try {
        r = s.resolve(path);
      } catch {
        continue;
      }
      const time = r.nested.length ? undefined : s.columns.find((c) => c.name === r.key)?.time;
      return time ? { side: s.side, key: r.key, time } : undefined;
    }
    return undefined;
  };
}

/** EXPLAIN text of the interval join's bounds, in Flink's words. */
export function intervalExplain(b: IntervalBounds): string {
  return `windowBounds=[isRowTime=${!b.proctime}, leftLowerBound=${b.lower}, leftUpperBound=${b.upper}, leftTimeIndex=${b.leftTime}, rightTimeIndex=${b.rightTime}]`;
}
