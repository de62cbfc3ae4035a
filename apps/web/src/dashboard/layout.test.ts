import { describe, expect, it } from 'vitest';
import { ChartSettings } from '@flowbook/protocol';
import { availableOutputs, moveItem, shownItems } from './layout.js';

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
      { cellId: 'a', sink: 'profit', label: 'cell 2 · profit' },
      { cellId: 'a', sink: 'other', label: 'cell 2 · other' },
    ]);
    const titled = { ...nb, cells: nb.cells.map((c) => (c.id === 'a' ? { ...c, title: 'Profit per month' } : c)) };
    expect(availableOutputs(titled, runs)[0]!.label).toBe('Profit per month · profit');
  });
  it('shows every output of a notebook without a saved layout, and the saved layout otherwise', () => {
    const nb = { version: 1 as const, title: 't', cells: [] };
    const outputs = [{ cellId: 'a', sink: 'profit', label: 'x' }];
    expect(shownItems(nb, outputs)).toEqual([{ cellId: 'a', sink: 'profit', w: 12, h: 3 }]);
    expect(shownItems({ ...nb, dashboard: { items: [] } }, outputs)).toEqual([]);
  });
  it('moves items within bounds', () => {
    const items = [1, 2, 3].map((n) => ({ cellId: `c${n}`, sink: 's', w: 6, h: 3 }));
    expect(moveItem(items, 0, 1).map((i) => i.cellId)).toEqual(['c2', 'c1', 'c3']);
    expect(moveItem(items, 0, -1)).toBe(items);
    expect(moveItem(items, 2, 5)).toBe(items);
  });
});
