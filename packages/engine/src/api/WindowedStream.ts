import { toFnSpec } from '../graph/fn.js';
import type { FnSpec } from '../graph/PipelineGraph.js';
import type { WindowAssigner } from '../windows/assigners/WindowAssigner.js';
import { GlobalWindows } from '../windows/assigners/GlobalWindows.js';
import type { Evictor } from '../windows/evictors/Evictor.js';
import type { Trigger } from '../windows/triggers/Trigger.js';
import type { Window } from '../windows/Window.js';
import type { WindowFunctionSpec } from '../windows/WindowFunctionSpec.js';
import { DataStream } from './DataStream.js';
import type { AggregateFunction, ReduceFunction, WindowFunctionOf } from './functions.js';
import type { OutputTag } from './OutputTag.js';

/** A keyed (or, from windowAll, non-keyed) stream cut into windows (Flink's WindowedStream / AllWindowedStream). */
export class WindowedStream<T, K, W extends Window> {
  private triggerSpec: Trigger | undefined;
  private evictorSpec: Evictor | undefined;
  private lateness: number | undefined;
  private lateTag: string | undefined;

  constructor(
    private readonly input: DataStream<T>,
    private readonly keySelector: FnSpec | undefined,
    private readonly assigner: WindowAssigner<W>,
  ) {}

  trigger(trigger: Trigger<W>): this {
    this.triggerSpec = trigger as Trigger;
    return this;
  }

  evictor(evictor: Evictor<W>): this {
    this.evictorSpec = evictor as Evictor;
    return this;
  }

  allowedLateness(ms: number): this {
    if (!(ms >= 0)) throw new Error('allowedLateness must be >= 0 ms');
    this.lateness = ms;
    return this;
  }

  sideOutputLateData(tag: OutputTag<T>): this {
    this.lateTag = tag.id;
    return this;
  }

  /** With a window function, its output type is the stream's (Flink's reduce(ReduceFunction, ProcessWindowFunction)). */
  reduce(fn: ReduceFunction<T>, windowFunction?: undefined, name?: string): DataStream<T>;
  reduce<R>(fn: ReduceFunction<T>, windowFunction: WindowFunctionOf<T, R, K, W>, name?: string): DataStream<R>;
  reduce<R>(fn: ReduceFunction<T>, windowFunction?: WindowFunctionOf<T, R, K, W>, name?: string): DataStream<R> {
    return this.build({ kind: 'reduce', reduce: toFnSpec(fn), ...(windowFunction ? { process: toFnSpec(windowFunction) } : {}) }, name);
  }

  /** The window function gets the aggregate's result (one element) and decides the output type. */
  aggregate<ACC, V>(fn: AggregateFunction<T, ACC, V>, windowFunction?: undefined, name?: string): DataStream<V>;
  aggregate<ACC, V, R>(fn: AggregateFunction<T, ACC, V>, windowFunction: WindowFunctionOf<V, R, K, W>, name?: string): DataStream<R>;
  aggregate<ACC, V, R>(fn: AggregateFunction<T, ACC, V>, windowFunction?: WindowFunctionOf<V, R, K, W>, name?: string): DataStream<R> {
    return this.build({ kind: 'aggregate', aggregate: toFnSpec(fn), ...(windowFunction ? { process: toFnSpec(windowFunction) } : {}) }, name);
  }

  /** On keyed windows a ProcessWindowFunction, process(key, ctx, elements, out); on windowAll a ProcessAllWindowFunction, process(ctx, elements, out). */
  process<R>(fn: WindowFunctionOf<T, R, K, W>, name?: string): DataStream<R> {
    return this.build({ kind: 'process', process: toFnSpec(fn) }, name);
  }

  private build<R>(fn: WindowFunctionSpec, name?: string): DataStream<R> {
    // The graph's global assigner never fires by default: the end-of-stream variant records its trigger.
    const trigger = this.triggerSpec ?? (this.assigner instanceof GlobalWindows && this.assigner.endOfStream ? this.assigner.getDefaultTrigger() : undefined);
    const config: Record<string, unknown> = {
      assigner: this.assigner.toSpec(),
      function: fn,
      ...(trigger ? { trigger: trigger.toSpec() } : {}),
      ...(this.evictorSpec ? { evictor: this.evictorSpec.toSpec() } : {}),
      ...(this.lateness !== undefined ? { allowedLateness: this.lateness } : {}),
      ...(this.lateTag !== undefined ? { lateDataOutputTag: this.lateTag } : {}),
      ...(this.keySelector ? {} : { allWindow: true }),
    };
    const edge = this.keySelector ? this.input.edge({ partitioning: 'hash', keySelector: this.keySelector }) : this.input.edge();
    const id = this.input.env.addNode('window', config, name ?? `Window(${this.assigner.toSpec().kind})`, [edge]);
    return new DataStream<R>(this.input.env, id);
  }
}
