import type { OutputTag } from './OutputTag.js';
import type { StateDescriptor } from '../state/StateDescriptor.js';
import type { Window } from '../windows/Window.js';

/** Receives the records a function emits (Flink's Collector). */
export interface Collector<T> {
  collect(value: T): void;
}

export type MapFunction<IN, OUT> = (value: IN) => OUT;
export type FilterFunction<T> = (value: T) => boolean;
export type FlatMapFunction<IN, OUT> = (value: IN, out: Collector<OUT>) => void;
export type KeySelector<T, K> = (value: T) => K;
export type ReduceFunction<T> = (a: T, b: T) => T;

/** Incremental aggregation: createAccumulator / add / getResult / merge, as in Flink. */
export interface AggregateFunction<IN, ACC, OUT> {
  createAccumulator(): ACC;
  add(value: IN, accumulator: ACC): ACC;
  getResult(accumulator: ACC): OUT;
  /** Needed by merging (session) windows. */
  merge?(a: ACC, b: ACC): ACC;
}

/** What a function sees of the runtime (Flink's RuntimeContext). */
export interface RuntimeContext {
  getState<S>(descriptor: StateDescriptor<S>): S;
  getTaskName(): string;
  getIndexOfThisSubtask(): number;
  getNumberOfParallelSubtasks(): number;
}

export interface TimerService {
  currentProcessingTime(): number;
  currentWatermark(): number;
  registerEventTimeTimer(time: number): void;
  registerProcessingTimeTimer(time: number): void;
  deleteEventTimeTimer(time: number): void;
  deleteProcessingTimeTimer(time: number): void;
}

export interface ProcessContext {
  /** Timestamp of the current element, or undefined if it has none. */
  timestamp(): number | undefined;
  timerService(): TimerService;
  output<X>(tag: OutputTag<X>, value: X): void;
}

export interface KeyedProcessContext<K> extends ProcessContext {
  getCurrentKey(): K;
}

export interface OnTimerContext<K> extends KeyedProcessContext<K> {
  timeDomain(): 'EVENT_TIME' | 'PROCESSING_TIME';
}

/** Life-cycle hooks shared by the object-style functions (Flink's RichFunction). */
export interface RichFunction {
  open?(ctx: RuntimeContext): void;
  close?(): void;
}

export interface ProcessFunction<IN, OUT> extends RichFunction {
  processElement(value: IN, ctx: ProcessContext, out: Collector<OUT>): void;
}

export interface KeyedProcessFunction<K, IN, OUT> extends RichFunction {
  processElement(value: IN, ctx: KeyedProcessContext<K>, out: Collector<OUT>): void;
  onTimer?(timestamp: number, ctx: OnTimerContext<K>, out: Collector<OUT>): void;
}

export interface ProcessWindowContext<W extends Window> {
  window: W;
  currentProcessingTime(): number;
  currentWatermark(): number;
  /** State scoped to the key and this window; cleared with the window (call clear() in the function's clear()). */
  windowState(): { getState<S>(d: StateDescriptor<S>): S };
  /** State scoped to the key only. */
  globalState(): { getState<S>(d: StateDescriptor<S>): S };
  output<X>(tag: OutputTag<X>, value: X): void;
}

export interface ProcessWindowFunction<IN, OUT, K, W extends Window> extends RichFunction {
  process(key: K, context: ProcessWindowContext<W>, elements: IN[], out: Collector<OUT>): void;
  clear?(context: ProcessWindowContext<W>): void;
}

export interface ProcessAllWindowFunction<IN, OUT, W extends Window> extends RichFunction {
  process(context: ProcessWindowContext<W>, elements: IN[], out: Collector<OUT>): void;
}

/**
 * The window function a WindowedStream takes: a ProcessWindowFunction on keyed windows, a ProcessAllWindowFunction on
 * windowAll (whose key type is never). One type, not a union, so an object literal's parameters are typed from it.
 */
export type WindowFunctionOf<IN, OUT, K, W extends Window> = [K] extends [never] ? ProcessAllWindowFunction<IN, OUT, W> : ProcessWindowFunction<IN, OUT, K, W>;

export interface CoProcessFunction<IN1, IN2, OUT> extends RichFunction {
  processElement1(value: IN1, ctx: ProcessContext, out: Collector<OUT>): void;
  processElement2(value: IN2, ctx: ProcessContext, out: Collector<OUT>): void;
  onTimer?(timestamp: number, ctx: ProcessContext, out: Collector<OUT>): void;
}

export interface KeyedCoProcessFunction<K, IN1, IN2, OUT> extends RichFunction {
  processElement1(value: IN1, ctx: KeyedProcessContext<K>, out: Collector<OUT>): void;
  processElement2(value: IN2, ctx: KeyedProcessContext<K>, out: Collector<OUT>): void;
  onTimer?(timestamp: number, ctx: OnTimerContext<K>, out: Collector<OUT>): void;
}

export type JoinFunction<L, R, OUT> = (left: L, right: R) => OUT;

/**
 * A window coGroup's function (Flink's CoGroupFunction): called once per key and fired window with all of that key's
 * elements of each input, in arrival order; a side without elements is an empty array.
 */
export type CoGroupFunction<A, B, OUT> = (first: A[], second: B[], out: Collector<OUT>) => void;

export interface ProcessJoinContext {
  leftTimestamp(): number;
  rightTimestamp(): number;
  timestamp(): number;
  output<X>(tag: OutputTag<X>, value: X): void;
}

export interface ProcessJoinFunction<L, R, OUT> extends RichFunction {
  processElement(left: L, right: R, ctx: ProcessJoinContext, out: Collector<OUT>): void;
}
