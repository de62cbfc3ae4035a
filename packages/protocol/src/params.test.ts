import { describe, expect, it } from 'vitest';
import { paramValuesOf } from './params.js';

describe('paramValuesOf', () => {
  it('layers notebook and cell defaults and values, the cell winning', () => {
    const cell = {
      id: 'c',
      type: 'code' as const,
      language: 'typescript' as const,
      source: '',
      charts: {},
      params: [{ name: 'rate', type: 'number' as const, default: 100 }],
      paramValues: { rate: 250 },
    };
    const nb = {
      version: 1 as const,
      title: 't',
      cells: [cell],
      params: [
        { name: 'region', type: 'select' as const, default: 'eu', options: ['eu', 'us'] },
        { name: 'rate', type: 'number' as const, default: 1 },
      ],
      paramValues: { region: 'us' },
    };
    expect(paramValuesOf(nb, cell)).toEqual({ region: 'us', rate: 250 });
    expect(paramValuesOf(nb, { ...cell, paramValues: {} })).toEqual({ region: 'us', rate: 100 });
  });
});
