import { describe, expect, it } from 'vitest';
import { appendSample } from './jobSamples.js';

describe('job samples over time', () => {
  it('turn cumulative counters into rates and keep the watermark lag in seconds', () => {
    let h = appendSample([], { recordsIn: 0, recordsOut: 0 }, 1000);
    h = appendSample(h, { recordsIn: 500, recordsOut: 100, watermarkLagMs: 2500 }, 2000);
    expect(h).toHaveLength(2);
    expect(h[1]).toMatchObject({ inPerSecond: 500, outPerSecond: 100, watermarkLagS: 2.5 });
    expect(appendSample(h, { recordsIn: 600, recordsOut: 100 }, 2000)).toBe(h);
  });

  it('keep a bounded history', () => {
    let h = appendSample([], { recordsIn: 0, recordsOut: 0 }, 1);
    for (let t = 2; t < 10; t++) h = appendSample(h, { recordsIn: t, recordsOut: t }, t * 1000, 5);
    expect(h).toHaveLength(5);
    expect(h.at(-1)!.at).toBe(9000);
  });
});
