import type { FilterFunction } from '../../api/functions.js';
import { StreamOperator } from '../StreamOperator.js';

export class FilterOperator extends StreamOperator {
  constructor(private readonly fn: FilterFunction<unknown>) {
    super();
  }
  processElement(value: unknown, timestamp: number): void {
    if (this.fn(value)) this.output.collect(value, timestamp);
  }
}
