import type { ResultAppend } from '@flowbook/protocol';

/**
 * Measures event → chart latency for `npm run bench:ui`: when a benchmark page defines `window.__flowbookLatency`
 * (an array), every live row carrying an `emittedAt` (ms, set by the job when it produced the row) records how long
 * it took until the frame after it was applied. Costs nothing otherwise.
 */
export function probeLatency(appends: ResultAppend[]): void {
  const sink = (globalThis as { __flowbookLatency?: number[] }).__flowbookLatency;
  if (!Array.isArray(sink)) return;
  const emitted: number[] = [];
  for (const a of appends) for (const r of a.rows) if (typeof r.emittedAt === 'number') emitted.push(r.emittedAt);
  if (emitted.length === 0) return;
  // The batch is applied in this animation frame; the next frame is when its pixels are on screen.
  requestAnimationFrame(() => {
    const now = Date.now();
    for (const t of emitted) sink.push(now - t);
  });
}
