import type { Collector, FlatMapFunction } from '../../api/functions.js';
import { StreamOperator } from '../StreamOperator.js';

export class FlatMapOperator extends StreamOperator {
  /** One collector reused for every element: no allocation per record. */
  private readonly collector: Collector<unknown> & { ts: number };
  constructor(private readonly fn: FlatMapFunction<unknown, unknown>) {
    super();
    const self = this;
    this.collector = {
      ts: 0,
      collect(v: unknown) {
        self.output.collect(v, this.ts);
      },
    };
  }
  processElement(value: unknown, timestamp: number): void {
    this.collector.ts = timestamp;
    this.fn(value, this.collector);
  }
}
