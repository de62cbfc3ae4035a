import type { ReduceFunction } from '../../api/functions.js';
import { ValueStateDescriptor, type ValueStateLike } from '../../state/StateDescriptor.js';
import { KeyedStreamOperator } from '../KeyedStreamOperator.js';

/** Rolling reduce on a keyed stream: emits the updated aggregate for every element (Flink's StreamGroupedReduceOperator). */
export class KeyedReduceOperator extends KeyedStreamOperator {
  private state!: ValueStateLike<unknown>;
  constructor(private readonly fn: ReduceFunction<unknown>) {
    super();
  }
  override open(): void {
    super.open();
    this.state = this.backend.getPartitionedState(new ValueStateDescriptor<unknown>('reduce'));
  }
  processElement(value: unknown, timestamp: number, input: number): void {
    this.setKeyContextElement(value, input);
    const cur = this.state.value();
    const next = cur === undefined ? value : this.fn(cur, value);
    this.state.update(next);
    this.output.collect(next, timestamp);
  }
  onEventTime(): void {}
  onProcessingTime(): void {}
}
