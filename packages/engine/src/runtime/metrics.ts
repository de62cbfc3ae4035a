/** Counters of one operator, read by the job for the UI and Prometheus. Plain numbers: no cost on the hot path. */
export class OperatorCounters {
  recordsIn = 0;
  recordsOut = 0;
  lateRecordsDropped = 0;
  deadLetters = 0;
  /** Current watermark of the operator (combined over its inputs). */
  watermark = Number.NEGATIVE_INFINITY;
  /** Number of (key, namespace) state entries, sampled when metrics are read. */
  stateEntries = 0;
  errors = 0;
}

/** What the job reports per node (counters summed over its subtasks): the protocol's schema, one definition. */
export type { OperatorMetrics as OperatorMetricsSnapshot } from '@flowbook/protocol';
