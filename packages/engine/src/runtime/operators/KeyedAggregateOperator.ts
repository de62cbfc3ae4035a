import type { AggregateFunction } from '../../api/functions.js';
import { ValueStateDescriptor, type ValueStateLike } from '../../state/StateDescriptor.js';
import { KeyedStreamOperator } from '../KeyedStreamOperator.js';

/** Rolling aggregate per key with an AggregateFunction: emits getResult(accumulator) for every element. */
export class KeyedAggregateOperator extends KeyedStreamOperator {
  private acc!: ValueStateLike<unknown>;
  constructor(private readonly fn: AggregateFunction<unknown, unknown, unknown>) {
    super();
  }
  override open(): void {
    super.open();
    this.acc = this.backend.getPartitionedState(new ValueStateDescriptor<unknown>('aggregate'));
  }
  processElement(value: unknown, timestamp: number, input: number): void {
    this.setKeyContextElement(value, input);
    const cur = this.acc.value();
    const next = this.fn.add(value, cur === undefined ? this.fn.createAccumulator() : cur);
    this.acc.update(next);
    this.output.collect(this.fn.getResult(next), timestamp);
  }
  onEventTime(): void {}
  onProcessingTime(): void {}
}
