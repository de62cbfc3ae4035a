import type { OperatorMetricsSnapshot } from '@flowbook/engine';

/** Notes when the sinks' lowest watermark (a real time, not end of input) last advanced. */
export function trackSinkWatermark(run: { sinkWatermark?: { value: number; advancedAt: number } }, ops: OperatorMetricsSnapshot[], now: number): void {
  const wms = ops.filter((o) => o.type === 'sink' && o.watermark !== null && o.watermark > 0 && o.watermark < Number.MAX_SAFE_INTEGER).map((o) => o.watermark!);
  if (wms.length === 0) return;
  const value = Math.min(...wms);
  if (run.sinkWatermark === undefined || value > run.sinkWatermark.value) run.sinkWatermark = { value, advancedAt: now };
}
