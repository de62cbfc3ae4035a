import { describe, expect, it } from 'vitest';
import { MIN_WATERMARK } from '../../time/Watermark.js';
import { WriterWatermarks } from './WriterWatermarks.js';

describe('WriterWatermarks: the watermark of a repartition partition over its writers', () => {
  it('is the minimum over every writer, unseen ones holding it back', () => {
    const w = new WriterWatermarks(3, undefined, () => 0);
    w.onWatermark(0, 100);
    w.onWatermark(1, 50);
    expect(w.current()).toEqual({ watermark: MIN_WATERMARK, allIdle: false });
    w.onWatermark(2, 70);
    expect(w.current().watermark).toBe(50);
    w.onWatermark(1, 40);
    expect(w.current().watermark).toBe(50);
  });

  it('leaves writers silent for idlenessMs out of the minimum until they send again', () => {
    let now = 0;
    const w = new WriterWatermarks(2, 1000, () => now);
    now = 500;
    w.onWatermark(0, 500);
    now = 999;
    expect(w.current().watermark).toBe(MIN_WATERMARK);
    now = 1000;
    expect(w.current()).toEqual({ watermark: 500, allIdle: false });
    now = 1400;
    w.onWatermark(0, 800);
    now = 2399;
    expect(w.current().watermark).toBe(800);
    now = 2400;
    expect(w.current().allIdle).toBe(true);
    w.onWatermark(1, 600);
    expect(w.current()).toEqual({ watermark: 600, allIdle: false });
  });

  it('drops records a restored writer sends again, per writer, also after its own restore', () => {
    const w = new WriterWatermarks(2, undefined, () => 0);
    expect([0, 1, 2].map((s) => w.accept(0, 0, s))).toEqual([true, true, true]);
    expect(w.accept(0, 1, 0)).toBe(true);
    // Numbers are per partition: writer 0's first record in partition 1.
    expect(w.accept(1, 0, 0)).toBe(true);
    // Writer 0 restored from a checkpoint taken after its record 0: it writes 1 and 2 again, then 3.
    expect([1, 2, 3].map((s) => w.accept(0, 0, s))).toEqual([false, false, true]);
    w.onWatermark(0, 10);
    const restored = new WriterWatermarks(2, undefined, () => 0);
    restored.restore(JSON.parse(JSON.stringify(w.snapshot())));
    expect([restored.accept(0, 0, 3), restored.accept(0, 0, 4), restored.accept(0, 1, 0), restored.accept(0, 1, 1)]).toEqual([false, true, false, true]);
    // Writer 1 has no watermark yet, also after the JSON round trip.
    expect(restored.current().watermark).toBe(MIN_WATERMARK);
    restored.onWatermark(1, 20);
    expect(restored.current().watermark).toBe(10);
  });
});
