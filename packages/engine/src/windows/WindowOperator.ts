import type { AggregateFunction, Collector, ProcessAllWindowFunction, ProcessWindowContext, ProcessWindowFunction, ReduceFunction } from '../api/functions.js';
import { resolveFn } from '../graph/fn.js';
import { KeyedStreamOperator } from '../runtime/KeyedStreamOperator.js';
import {
  AggregatingStateDescriptor,
  ListStateDescriptor,
  ReducingStateDescriptor,
  ValueStateDescriptor,
  type AppendingStateLike,
  type ListStateLike,
  type StateDescriptor,
  type ValueStateLike,
} from '../state/StateDescriptor.js';
import { VOID_NAMESPACE } from '../state/KeyedStateBackend.js';
import type { Timer } from '../time/TimerQueue.js';
import type { MergingWindowAssigner, WindowAssigner } from './assigners/WindowAssigner.js';
import type { Evictor, EvictorContext, TimestampedValue } from './evictors/Evictor.js';
import { isFire, isPurge, type OnMergeContext, type Trigger, type TriggerResult } from './triggers/Trigger.js';
import { TimeWindow, windowFromJSON, type Window } from './Window.js';
import type { WindowFunctionSpec } from './WindowFunctionSpec.js';

export interface WindowOperatorOptions {
  assigner: WindowAssigner;
  trigger?: Trigger;
  evictor?: Evictor;
  allowedLateness?: number;
  /** Side output tag id for late elements; without it they are counted as dropped. */
  lateDataOutputTag?: string;
  fn: WindowFunctionSpec;
  /** windowAll: the window function is a ProcessAllWindowFunction, process(context, elements, out). */
  allWindow?: boolean;
}

type WindowEmitter = (key: unknown, window: Window, contents: unknown) => void;

/**
 * Flink's WindowOperator (and EvictingWindowOperator when an evictor is set): assigns elements to windows, keeps
 * their contents in keyed state namespaced by window, and asks the trigger when to fire and purge.
 * Event-time windows are cleaned up at maxTimestamp + allowedLateness.
 */
export class WindowOperator extends KeyedStreamOperator<unknown, Window> implements OnMergeContext, EvictorContext {
  private readonly assigner: WindowAssigner;
  private readonly trigger: Trigger;
  private readonly evictor: Evictor | undefined;
  private readonly allowedLateness: number;
  private readonly lateTag: string | undefined;
  private readonly contentsDescriptor: StateDescriptor;
  private contents!: AppendingStateLike<unknown, unknown> & { clear(): void };
  private emit!: WindowEmitter;
  private processFn: ProcessWindowFunction<unknown, unknown, unknown, Window> | undefined;

  /** The (key, window) the trigger context and window-scoped state refer to. */
  private ctxKey: unknown;
  private ctxWindow: Window = new TimeWindow(0, 0);
  /** The namespace the contents state reads: the window, or its state window when merging. */
  private stateNs = VOID_NAMESPACE;
  private readonly triggerStates = new Map<string, unknown>();
  /** Per key: the merging window set as [windowStart, windowEnd, stateWindowStart, stateWindowEnd] rows (small: one per open session). */
  private mergingSets: ValueStateLike<[number, number, number, number][]> | undefined;
  private readonly collector: Collector<unknown> & { ts: number };
  private readonly processContext: ProcessWindowContext<Window>;
  private readonly assignerContext = { getCurrentProcessingTime: () => this.ctx.processingTimeService.getCurrentProcessingTime() };

  constructor(private readonly options: WindowOperatorOptions) {
    super();
    this.assigner = options.assigner;
    this.trigger = options.trigger ?? options.assigner.getDefaultTrigger();
    this.evictor = options.evictor;
    this.allowedLateness = options.allowedLateness ?? 0;
    if (this.allowedLateness < 0) throw new Error('allowedLateness must be >= 0');
    if (this.allowedLateness > 0 && !this.assigner.isEventTime()) {
      // Flink ignores lateness for processing-time windows; say so rather than silently differ.
      this.allowedLateness = 0;
    }
    this.lateTag = options.lateDataOutputTag;
    if (this.assigner.isMerging() && !this.trigger.canMerge()) {
      throw new Error(`the trigger ${this.trigger.constructor.name} cannot be used with merging (session) windows`);
    }
    const fn = options.fn;
    if (this.evictor !== undefined || fn.kind === 'process') {
      // Evictors need every element (Flink disables pre-aggregation when an evictor is set).
      this.contentsDescriptor = new ListStateDescriptor('window-contents');
    } else if (fn.kind === 'reduce') {
      this.contentsDescriptor = new ReducingStateDescriptor('window-contents', resolveFn<ReduceFunction<unknown>>(fn.reduce, 'window reduce'));
    } else {
      const agg = resolveFn<AggregateFunction<unknown, unknown, unknown>>(fn.aggregate, 'window aggregate');
      if (this.assigner.isMerging() && typeof agg.merge !== 'function') throw new Error('an AggregateFunction on session windows needs merge()');
      this.contentsDescriptor = new AggregatingStateDescriptor('window-contents', agg);
    }
    const self = this;
    this.collector = {
      ts: 0,
      collect(value: unknown) {
        self.output.collect(value, this.ts);
      },
    };
    this.processContext = {
      get window() {
        return self.ctxWindow;
      },
      currentProcessingTime: () => this.ctx.processingTimeService.getCurrentProcessingTime(),
      currentWatermark: () => this.currentWatermark,
      windowState: () => ({ getState: (d) => this.backend.getPartitionedState(d, () => 'w:' + this.ctxWindow.key) }),
      globalState: () => ({ getState: (d) => this.backend.getPartitionedState(d) }),
      output: (tag, value) => this.output.collectSide(tag.id, value, this.collector.ts),
    };
  }

  override open(): void {
    super.open();
    this.contents = this.backend.getPartitionedState(this.contentsDescriptor, () => this.stateNs) as never;
    if (this.assigner.isMerging()) {
      this.mergingSets = this.backend.getPartitionedState(new ValueStateDescriptor<[number, number, number, number][]>('merging-window-set'));
    }
    this.emit = this.buildEmitter();
    this.processFn?.open?.(this.runtimeContext());
  }

  private buildEmitter(): WindowEmitter {
    const fn = this.options.fn;
    const out = this.collector;
    const pwf = fn.process ? resolveFn<ProcessWindowFunction<unknown, unknown, unknown, Window>>(fn.process, 'process window function') : undefined;
    if (pwf !== undefined && typeof pwf.process !== 'function') throw new Error('a ProcessWindowFunction needs a process(key, context, elements, out) method');
    this.processFn = pwf;
    const ctx = this.processContext;
    // Turn the stored contents into the value(s) the user function sees.
    let finalize: (contents: unknown) => unknown[];
    if (this.evictor === undefined) {
      finalize = fn.kind === 'process' ? (c) => c as unknown[] : (c) => [c];
    } else if (fn.kind === 'reduce') {
      const reduce = resolveFn<ReduceFunction<unknown>>(fn.reduce, 'window reduce');
      finalize = (c) => {
        const vs = c as unknown[];
        if (vs.length === 0) return [];
        let acc = vs[0];
        for (let i = 1; i < vs.length; i++) acc = reduce(acc, vs[i]);
        return [acc];
      };
    } else if (fn.kind === 'aggregate') {
      const agg = resolveFn<AggregateFunction<unknown, unknown, unknown>>(fn.aggregate, 'window aggregate');
      finalize = (c) => {
        let acc = agg.createAccumulator();
        for (const v of c as unknown[]) acc = agg.add(v, acc);
        return [agg.getResult(acc)];
      };
    } else {
      finalize = (c) => c as unknown[];
    }
    if (pwf !== undefined && this.options.allWindow) {
      const all = pwf as unknown as ProcessAllWindowFunction<unknown, unknown, Window>;
      return (_key, window, contents) => {
        out.ts = window.maxTimestamp();
        all.process(ctx, finalize(contents), out);
      };
    }
    if (pwf !== undefined) {
      return (key, window, contents) => {
        out.ts = window.maxTimestamp();
        pwf.process(key, ctx, finalize(contents), out);
      };
    }
    return (_key, window, contents) => {
      out.ts = window.maxTimestamp();
      for (const v of finalize(contents)) out.collect(v);
    };
  }

  processElement(value: unknown, timestamp: number, input: number): void {
    const key = this.setKeyContextElement(value, input);
    const windows = this.assigner.assignWindows(value, timestamp, this.assignerContext);
    let skipped = true;
    if (this.assigner.isMerging()) {
      const set = this.loadMergingSet();
      for (const window of windows) {
        const actual = this.addToMergingSet(set, window as TimeWindow, key);
        if (this.isWindowLate(actual)) {
          set.delete(actual.key);
          continue;
        }
        skipped = false;
        const stateWindow = set.get(actual.key)![1];
        this.stateNs = stateWindow.key;
        this.addContents(value, timestamp);
        this.ctxKey = key;
        this.ctxWindow = actual;
        this.afterTrigger(this.trigger.onElement(value, timestamp, actual, this), key, actual);
        this.registerCleanupTimer(actual);
      }
      this.persistMergingSet(set);
    } else {
      for (const window of windows) {
        if (this.isWindowLate(window)) continue;
        skipped = false;
        this.stateNs = window.key;
        this.addContents(value, timestamp);
        this.ctxKey = key;
        this.ctxWindow = window;
        this.afterTrigger(this.trigger.onElement(value, timestamp, window, this), key, window);
        this.registerCleanupTimer(window);
      }
    }
    if (skipped && this.isElementLate(timestamp)) {
      if (this.lateTag !== undefined) this.output.collectSide(this.lateTag, value, timestamp);
      else this.metrics.lateRecordsDropped++;
    }
  }

  private addContents(value: unknown, timestamp: number): void {
    if (this.evictor !== undefined) (this.contents as ListStateLike<TimestampedValue>).add({ value, timestamp });
    else this.contents.add(value);
  }

  private afterTrigger(result: TriggerResult, key: unknown, window: Window): void {
    if (isFire(result)) {
      const contents = this.contents.get();
      if (contents !== undefined) this.emitWindowContents(key, window, contents);
    }
    if (isPurge(result)) this.contents.clear();
  }

  private emitWindowContents(key: unknown, window: Window, contents: unknown): void {
    this.ctxWindow = window;
    if (this.evictor === undefined) {
      this.emit(key, window, contents);
      return;
    }
    const records = [...(contents as TimestampedValue[])];
    this.evictor.evictBefore(records, records.length, window, this);
    this.emit(
      key,
      window,
      records.map((r) => r.value),
    );
    this.evictor.evictAfter(records, records.length, window, this);
    (this.contents as ListStateLike<TimestampedValue>).update(records);
  }

  onEventTime(timer: Timer<Window>): void {
    this.onTimer(timer, true);
  }

  onProcessingTime(timer: Timer<Window>): void {
    this.onTimer(timer, false);
  }

  private onTimer(timer: Timer<Window>, eventTime: boolean): void {
    const key = timer.key;
    const window = timer.namespace;
    this.ctxKey = key;
    this.ctxWindow = window;
    let set: Map<string, [TimeWindow, TimeWindow]> | undefined;
    if (this.assigner.isMerging()) {
      set = this.loadMergingSet();
      const entry = set.get(window.key);
      // A timer for a window that was merged away: its trigger state is already gone.
      if (entry === undefined) return;
      this.stateNs = entry[1].key;
    } else {
      this.stateNs = window.key;
    }
    const result = eventTime ? this.trigger.onEventTime(timer.timestamp, window, this) : this.trigger.onProcessingTime(timer.timestamp, window, this);
    this.afterTrigger(result, key, window);
    if (this.assigner.isEventTime() === eventTime && this.isCleanupTime(window, timer.timestamp)) {
      this.clearAllState(window, set);
    }
    if (set !== undefined) this.persistMergingSet(set);
  }

  private clearAllState(window: Window, set: Map<string, [TimeWindow, TimeWindow]> | undefined): void {
    this.contents.clear();
    this.ctxWindow = window;
    this.trigger.clear(window, this);
    this.processFn?.clear?.(this.processContext);
    if (set !== undefined) set.delete(window.key);
  }

  private cleanupTime(window: Window): number {
    if (this.assigner.isEventTime()) return window.maxTimestamp() + this.allowedLateness;
    return window.maxTimestamp();
  }

  private isCleanupTime(window: Window, time: number): boolean {
    return time === this.cleanupTime(window);
  }

  private registerCleanupTimer(window: Window): void {
    const t = this.cleanupTime(window);
    if (t === Number.POSITIVE_INFINITY) return;
    if (this.assigner.isEventTime()) this.timerService.registerEventTimeTimer(window, t);
    else this.timerService.registerProcessingTimeTimer(window, t);
  }

  private isWindowLate(window: Window): boolean {
    return this.assigner.isEventTime() && this.cleanupTime(window) <= this.currentWatermark;
  }

  private isElementLate(timestamp: number): boolean {
    return this.assigner.isEventTime() && timestamp + this.allowedLateness <= this.currentWatermark;
  }

  // ---- merging windows (Flink's MergingWindowSet): window → the window whose namespace holds its state ----

  private loadMergingSet(): Map<string, [TimeWindow, TimeWindow]> {
    const m = new Map<string, [TimeWindow, TimeWindow]>();
    for (const [ws, we, ss, se] of this.mergingSets!.value() ?? []) {
      const w = new TimeWindow(ws, we);
      m.set(w.key, [w, ss === ws && se === we ? w : new TimeWindow(ss, se)]);
    }
    return m;
  }

  private persistMergingSet(set: Map<string, [TimeWindow, TimeWindow]>): void {
    if (set.size === 0) this.mergingSets!.clear();
    else {
      const rows: [number, number, number, number][] = [];
      for (const [w, sw] of set.values()) rows.push([w.start, w.end, sw.start, sw.end]);
      this.mergingSets!.update(rows);
    }
  }

  private addToMergingSet(set: Map<string, [TimeWindow, TimeWindow]>, newWindow: TimeWindow, key: unknown): TimeWindow {
    const all = [...[...set.values()].map(([w]) => w), newWindow];
    const results: { result: TimeWindow; merged: TimeWindow[] }[] = [];
    (this.assigner as MergingWindowAssigner).mergeWindows(all, (merged, result) => results.push({ result, merged }));
    let resultWindow = newWindow;
    let mergedNewWindow = false;
    for (const { result, merged: mergedIn } of results) {
      let merged = mergedIn;
      if (merged.some((w) => w.key === newWindow.key)) {
        merged = merged.filter((w) => w.key !== newWindow.key);
        mergedNewWindow = true;
        resultWindow = result;
      }
      if (merged.length === 0) continue;
      const stateWindow = set.get(merged[0]!.key)![1];
      const mergedStateWindows: TimeWindow[] = [];
      for (const w of merged) {
        const e = set.get(w.key);
        if (e !== undefined) {
          set.delete(w.key);
          mergedStateWindows.push(e[1]);
        }
      }
      set.set(result.key, [result, stateWindow]);
      const otherStateWindows = mergedStateWindows.filter((w) => w.key !== stateWindow.key);
      // Merging one pre-existing window into itself without extending it needs no state merge.
      if (!(merged.length === 1 && merged[0]!.key === result.key)) {
        this.onWindowsMerged(key, result, merged, stateWindow, otherStateWindows);
      }
    }
    if (results.length === 0 || (resultWindow.key === newWindow.key && !mergedNewWindow)) {
      set.set(resultWindow.key, [resultWindow, resultWindow]);
    }
    return resultWindow;
  }

  private onWindowsMerged(key: unknown, result: TimeWindow, merged: TimeWindow[], stateWindow: TimeWindow, mergedStateWindows: TimeWindow[]): void {
    if (this.assigner.isEventTime() && result.maxTimestamp() + this.allowedLateness <= this.currentWatermark) {
      throw new Error(`the end timestamp of an event-time window cannot become earlier than the current watermark by merging (${result})`);
    }
    if (!this.assigner.isEventTime() && result.maxTimestamp() <= this.ctx.processingTimeService.getCurrentProcessingTime()) {
      throw new Error(`the end timestamp of a processing-time window cannot become earlier than the current processing time by merging (${result})`);
    }
    this.ctxKey = key;
    this.ctxWindow = result;
    this.mergedWindows = merged;
    this.trigger.onMerge(result, this);
    for (const m of merged) {
      this.ctxWindow = m;
      this.trigger.clear(m, this);
      const t = this.cleanupTime(m);
      if (t !== Number.POSITIVE_INFINITY) {
        if (this.assigner.isEventTime()) this.timerService.deleteEventTimeTimer(m, t);
        else this.timerService.deleteProcessingTimeTimer(m, t);
      }
    }
    this.ctxWindow = result;
    this.backend.mergeNamespaces(this.contentsDescriptor, stateWindow.key, mergedStateWindows.map((w) => w.key));
  }

  private mergedWindows: Window[] = [];

  // ---- TriggerContext / OnMergeContext / EvictorContext ----

  getCurrentProcessingTime(): number {
    return this.ctx.processingTimeService.getCurrentProcessingTime();
  }
  getCurrentWatermark(): number {
    return this.currentWatermark;
  }
  registerProcessingTimeTimer(time: number): void {
    this.timerService.registerProcessingTimeTimer(this.ctxWindow, time);
  }
  registerEventTimeTimer(time: number): void {
    this.timerService.registerEventTimeTimer(this.ctxWindow, time);
  }
  deleteProcessingTimeTimer(time: number): void {
    this.timerService.deleteProcessingTimeTimer(this.ctxWindow, time);
  }
  deleteEventTimeTimer(time: number): void {
    this.timerService.deleteEventTimeTimer(this.ctxWindow, time);
  }
  getPartitionedState<S>(descriptor: StateDescriptor<S>): S {
    let s = this.triggerStates.get(descriptor.name);
    if (s === undefined) {
      s = this.backend.getPartitionedState(descriptor, () => 't:' + this.ctxWindow.key);
      this.triggerStates.set(descriptor.name, s);
    }
    return s as S;
  }
  mergePartitionedState(descriptor: StateDescriptor): void {
    this.backend.mergeNamespaces(
      descriptor,
      't:' + this.ctxWindow.key,
      this.mergedWindows.map((w) => 't:' + w.key),
    );
  }

  // ---- timers' namespaces are windows ----

  protected override namespaceKey(ns: Window): string {
    return ns.key;
  }
  protected override namespaceToJSON(ns: Window): unknown {
    return (ns as TimeWindow).toJSON();
  }
  protected override namespaceFromJSON(o: unknown): Window {
    return windowFromJSON(o);
  }

  override close(): void {
    this.processFn?.close?.();
    super.close();
  }
}
