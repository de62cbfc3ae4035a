import { ReducingStateDescriptor, type ReducingStateLike } from '../../state/StateDescriptor.js';
import type { Window } from '../Window.js';
import { Trigger, TriggerResult, type OnMergeContext, type TriggerContext } from './Trigger.js';

/**
 * What Flink's two continuous triggers share: the next fire time in a reducing state (the minimum, so merged windows
 * keep the earliest), a timer for it, and on that timer a FIRE and the next one `interval` later (never past the
 * window's end). The subclasses say which clock: event time or processing time.
 */
export abstract class ContinuousTrigger extends Trigger<Window> {
  private readonly stateDesc = new ReducingStateDescriptor<number>('fire-time', (a, b) => Math.min(a, b));

  protected constructor(
    readonly interval: number,
    name: string,
  ) {
    super();
    if (!(interval > 0)) throw new Error(`${name} needs an interval > 0`);
  }

  protected abstract registerTimer(ctx: TriggerContext, time: number): void;
  protected abstract deleteTimer(ctx: TriggerContext, time: number): void;

  private fireTime(ctx: TriggerContext): ReducingStateLike<number> {
    return ctx.getPartitionedState(this.stateDesc) as ReducingStateLike<number>;
  }

  private registerNext(time: number, w: Window, ctx: TriggerContext, state: ReducingStateLike<number>): void {
    const next = Math.min(time + this.interval, w.maxTimestamp());
    state.add(next);
    this.registerTimer(ctx, next);
  }

  /**
   * The window's first fire time, unless it has one: the interval after `time()` rounded down to the interval (as in
   * Flink: time - (time % interval), which truncates toward zero for negative times).
   */
  protected startIfNew(w: Window, ctx: TriggerContext, time: () => number): void {
    const state = this.fireTime(ctx);
    if (state.get() !== undefined) return;
    const t = time();
    this.registerNext(t - (t % this.interval), w, ctx, state);
  }

  /** A timer of this trigger's clock at `time`: FIRE when it is the window's fire time, and register the next one. */
  protected onFireTimer(time: number, w: Window, ctx: TriggerContext): TriggerResult {
    const state = this.fireTime(ctx);
    if (state.get() !== time) return TriggerResult.CONTINUE;
    state.clear();
    this.registerNext(time, w, ctx, state);
    return TriggerResult.FIRE;
  }

  override canMerge(): boolean {
    return true;
  }

  override onMerge(_w: Window, ctx: OnMergeContext): void {
    ctx.mergePartitionedState(this.stateDesc);
    const next = this.fireTime(ctx).get();
    if (next !== undefined) this.registerTimer(ctx, next);
  }

  clear(_w: Window, ctx: TriggerContext): void {
    const state = this.fireTime(ctx);
    const t = state.get();
    if (t !== undefined) {
      this.deleteTimer(ctx, t);
      state.clear();
    }
  }
}
