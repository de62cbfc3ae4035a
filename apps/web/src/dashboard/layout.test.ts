import { describe, expect, it } from 'vitest';
import { ChartSettings } from '@flowbook/protocol';
import { availableOutputs, moveItem } from './layout.js';

describe('dashboard layout', () => {
  it('lists code cells’ sinks from chart settings and results', () => {
    const nb = {
      version: 1 as const,
      title: 't',
      cells: [
        { id: 'm', type: 'markdown' as const, source: '' },
        { id: 'a', type: 'code' as const, language: 'typescript' as const, source: '', charts: { profit: ChartSettings.parse({ type: 'line', y: [] }) } },
      ],
    };
    const runs = { a: { status: 'running' as const, results: { other: { rows: [], total: 0 } }, logs: [] } };
    expect(availableOutputs(nb, runs)).toEqual([
      { cellId: 'a', sink: 'profit' },
      { cellId: 'a', sink: 'other' },
    ]);
  });
  it('moves items within bounds', () => {
    const items = [1, 2, 3].map((n) => ({ cellId: `c${n}`, sink: 's', w: 6, h: 3 }));
    expect(moveItem(items, 0, 1).map((i) => i.cellId)).toEqual(['c2', 'c1', 'c3']);
    expect(moveItem(items, 0, -1)).toBe(items);
    expect(moveItem(items, 2, 5)).toBe(items);
  });
});
