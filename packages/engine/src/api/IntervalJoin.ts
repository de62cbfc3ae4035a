import { toFnSpec } from '../graph/fn.js';
import { DataStream } from './DataStream.js';
import type { ProcessJoinFunction } from './functions.js';
import type { KeyedStream } from './KeyedStream.js';
import type { OutputTag } from './OutputTag.js';

/** `a.keyBy(k).intervalJoin(b.keyBy(k)).between(lower, upper).process(fn)` (Flink's KeyedStream.IntervalJoin). */
export class IntervalJoin<A, B, K> {
  constructor(
    private readonly left: KeyedStream<A, K>,
    private readonly right: KeyedStream<B, K>,
  ) {}
  /** Right elements with timestamp in [left.ts + lower, left.ts + upper] join each left element (ms, inclusive). */
  between(lowerBound: number, upperBound: number): IntervalJoined<A, B, K> {
    return new IntervalJoined(this.left, this.right, lowerBound, upperBound);
  }
}

export class IntervalJoined<A, B, K> {
  private lowerInclusive = true;
  private upperInclusive = true;
  private leftLate: string | undefined;
  private rightLate: string | undefined;
  constructor(
    private readonly left: KeyedStream<A, K>,
    private readonly right: KeyedStream<B, K>,
    private readonly lower: number,
    private readonly upper: number,
  ) {}
  lowerBoundExclusive(): this {
    this.lowerInclusive = false;
    return this;
  }
  upperBoundExclusive(): this {
    this.upperInclusive = false;
    return this;
  }
  sideOutputLeftLateData(tag: OutputTag<A>): this {
    this.leftLate = tag.id;
    return this;
  }
  sideOutputRightLateData(tag: OutputTag<B>): this {
    this.rightLate = tag.id;
    return this;
  }
  process<R>(fn: ProcessJoinFunction<A, B, R>, name?: string): DataStream<R> {
    const env = this.left.env;
    const id = env.addNode(
      'intervalJoin',
      {
        lowerBound: this.lower,
        upperBound: this.upper,
        lowerBoundInclusive: this.lowerInclusive,
        upperBoundInclusive: this.upperInclusive,
        ...(this.leftLate ? { leftLateDataOutputTag: this.leftLate } : {}),
        ...(this.rightLate ? { rightLateDataOutputTag: this.rightLate } : {}),
        fn: toFnSpec(fn),
      },
      name ?? 'IntervalJoin',
      [this.left.keyedEdge(0), this.right.keyedEdge(1)],
    );
    return new DataStream<R>(env, id);
  }
}
