import { describe, expect, it } from 'vitest';
import { defaultFor } from './paramDefaults.js';

describe('a new form input’s default', () => {
  it('is what was typed when it fits the kind', () => {
    expect(defaultFor('number', '250')).toBe(250);
    expect(defaultFor('text', ' Oslo ')).toBe('Oslo');
    expect(defaultFor('select', 'b', ['a', 'b'])).toBe('b');
    expect(defaultFor('date', '2026-01-31')).toBe('2026-01-31');
  });

  it('is a value that runs otherwise: 1 for numbers (not 0), the first choice, today', () => {
    expect(defaultFor('number')).toBe(1);
    expect(defaultFor('number', 'ten')).toBe(1);
    expect(defaultFor('select', 'z', ['a', 'b'])).toBe('a');
    expect(defaultFor('date')).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(defaultFor('checkbox')).toBe(false);
  });
});
