import { describe, expect, it } from 'vitest';
import { ChartSettings, parseNotebook } from '@flowbook/protocol';

describe('saved chart settings', () => {
  it('parses settings saved before aggregations, modes and the new chart kinds, with defaults', () => {
    expect(ChartSettings.parse({ type: 'line', x: 'windowEnd', y: ['profit'], series: 'month' })).toEqual({
      type: 'line',
      x: 'windowEnd',
      y: ['profit'],
      aggs: [],
      series: 'month',
      mode: 'append',
      updateKey: [],
    });
    expect(ChartSettings.parse({})).toMatchObject({ type: 'line', y: [], aggs: [], mode: 'append' });
  });

  it('round-trips the new settings', () => {
    const s = { type: 'pie', x: 'month', y: ['profit'], aggs: ['avg'], series: null, mode: 'update', updateKey: ['month'], valueField: 'profit' };
    expect(ChartSettings.parse(s)).toEqual(s);
  });

  it('rejects an unknown aggregation or mode', () => {
    expect(ChartSettings.safeParse({ aggs: ['median'] }).success).toBe(false);
    expect(ChartSettings.safeParse({ mode: 'retract' }).success).toBe(false);
  });

  it('loads a notebook file written before these settings', () => {
    const nb = parseNotebook({
      version: 1,
      title: 'Old',
      cells: [{ id: 'c', type: 'code', source: '', charts: { result: { type: 'bar', y: ['n'] } } }],
    });
    const cell = nb.cells[0]!;
    expect(cell.type === 'code' && cell.charts.result).toEqual({ type: 'bar', y: ['n'], aggs: [], mode: 'append', updateKey: [] });
  });
});
