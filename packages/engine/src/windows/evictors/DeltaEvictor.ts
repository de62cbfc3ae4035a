import { resolveFn, toFnSpec } from '../../graph/fn.js';
import type { FnSpec } from '../../graph/PipelineGraph.js';
import type { Evictor, EvictorSpec, TimestampedValue } from './Evictor.js';

/** Distance between two elements (Flink's DeltaFunction). */
export type DeltaFunction<T> = (oldPoint: T, newPoint: T) => number;

/** Evicts elements whose delta to the last element is >= threshold (Flink's DeltaEvictor). */
export class DeltaEvictor implements Evictor {
  private readonly delta: DeltaFunction<unknown>;
  private constructor(
    readonly threshold: number,
    readonly deltaSpec: FnSpec,
    readonly doEvictAfter: boolean,
  ) {
    this.delta = resolveFn(deltaSpec, 'DeltaEvictor delta function');
  }
  static of<T>(threshold: number, deltaFunction: DeltaFunction<T>, doEvictAfter = false): DeltaEvictor {
    return new DeltaEvictor(threshold, toFnSpec(deltaFunction), doEvictAfter);
  }
  static fromSpec(threshold: number, spec: FnSpec, doEvictAfter = false): DeltaEvictor {
    return new DeltaEvictor(threshold, spec, doEvictAfter);
  }
  private evict(elements: TimestampedValue[]): void {
    if (elements.length === 0) return;
    const last = elements[elements.length - 1]!.value;
    let w = 0;
    for (const e of elements) if (this.delta(e.value, last) < this.threshold) elements[w++] = e;
    elements.length = w;
  }
  evictBefore(elements: TimestampedValue[]): void {
    if (!this.doEvictAfter) this.evict(elements);
  }
  evictAfter(elements: TimestampedValue[]): void {
    if (this.doEvictAfter) this.evict(elements);
  }
  toSpec(): EvictorSpec {
    return { kind: 'delta', threshold: this.threshold, deltaFunction: this.deltaSpec, doEvictAfter: this.doEvictAfter };
  }
}
