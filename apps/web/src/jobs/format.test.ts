import { describe, expect, it } from 'vitest';
import { formatCount, formatDuration, watermarkLag } from './format.js';

describe('jobs formatting', () => {
  it('formats durations, counts and watermark lag', () => {
    expect(formatDuration(59_000)).toBe('59s');
    expect(formatDuration(61_000)).toBe('1m 1s');
    expect(formatDuration(3_720_000)).toBe('1h 2m');
    expect(formatDuration(50 * 3_600_000)).toBe('2d 2h');
    expect(formatDuration(26_848 * 3_600_000)).toBe('3.1 y');
    expect(formatCount(999)).toBe('999');
    expect(formatCount(12_345)).toBe('12.3K');
    expect(formatCount(2_500_000)).toBe('2.5M');
    expect(watermarkLag(null)).toBe('—');
    expect(watermarkLag(Number.MAX_SAFE_INTEGER)).toBe('end of input');
    expect(watermarkLag(1000, 6000)).toBe('5s');
  });
});
