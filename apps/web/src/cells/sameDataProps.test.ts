import { describe, expect, it } from 'vitest';
import { sameDataProps } from './sameDataProps.js';

describe('sameDataProps', () => {
  const cell = { id: 'a', source: 'x' };
  it('ignores new callbacks but not new data', () => {
    expect(sameDataProps({ cell, onRun: () => 1 }, { cell, onRun: () => 2 })).toBe(true);
    expect(sameDataProps({ cell, onRun: () => 1 }, { cell: { ...cell }, onRun: () => 1 })).toBe(false);
    expect(sameDataProps({ cell, active: false }, { cell, active: true })).toBe(false);
  });
  it('sees a prop appear or go', () => {
    expect(sameDataProps<{ cell: object; onResume?: () => void; run?: object }>({ cell }, { cell, run: {} })).toBe(false);
    expect(sameDataProps<{ cell: object; run?: object }>({ cell, run: undefined }, { cell })).toBe(false);
  });
});
