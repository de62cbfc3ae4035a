import { toFnSpec } from '../graph/fn.js';
import type { FnSpec } from '../graph/PipelineGraph.js';
import type { WindowAssigner } from '../windows/assigners/WindowAssigner.js';
import type { Trigger } from '../windows/triggers/Trigger.js';
import type { Window } from '../windows/Window.js';
import { DataStream } from './DataStream.js';
import type { KeySelector } from './functions.js';

/** Both inputs of a window join or coGroup, their keys and the window. */
export interface TwoInputWindowSpec {
  a: DataStream<unknown>;
  b: DataStream<unknown>;
  keyA: FnSpec;
  keyB: FnSpec;
  assigner: WindowAssigner;
}

/** `where(keyA).equalTo(keyB).window(assigner)`: the steps join and coGroup share; `next` makes the step that applies. */
export class TwoInputWhere<A, B, Next> {
  constructor(
    private readonly a: DataStream<A>,
    private readonly b: DataStream<B>,
    private readonly next: (spec: TwoInputWindowSpec) => Next,
  ) {}
  where<K>(keyA: KeySelector<A, K>) {
    return {
      equalTo: (keyB: KeySelector<B, K>) => ({
        window: <W extends Window>(assigner: WindowAssigner<W>): Next =>
          this.next({ a: this.a as DataStream<unknown>, b: this.b as DataStream<unknown>, keyA: toFnSpec(keyA), keyB: toFnSpec(keyB), assigner: assigner as WindowAssigner }),
      }),
    };
  }
}

/** A window over two keyed inputs before its function: optional trigger and allowed lateness, then the node. */
export class TwoInputWindow {
  private triggerSpec: Trigger | undefined;
  private lateness: number | undefined;
  constructor(private readonly spec: TwoInputWindowSpec) {}
  trigger(t: Trigger): this {
    this.triggerSpec = t;
    return this;
  }
  allowedLateness(ms: number): this {
    this.lateness = ms;
    return this;
  }
  protected addNode<R>(type: 'windowJoin' | 'windowCoGroup', fn: unknown, name: string): DataStream<R> {
    const { a, b, keyA, keyB, assigner } = this.spec;
    const id = a.env.addNode(
      type,
      {
        assigner: assigner.toSpec(),
        fn: toFnSpec(fn),
        ...(this.triggerSpec ? { trigger: this.triggerSpec.toSpec() } : {}),
        ...(this.lateness !== undefined ? { allowedLateness: this.lateness } : {}),
      },
      name,
      [a.edge({ partitioning: 'hash', keySelector: keyA, targetInput: 0 }), b.edge({ partitioning: 'hash', keySelector: keyB, targetInput: 1 })],
    );
    return new DataStream<R>(a.env, id);
  }
}
