import { describe, expect, it } from 'vitest';
import { DEFAULT_YOUNG_GENERATION_MB, semiSpaceMbOf, youngGenerationMb } from './youngGeneration.js';

describe('young generation setting', () => {
  it('defaults to 192 MiB, three 64 MiB semi-spaces', () => {
    expect(youngGenerationMb({})).toBe(DEFAULT_YOUNG_GENERATION_MB);
    expect(semiSpaceMbOf(DEFAULT_YOUNG_GENERATION_MB)).toBe(64);
  });
  it('reads FLOWBOOK_YOUNG_GENERATION_MB and refuses what is not a size', () => {
    expect(youngGenerationMb({ FLOWBOOK_YOUNG_GENERATION_MB: '48' })).toBe(48);
    expect(() => youngGenerationMb({ FLOWBOOK_YOUNG_GENERATION_MB: 'lots' })).toThrow(/FLOWBOOK_YOUNG_GENERATION_MB must be a whole number of MiB from 3 to 3072, got "lots"/);
    expect(() => youngGenerationMb({ FLOWBOOK_YOUNG_GENERATION_MB: '0' })).toThrow(/from 3 to 3072/);
  });
});
