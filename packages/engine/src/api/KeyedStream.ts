import { toFnSpec } from '../graph/fn.js';
import type { FnSpec } from '../graph/PipelineGraph.js';
import type { WindowAssigner } from '../windows/assigners/WindowAssigner.js';
import type { Window } from '../windows/Window.js';
import { DataStream } from './DataStream.js';
import type { AggregateFunction, KeyedProcessFunction, ReduceFunction } from './functions.js';
import { WindowedStream } from './WindowedStream.js';
import { IntervalJoin } from './IntervalJoin.js';

/** A stream partitioned by key (Flink's KeyedStream): state and timers downstream are per key. */
export class KeyedStream<T, K> {
  constructor(
    readonly input: DataStream<T>,
    readonly keySelector: FnSpec,
  ) {}

  get env() {
    return this.input.env;
  }

  /** @internal The hash-partitioned edge into a keyed operator. */
  keyedEdge(targetInput: 0 | 1 = 0) {
    return this.input.edge({ partitioning: 'hash', keySelector: this.keySelector, targetInput });
  }

  /** @internal */
  keyedNode<R>(type: string, config: Record<string, unknown>, name?: string): DataStream<R> {
    return new DataStream<R>(this.env, this.env.addNode(type, config, name, [this.keyedEdge()]));
  }

  /** Rolling reduce: emits the running aggregate of the key for every record. */
  reduce(fn: ReduceFunction<T>, name?: string): DataStream<T> {
    return this.keyedNode('reduce', { fn: toFnSpec(fn) }, name);
  }

  /** Rolling aggregate per key with an AggregateFunction. */
  aggregate<ACC, R>(fn: AggregateFunction<T, ACC, R>, name?: string): DataStream<R> {
    return this.keyedNode('aggregate', { fn: toFnSpec(fn) }, name);
  }

  /** Rolling sum of a numeric field (Flink's sum(field)): emits the element with the field replaced by the running sum. */
  sum(field: keyof T & string): DataStream<T> {
    return this.reduce(new Function('a', 'b', `return { ...a, ${JSON.stringify(field)}: a[${JSON.stringify(field)}] + b[${JSON.stringify(field)}] };`) as ReduceFunction<T>, `Sum(${field})`);
  }

  /** Rolling minimum of a field (Flink's min): the first element with the field set to the minimum so far. */
  min(field: keyof T & string): DataStream<T> {
    return this.reduce(new Function('a', 'b', `return { ...a, ${JSON.stringify(field)}: Math.min(a[${JSON.stringify(field)}], b[${JSON.stringify(field)}]) };`) as ReduceFunction<T>, `Min(${field})`);
  }

  max(field: keyof T & string): DataStream<T> {
    return this.reduce(new Function('a', 'b', `return { ...a, ${JSON.stringify(field)}: Math.max(a[${JSON.stringify(field)}], b[${JSON.stringify(field)}]) };`) as ReduceFunction<T>, `Max(${field})`);
  }

  /** The element with the smallest value of the field so far (Flink's minBy; the first one on ties). */
  minBy(field: keyof T & string): DataStream<T> {
    return this.reduce(new Function('a', 'b', `return b[${JSON.stringify(field)}] < a[${JSON.stringify(field)}] ? b : a;`) as ReduceFunction<T>, `MinBy(${field})`);
  }

  maxBy(field: keyof T & string): DataStream<T> {
    return this.reduce(new Function('a', 'b', `return b[${JSON.stringify(field)}] > a[${JSON.stringify(field)}] ? b : a;`) as ReduceFunction<T>, `MaxBy(${field})`);
  }

  /** Runs a KeyedProcessFunction: keyed state, timers, side outputs. */
  process<R>(fn: KeyedProcessFunction<K, T, R>, name?: string): DataStream<R> {
    return this.keyedNode('keyedProcess', { fn: toFnSpec(fn) }, name ?? 'KeyedProcess');
  }

  /** Joins with another keyed stream on time intervals: `.intervalJoin(b).between(-5000, 5000).process(fn)`. */
  intervalJoin<B>(other: KeyedStream<B, K>): IntervalJoin<T, B, K> {
    return new IntervalJoin<T, B, K>(this, other);
  }

  window<W extends Window>(assigner: WindowAssigner<W>): WindowedStream<T, K, W> {
    return new WindowedStream<T, K, W>(this.input, this.keySelector, assigner);
  }
}
