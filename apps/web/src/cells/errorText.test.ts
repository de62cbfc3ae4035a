import { describe, expect, it } from 'vitest';
import { errorText } from './errorText.js';

describe('cell error text', () => {
  it('names the line once', () => {
    expect(errorText('line 15: Expected ";" but found "x"', 15)).toBe('Expected ";" but found "x"');
    expect(errorText('line 15: a\nline 16: b', 15)).toBe('a\nline 16: b');
    expect(errorText('line 15: a', undefined)).toBe('line 15: a');
    expect(errorText('boom', 3)).toBe('boom');
  });
});
