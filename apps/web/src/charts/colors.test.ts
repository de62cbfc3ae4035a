import { describe, expect, it } from 'vitest';
import { COLORS, colorAt } from './colors.js';

/** sRGB hex → CIE L*a*b* (D65), for the colour difference ΔE*76 people use to tell series apart. */
function lab(hex: string): [number, number, number] {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((v) => (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)) as [number, number, number];
  const f = (t: number) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116);
  const x = f((r * 0.4124 + g * 0.3576 + b * 0.1805) / 0.95047);
  const y = f(r * 0.2126 + g * 0.7152 + b * 0.0722);
  const z = f((r * 0.0193 + g * 0.1192 + b * 0.9505) / 1.08883);
  return [116 * y - 16, 500 * (x - y), 200 * (y - z)];
}
const deltaE = (a: string, b: string) => Math.hypot(...lab(a).map((v, i) => v - lab(b)[i]!));

describe('series palette', () => {
  it('keeps 12+ series distinct: every pair differs by ΔE ≥ 25', () => {
    expect(COLORS.length).toBeGreaterThanOrEqual(16);
    let min = Infinity;
    for (let i = 0; i < COLORS.length; i++) for (let j = i + 1; j < COLORS.length; j++) min = Math.min(min, deltaE(COLORS[i]!, COLORS[j]!));
    expect(min).toBeGreaterThanOrEqual(25);
  });

  it('cycles past the end', () => {
    expect(colorAt(COLORS.length)).toBe(COLORS[0]);
  });
});
