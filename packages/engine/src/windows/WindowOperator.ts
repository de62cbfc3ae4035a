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
import { forEachRow } from '../state/KeyedStateSnapshot.js';
import { emptyTimerColumns } from '../time/timerColumns.js';
import type { Timer } from '../time/TimerQueue.js';
import type { KeyedOperatorSnapshotV2 } from '../runtime/KeyedOperatorSnapshot.js';
import { AlignedWindows, type FastWindowHost } from './AlignedWindows.js';
import { StaticGapSessionWindows } from './assigners/SessionWindows.js';
import { SlidingEventTimeWindows, SlidingProcessingTimeWindows } from './assigners/SlidingWindows.js';
import { TumblingEventTimeWindows, TumblingProcessingTimeWindows } from './assigners/TumblingWindows.js';
import { checkTimestamp, type MergingWindowAssigner, type WindowAssigner } from './assigners/WindowAssigner.js';
import type { Evictor, EvictorContext, TimestampedValue } from './evictors/Evictor.js';
import { SessionWindowState } from './SessionWindowState.js';
import { EventTimeTrigger } from './triggers/EventTimeTrigger.js';
import { ProcessingTimeTrigger } from './triggers/ProcessingTimeTrigger.js';
import { isFire, isPurge, type OnMergeContext, type Trigger, type TriggerResult } from './triggers/Trigger.js';
import { TimeWindow, windowFromJSON, type Window } from './Window.js';
import { CONTENTS_AGGREGATE, CONTENTS_LIST, CONTENTS_REDUCE, WindowContents } from './WindowContents.js';
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
  /** Always use the generic path (state namespaced by window, a timer per key and window): for tests that compare the paths. */
  genericPath?: boolean;
}

/** Name and kind of the keyed state holding window contents, and of the merging window set (the checkpoint format). */
const CONTENTS_STATE = 'window-contents';
const MERGING_SET_STATE = 'merging-window-set';

/** Which fast path applies: windows with the default trigger and no evictor (see AlignedWindows, SessionWindowState). */
type FastPlan =
  | { kind: 'aligned'; size: number; slide: number; offset: number; eventTime: boolean; assignerName: string }
  | { kind: 'session'; gap: number };

function fastPlanFor(assigner: WindowAssigner, trigger: Trigger, evictor: Evictor | undefined): FastPlan | undefined {
  if (evictor !== undefined) return undefined;
  const triggerProto = Object.getPrototypeOf(trigger);
  if (assigner.isEventTime() ? triggerProto !== EventTimeTrigger.prototype : triggerProto !== ProcessingTimeTrigger.prototype) return undefined;
  if (assigner instanceof TumblingEventTimeWindows) return { kind: 'aligned', size: assigner.size, slide: assigner.size, offset: assigner.offset, eventTime: true, assignerName: 'TumblingEventTimeWindows' };
  if (assigner instanceof SlidingEventTimeWindows) return { kind: 'aligned', size: assigner.size, slide: assigner.slide, offset: assigner.offset, eventTime: true, assignerName: 'SlidingEventTimeWindows' };
  if (assigner instanceof TumblingProcessingTimeWindows) return { kind: 'aligned', size: assigner.size, slide: assigner.size, offset: assigner.offset, eventTime: false, assignerName: 'TumblingProcessingTimeWindows' };
  if (assigner instanceof SlidingProcessingTimeWindows) return { kind: 'aligned', size: assigner.size, slide: assigner.slide, offset: assigner.offset, eventTime: false, assignerName: 'SlidingProcessingTimeWindows' };
  if (assigner instanceof StaticGapSessionWindows && assigner.isEventTime()) return { kind: 'session', gap: assigner.gap };
  return undefined;
}

/** How stored contents become the values a window function sees (no evictor: as they are; with one: re-aggregated). */
const FINALIZE_LIST = 0;
const FINALIZE_SINGLE = 1;
const FINALIZE_EVICTED_REDUCE = 2;
const FINALIZE_EVICTED_AGGREGATE = 3;
/** Who gets a window's values: the output directly, a ProcessWindowFunction, or a ProcessAllWindowFunction. */
const EMIT_COLLECT = 0;
const EMIT_PROCESS = 1;
const EMIT_PROCESS_ALL = 2;

/** The Collector window functions emit to; results carry the window's maxTimestamp. */
class WindowCollector implements Collector<unknown> {
  ts = 0;
  constructor(private readonly op: WindowOperator) {}
  collect(value: unknown): void {
    this.op.output.collect(value, this.ts);
  }
}

/**
 * Flink's WindowOperator (and EvictingWindowOperator when an evictor is set): assigns elements to windows, keeps
 * their contents in keyed state namespaced by window, and asks the trigger when to fire and purge.
 * Event-time windows are cleaned up at maxTimestamp + allowedLateness.
 *
 * Tumbling and sliding windows and static-gap event-time sessions with the default trigger and no evictor take a fast
 * path (AlignedWindows, SessionWindowState) with the same results, side outputs and checkpoint format: the contents
 * live in per-key tables instead of a state namespace per window, and the default trigger's timers are implied by the
 * windows' ends.
 */
export class WindowOperator extends KeyedStreamOperator<unknown, Window> implements OnMergeContext, EvictorContext, FastWindowHost {
  private readonly assigner: WindowAssigner;
  private readonly trigger: Trigger;
  private readonly evictor: Evictor | undefined;
  private readonly allowedLateness: number;
  private readonly lateTag: string | undefined;
  private readonly contentsDescriptor: StateDescriptor;
  private contents!: AppendingStateLike<unknown, unknown> & { clear(): void };
  // The emitter: plain fields and methods (no closures made per operator), so call sites stay monomorphic across jobs.
  private finalizeKind = FINALIZE_LIST;
  private emitKind = EMIT_COLLECT;
  private evictedReduce: ReduceFunction<unknown> | undefined;
  private evictedAggregate: AggregateFunction<unknown, unknown, unknown> | undefined;
  private processFn: ProcessWindowFunction<unknown, unknown, unknown, Window> | undefined;

  /** The (key, window) the trigger context and window-scoped state refer to. */
  private ctxKey: unknown;
  private ctxWindow: Window = new TimeWindow(0, 0);
  /** The namespace the contents state reads: the window, or its state window when merging. */
  private stateNs = VOID_NAMESPACE;
  private readonly triggerStates = new Map<string, unknown>();
  /** Per key: the merging window set as [windowStart, windowEnd, stateWindowStart, stateWindowEnd] rows (small: one per open session). */
  private mergingSets: ValueStateLike<[number, number, number, number][]> | undefined;
  private readonly collector: WindowCollector;
  private readonly processContext: ProcessWindowContext<Window>;
  private readonly assignerContext = { getCurrentProcessingTime: () => this.ctx.processingTimeService.getCurrentProcessingTime() };
  private readonly fastPlan: FastPlan | undefined;
  private fastContents: WindowContents | undefined;
  private aligned: AlignedWindows | undefined;
  private sessions: SessionWindowState | undefined;
  /** The batch of one an element arriving record by record goes through on the fast paths. */
  private readonly oneValue: unknown[] = [undefined];
  private readonly oneTimestamp = new Float64Array(1);

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
    this.fastPlan = options.genericPath ? undefined : fastPlanFor(this.assigner, this.trigger, this.evictor);
    this.collector = new WindowCollector(this);
    const self = this;
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
    this.buildEmitter();
    this.processFn?.open?.(this.runtimeContext());
    const plan = this.fastPlan;
    if (plan !== undefined) {
      const fn = this.options.fn;
      const contents =
        fn.kind === 'process'
          ? new WindowContents(CONTENTS_LIST, undefined, undefined, CONTENTS_STATE)
          : fn.kind === 'reduce'
            ? new WindowContents(CONTENTS_REDUCE, resolveFn<ReduceFunction<unknown>>(fn.reduce, 'window reduce'), undefined, CONTENTS_STATE)
            : new WindowContents(CONTENTS_AGGREGATE, undefined, resolveFn<AggregateFunction<unknown, unknown, unknown>>(fn.aggregate, 'window aggregate'), CONTENTS_STATE);
      this.fastContents = contents;
      if (plan.kind === 'aligned') {
        this.aligned = new AlignedWindows(plan.size, plan.slide, plan.offset, this.allowedLateness, plan.eventTime, contents, this, this.ctx.processingTimeService);
      } else {
        this.sessions = new SessionWindowState(plan.gap, this.allowedLateness, contents, this);
      }
    }
  }

  /** FastWindowHost: the default trigger fired for `key` in `window`. */
  fireWindow(key: unknown, window: TimeWindow, stored: unknown): void {
    this.backend.setCurrentKey(key);
    this.ctxKey = key;
    this.ctxWindow = window;
    this.emit(key, window, this.fastContents!.result(stored));
  }

  /** FastWindowHost: Flink's clearAllState (the contents are gone already; the default trigger's timers are implied). */
  clearWindow(key: unknown, window: TimeWindow): void {
    const pf = this.processFn;
    if (pf?.clear === undefined) return;
    this.backend.setCurrentKey(key);
    this.ctxKey = key;
    this.ctxWindow = window;
    pf.clear(this.processContext);
  }

  private buildEmitter(): void {
    const fn = this.options.fn;
    const pwf = fn.process ? resolveFn<ProcessWindowFunction<unknown, unknown, unknown, Window>>(fn.process, 'process window function') : undefined;
    if (pwf !== undefined && typeof pwf.process !== 'function') throw new Error('a ProcessWindowFunction needs a process(key, context, elements, out) method');
    this.processFn = pwf;
    // Turn the stored contents into the value(s) the user function sees.
    if (this.evictor === undefined) {
      this.finalizeKind = fn.kind === 'process' ? FINALIZE_LIST : FINALIZE_SINGLE;
    } else if (fn.kind === 'reduce') {
      this.finalizeKind = FINALIZE_EVICTED_REDUCE;
      this.evictedReduce = resolveFn<ReduceFunction<unknown>>(fn.reduce, 'window reduce');
    } else if (fn.kind === 'aggregate') {
      this.finalizeKind = FINALIZE_EVICTED_AGGREGATE;
      this.evictedAggregate = resolveFn<AggregateFunction<unknown, unknown, unknown>>(fn.aggregate, 'window aggregate');
    } else {
      this.finalizeKind = FINALIZE_LIST;
    }
    this.emitKind = pwf === undefined ? EMIT_COLLECT : this.options.allWindow ? EMIT_PROCESS_ALL : EMIT_PROCESS;
  }

  private finalize(contents: unknown): unknown[] {
    switch (this.finalizeKind) {
      case FINALIZE_LIST:
        return contents as unknown[];
      case FINALIZE_SINGLE:
        return [contents];
      case FINALIZE_EVICTED_REDUCE: {
        const vs = contents as unknown[];
        if (vs.length === 0) return [];
        const reduce = this.evictedReduce!;
        let acc = vs[0];
        for (let i = 1; i < vs.length; i++) acc = reduce(acc, vs[i]);
        return [acc];
      }
      default: {
        const agg = this.evictedAggregate!;
        let acc = agg.createAccumulator();
        for (const v of contents as unknown[]) acc = agg.add(v, acc);
        return [agg.getResult(acc)];
      }
    }
  }

  /** Hands a window's contents to the window function (or straight to the output), stamped with maxTimestamp. */
  private emit(key: unknown, window: Window, contents: unknown): void {
    const out = this.collector;
    out.ts = window.maxTimestamp();
    if (this.emitKind === EMIT_COLLECT) {
      if (this.finalizeKind === FINALIZE_SINGLE) out.collect(contents);
      else for (const v of this.finalize(contents)) out.collect(v);
    } else if (this.emitKind === EMIT_PROCESS) {
      this.processFn!.process(key, this.processContext, this.finalize(contents), out);
    } else {
      (this.processFn as unknown as ProcessAllWindowFunction<unknown, unknown, Window>).process(this.processContext, this.finalize(contents), out);
    }
  }

  /**
   * The fast paths' one way in (an element that arrives record by record is a batch of one): a loop that hands each
   * element's timestamp over in a field (see AlignedWindows.at), as a double passed as an argument would be boxed per
   * element, a large share of what a windowed job allocates.
   */
  override processBatch(values: readonly unknown[], timestamps: Float64Array, length: number, input: number): void {
    const aligned = this.aligned;
    const sessions = this.sessions;
    const plan = this.fastPlan;
    if (plan === undefined) return super.processBatch(values, timestamps, length, input);
    const assignerName = plan.kind === 'aligned' ? plan.assignerName : 'EventTimeSessionWindows';
    // Processing-time windows take the time the batch arrived for all of its elements (a batch is what one read of a
    // source returned, processed at once; timers fire only between batches).
    const processingTime = plan.kind === 'aligned' && !plan.eventTime;
    const now = processingTime ? this.ctx.processingTimeService.getCurrentProcessingTime() : 0;
    const selector = this.ctx.keySelectors[input];
    let i = 0;
    try {
      for (; i < length; i++) {
        const value = values[i];
        const key = this.setKeyContextWith(selector, value);
        const t = timestamps[i]!;
        if (!processingTime && (t === Number.NEGATIVE_INFINITY || t !== t)) checkTimestamp(t, assignerName);
        let added: boolean;
        if (aligned !== undefined) {
          aligned.at = processingTime ? now : t;
          added = aligned.addAt(key, value);
        } else {
          sessions!.at = t;
          added = sessions!.addAt(key, value);
        }
        if (!added) this.lateElement(value, t);
      }
    } catch (e) {
      this.batchStoppedAt(i, length);
      throw e;
    }
  }

  /** Whether processBatch takes a batch in its own loop (the fast paths) rather than element by element. */
  protected takesBatches(): boolean {
    return this.fastPlan !== undefined;
  }

  /** An element whose windows were all late: to the late-data side output, or counted as dropped. */
  private lateElement(value: unknown, timestamp: number): void {
    if (!this.isElementLate(timestamp)) return;
    if (this.lateTag !== undefined) this.output.collectSide(this.lateTag, value, timestamp);
    else this.metrics.lateRecordsDropped++;
  }

  processElement(value: unknown, timestamp: number, input: number): void {
    if (this.fastPlan !== undefined) {
      // One element is a batch of one: the fast paths have one way in.
      this.oneValue[0] = value;
      this.oneTimestamp[0] = timestamp;
      try {
        this.processBatch(this.oneValue, this.oneTimestamp, 1, input);
      } finally {
        this.oneValue[0] = undefined;
      }
      return;
    }
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

  override processWatermark(watermark: number): void {
    // Fast paths: windows fire when the watermark passes them (their timers are implied); then timers, then forward.
    if (this.sessions !== undefined) this.sessions.advance(watermark);
    else if (this.aligned !== undefined && this.assigner.isEventTime()) this.aligned.advance(watermark);
    super.processWatermark(watermark);
  }

  override snapshotState(checkpointId: number): KeyedOperatorSnapshotV2 {
    const s = super.snapshotState(checkpointId);
    if (this.fastContents === undefined) return s;
    // The fast paths write their contents as the generic path's window-contents state (in columns); instead of a
    // timer per key and window, a flag: the default trigger's timers follow from the windows.
    const tables = this.aligned !== undefined ? [this.aligned.snapshotTable()] : this.sessions!.snapshotTables(MERGING_SET_STATE);
    for (const t of tables) if (t !== undefined) s.keyed.tables.push(t);
    s.windowsImplyTimers = true;
    return s;
  }

  protected override restoreSnapshot(s: KeyedOperatorSnapshotV2): void {
    if (this.fastContents === undefined) {
      super.restoreSnapshot(s);
      if (s.windowsImplyTimers) this.restoreImpliedTimers(s);
      return;
    }
    // Window contents (and session window sets) go to the fast path's structures; their timers are implied by the
    // windows, so the timers of a generic path's snapshot are not restored.
    const contents = s.keyed.tables.find((t) => t.name === CONTENTS_STATE);
    const sets = s.keyed.tables.find((t) => t.name === MERGING_SET_STATE);
    const tables = s.keyed.tables.filter((t) => t !== contents && t !== sets);
    super.restoreSnapshot({ ...s, keyed: { ...s.keyed, tables }, timers: { eventTime: emptyTimerColumns(), processingTime: emptyTimerColumns() } });
    if (this.aligned !== undefined) this.aligned.restore(contents, this.currentWatermark);
    else this.sessions!.restore(contents, sets, s.windowsImplyTimers === true, this.currentWatermark);
  }

  /**
   * The generic path restoring a fast path's snapshot: registers the timers Flink's WindowOperator would have for
   * each window — EventTimeTrigger's at maxTimestamp unless the restored watermark has passed it, and the cleanup
   * timer at maxTimestamp + allowedLateness (ProcessingTimeTrigger's and the cleanup timer at maxTimestamp for
   * processing time) — and, for sessions, the merging window sets, each window its own state window.
   */
  private restoreImpliedTimers(s: KeyedOperatorSnapshotV2): void {
    const contents = s.keyed.tables.find((t) => t.name === CONTENTS_STATE);
    const watermark = this.currentWatermark;
    const register = (key: unknown, w: TimeWindow) => {
      this.backend.setCurrentKey(key);
      if (this.assigner.isEventTime() && w.maxTimestamp() > watermark) this.timerService.registerEventTimeTimer(w, w.maxTimestamp());
      this.registerCleanupTimer(w);
    };
    if (!this.assigner.isMerging()) {
      if (contents !== undefined) forEachRow(contents, (key, ns) => register(key, TimeWindow.fromKey(ns)));
      return;
    }
    const windows = new Map<unknown, [number, number, number, number][]>();
    const add = (key: unknown, start: number, end: number) => {
      let rows = windows.get(key);
      if (rows === undefined) windows.set(key, (rows = []));
      if (!rows.some((r) => r[0] === start)) rows.push([start, end, start, end]);
    };
    if (contents !== undefined) {
      forEachRow(contents, (key, ns) => {
        const w = TimeWindow.fromKey(ns);
        add(key, w.start, w.end);
      });
    }
    // Sessions without contents, which the fast path lists in a window-set table.
    const sets = s.keyed.tables.find((t) => t.name === MERGING_SET_STATE);
    if (sets !== undefined) {
      forEachRow(sets, (key, _ns, rows) => {
        for (const [ws, we] of rows as [number, number, number, number][]) add(key, ws, we);
      });
    }
    for (const [key, rows] of windows) {
      rows.sort((a, b) => a[0] - b[0]);
      this.backend.setCurrentKey(key);
      this.mergingSets!.update(rows);
      for (const [ws, we] of rows) register(key, new TimeWindow(ws, we));
    }
  }

  override stateSize(): number {
    let n = super.stateSize();
    if (this.aligned !== undefined) n += this.aligned.entries;
    if (this.sessions !== undefined) n += this.sessions.sessions + this.sessions.numKeys;
    return n;
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
    this.aligned?.shutdown();
    this.processFn?.close?.();
    super.close();
  }
}
