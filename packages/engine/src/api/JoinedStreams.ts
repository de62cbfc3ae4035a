import { toFnSpec } from '../graph/fn.js';
import type { FnSpec } from '../graph/PipelineGraph.js';
import type { WindowAssigner } from '../windows/assigners/WindowAssigner.js';
import type { Trigger } from '../windows/triggers/Trigger.js';
import type { Window } from '../windows/Window.js';
import { DataStream } from './DataStream.js';
import type { JoinFunction, KeySelector } from './functions.js';

/** `a.join(b).where(keyA).equalTo(keyB).window(assigner).apply(fn)`: a window join (Flink's JoinedStreams). */
export class JoinedStreams<A, B> {
  constructor(
    private readonly a: DataStream<A>,
    private readonly b: DataStream<B>,
  ) {}
  where<K>(keyA: KeySelector<A, K>) {
    return {
      equalTo: (keyB: KeySelector<B, K>) => new JoinWindowing<A, B>(this.a, this.b, toFnSpec(keyA), toFnSpec(keyB)),
    };
  }
}

export class JoinWindowing<A, B> {
  constructor(
    private readonly a: DataStream<A>,
    private readonly b: DataStream<B>,
    private readonly keyA: FnSpec,
    private readonly keyB: FnSpec,
  ) {}
  window<W extends Window>(assigner: WindowAssigner<W>): WithWindow<A, B> {
    return new WithWindow<A, B>(this.a, this.b, this.keyA, this.keyB, assigner as WindowAssigner);
  }
}

export class WithWindow<A, B> {
  private triggerSpec: Trigger | undefined;
  private lateness: number | undefined;
  constructor(
    private readonly a: DataStream<A>,
    private readonly b: DataStream<B>,
    private readonly keyA: FnSpec,
    private readonly keyB: FnSpec,
    private readonly assigner: WindowAssigner,
  ) {}
  trigger(t: Trigger): this {
    this.triggerSpec = t;
    return this;
  }
  allowedLateness(ms: number): this {
    this.lateness = ms;
    return this;
  }
  /** Joins every pair of elements of the same key in the same window. */
  apply<R>(fn: JoinFunction<A, B, R>, name?: string): DataStream<R> {
    const env = this.a.env;
    const id = env.addNode(
      'windowJoin',
      {
        assigner: this.assigner.toSpec(),
        fn: toFnSpec(fn),
        ...(this.triggerSpec ? { trigger: this.triggerSpec.toSpec() } : {}),
        ...(this.lateness !== undefined ? { allowedLateness: this.lateness } : {}),
      },
      name ?? 'WindowJoin',
      [this.a.edge({ partitioning: 'hash', keySelector: this.keyA, targetInput: 0 }), this.b.edge({ partitioning: 'hash', keySelector: this.keyB, targetInput: 1 })],
    );
    return new DataStream<R>(env, id);
  }
}
