import type { OperatorMetricsSnapshot } from '@flowbook/engine';

/** A job's totals from its operators' metrics: records read by its sources, written by its sinks, dropped late, dead letters. */
export function jobTotals(ops: readonly OperatorMetricsSnapshot[]): { recordsIn: number; recordsOut: number; lateRecordsDropped: number; deadLetters: number } {
  let recordsIn = 0;
  let recordsOut = 0;
  let lateRecordsDropped = 0;
  let deadLetters = 0;
  for (const o of ops) {
    if (o.type === 'source') recordsIn += o.recordsIn;
    else if (o.type === 'sink') recordsOut += o.recordsIn;
    lateRecordsDropped += o.lateRecordsDropped;
    deadLetters += o.deadLetters;
  }
  return { recordsIn, recordsOut, lateRecordsDropped, deadLetters };
}
