import type { RuntimeContext, TimerService } from '../api/functions.js';
import { ValueStateDescriptor, type ValueStateLike } from '../state/StateDescriptor.js';
import type { Row } from './tableConnectors.js';

/**
 * When the last-triggering time moves on a timer that finds no row of its time. Flink's operators differ here:
 * RowTimeRowsBoundedPrecedingFunction and RowTimeRangeBoundedPrecedingFunction update lastTriggeringTsState on every
 * timer ('always'); RowTimeSortOperator only when the timer emitted rows ('whenRowsFired').
 */
export type AdvanceLastTriggered = 'always' | 'whenRowsFired';

/**
 * Keyed rows held by their rowtime until the watermark passes it, then handed out in time order (Flink's
 * `inputState`/`dataState` plus `lastTriggeringTsState`): a row not later than the last time that fired is late.
 * Shared by the rowtime OVER aggregation and the rowtime sort; the state names are the caller's, so checkpoints
 * taken before this class existed restore into it.
 */
export class RowTimeBuffer {
  private rows!: ValueStateLike<Record<string, Row[]>>;
  private lastTriggered!: ValueStateLike<number>;

  constructor(
    private readonly rowsStateName: string,
    private readonly lastTriggeredStateName: string,
    private readonly advance: AdvanceLastTriggered,
  ) {}

  open(ctx: RuntimeContext): void {
    this.rows = ctx.getState(new ValueStateDescriptor<Record<string, Row[]>>(this.rowsStateName));
    this.lastTriggered = ctx.getState(new ValueStateDescriptor<number>(this.lastTriggeredStateName));
  }

  /** Keeps `r` until the watermark passes `t` (a timer at `t`); false when it is late and was dropped. */
  add(r: Row, t: number, timers: TimerService): boolean {
    const last = this.lastTriggered.value();
    if (last !== undefined && t <= last) return false;
    const buf = this.rows.value() ?? {};
    (buf[t] ??= []).push(r);
    this.rows.update(buf);
    timers.registerEventTimeTimer(t);
    return true;
  }

  /**
   * On the timer at `timestamp`: the rows of every time up to it, oldest time first (each time's rows in arrival
   * order), removed from state; then the last-triggering time moves as `advance` says.
   */
  fire(timestamp: number, emit: (rows: Row[], t: number) => void): void {
    const buf = this.rows.value();
    let fired = false;
    if (buf) {
      const due = Object.keys(buf).map(Number).filter((t) => t <= timestamp).sort((a, b) => a - b);
      for (const t of due) {
        emit(buf[t]!, t);
        delete buf[t];
        fired = true;
      }
      if (fired) this.rows.update(Object.keys(buf).length ? buf : undefined);
    }
    if (fired || this.advance === 'always') this.lastTriggered.update(timestamp);
  }
}
