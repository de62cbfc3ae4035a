import type { MapFunction } from '../../api/functions.js';
import { StreamOperator } from '../StreamOperator.js';

export class MapOperator extends StreamOperator {
  constructor(private readonly fn: MapFunction<unknown, unknown>) {
    super();
  }
  processElement(value: unknown, timestamp: number): void {
    this.output.collect(this.fn(value), timestamp);
  }
}
