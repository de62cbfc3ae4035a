/** Counters of one operator, read by the job for the UI and Prometheus. Plain numbers: no cost on the hot path. */
export class OperatorMetrics {
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

export interface OperatorMetricsSnapshot {
  nodeId: string;
  /** The node's operator type ('source', 'window', 'sink', ...). */
  type: string;
  name: string;
  /** Number of subtasks, when more than one (their metrics are summed; the watermark is the slowest one's). */
  parallelism?: number;
  recordsIn: number;
  recordsOut: number;
  lateRecordsDropped: number;
  deadLetters: number;
  watermark: number | null;
  stateEntries: number;
  /** A job in several slots: batches of this node's subtasks waiting for credit on exchanges to other slots now. */
  queuedBatches?: number;
  /** ... and the total time they waited (backpressure from downstream). */
  creditWaitMs?: number;
}
