import { describe, expect, it } from 'vitest';
import { parseDuration } from './parseDuration.js';

describe('parseDuration', () => {
  it('reads units and bare milliseconds', () => {
    expect(parseDuration('10s')).toBe(10_000);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('1.5m')).toBe(90_000);
    expect(parseDuration('2h')).toBe(7_200_000);
    expect(parseDuration('2500')).toBe(2500);
  });

  it('refuses anything else, naming the option and the value', () => {
    for (const bad of ['', 'ten', '10 sec', '-5s', '0', '1e3']) expect(() => parseDuration(bad)).toThrow(/--timeout needs a positive duration/);
    expect(() => parseDuration('x')).toThrow(expect.objectContaining({ exitCode: 2 }));
  });
});
