import { describe, expect, it } from 'vitest';
import { trackSinkWatermark } from './sinkWatermark.js';

const sink = (watermark: number | null) => ({ nodeId: 'k', type: 'sink', name: 'live', parallelism: 1, recordsIn: 0, recordsOut: 0, lateRecordsDropped: 0, deadLetters: 0, watermark, stateEntries: 0 });

describe('sink watermark tracking', () => {
  it('keeps when the lowest sink watermark last advanced, apart from how old it is', () => {
    const run: { sinkWatermark?: { value: number; advancedAt: number } } = {};
    // A generator replaying 2023: event time is years behind, yet the watermark advances every second.
    const past = Date.UTC(2023, 0, 1);
    trackSinkWatermark(run, [sink(past)], 1000);
    trackSinkWatermark(run, [sink(past + 5000)], 2000);
    expect(run.sinkWatermark).toEqual({ value: past + 5000, advancedAt: 2000 });
    trackSinkWatermark(run, [sink(past + 5000)], 9000);
    expect(run.sinkWatermark!.advancedAt).toBe(2000);
    trackSinkWatermark(run, [sink(Number.MAX_SAFE_INTEGER), sink(null)], 9500);
    expect(run.sinkWatermark!.advancedAt).toBe(2000);
  });
});
