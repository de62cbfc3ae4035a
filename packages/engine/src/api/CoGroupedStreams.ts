import type { DataStream } from './DataStream.js';
import type { CoGroupFunction } from './functions.js';
import { TwoInputWhere, TwoInputWindow, type TwoInputWindowSpec } from './TwoInputWindow.js';

/** `a.coGroup(b).where(keyA).equalTo(keyB).window(assigner).apply(fn)`: a window coGroup (Flink's CoGroupedStreams). */
export class CoGroupedStreams<A, B> extends TwoInputWhere<A, B, CoGroupWithWindow<A, B>> {
  constructor(a: DataStream<A>, b: DataStream<B>) {
    super(a, b, (spec: TwoInputWindowSpec) => new CoGroupWithWindow<A, B>(spec));
  }
}

export class CoGroupWithWindow<A, B> extends TwoInputWindow {
  /** Calls `fn` once per key and fired window with that key's elements of each side (either may be empty). */
  apply<R>(fn: CoGroupFunction<A, B, R>, name?: string): DataStream<R> {
    return this.addNode<R>('windowCoGroup', fn, name ?? 'WindowCoGroup');
  }
}
