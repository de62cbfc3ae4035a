import type { DataStream } from './DataStream.js';
import type { JoinFunction } from './functions.js';
import { TwoInputWhere, TwoInputWindow, type TwoInputWindowSpec } from './TwoInputWindow.js';

/** `a.join(b).where(keyA).equalTo(keyB).window(assigner).apply(fn)`: a window join (Flink's JoinedStreams). */
export class JoinedStreams<A, B> extends TwoInputWhere<A, B, JoinWithWindow<A, B>> {
  constructor(a: DataStream<A>, b: DataStream<B>) {
    super(a, b, (spec: TwoInputWindowSpec) => new JoinWithWindow<A, B>(spec));
  }
}

export class JoinWithWindow<A, B> extends TwoInputWindow {
  /** Joins every pair of elements of the same key in the same window. */
  apply<R>(fn: JoinFunction<A, B, R>, name?: string): DataStream<R> {
    return this.addNode<R>('windowJoin', fn, name ?? 'WindowJoin');
  }
}
