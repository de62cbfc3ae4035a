import { toFnSpec } from '../graph/fn.js';
import type { FnSpec } from '../graph/PipelineGraph.js';
import { DataStream } from './DataStream.js';
import type { CoProcessFunction, KeyedCoProcessFunction, KeySelector } from './functions.js';

/** Two streams of possibly different types processed together (Flink's ConnectedStreams). */
export class ConnectedStreams<A, B> {
  constructor(
    readonly first: DataStream<A>,
    readonly second: DataStream<B>,
    private readonly keys?: [FnSpec, FnSpec],
  ) {}

  /** Keys both inputs, so the function gets keyed state and timers. */
  keyBy<K>(key1: KeySelector<A, K>, key2: KeySelector<B, K>): ConnectedStreams<A, B> {
    return new ConnectedStreams(this.first, this.second, [toFnSpec(key1), toFnSpec(key2)]);
  }

  process<R>(fn: CoProcessFunction<A, B, R> | KeyedCoProcessFunction<unknown, A, B, R>, name?: string): DataStream<R> {
    const env = this.first.env;
    const edges = this.keys
      ? [this.first.edge({ partitioning: 'hash', keySelector: this.keys[0], targetInput: 0 }), this.second.edge({ partitioning: 'hash', keySelector: this.keys[1], targetInput: 1 })]
      : [this.first.edge({ targetInput: 0 }), this.second.edge({ targetInput: 1 })];
    const id = env.addNode(this.keys ? 'keyedCoProcess' : 'coProcess', { fn: toFnSpec(fn) }, name ?? 'CoProcess', edges);
    return new DataStream<R>(env, id);
  }
}
