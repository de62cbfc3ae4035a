import { describe, expect, it } from 'vitest';
import type { Cell } from '@flowbook/protocol';
import { fillTemplate, materialize, rowsOfCell, sqlRows } from './sqlResult.js';

// SELECT word, COUNT(*) AS n FROM words GROUP BY word over: a, b, a — Flink's changelog for it.
const changelog = [
  { word: 'a', n: 1, $rowKind: '+I' },
  { word: 'b', n: 1, $rowKind: '+I' },
  { word: 'a', n: 1, $rowKind: '-U' },
  { word: 'a', n: 2, $rowKind: '+U' },
];

describe('materialize', () => {
  it('applies retractions: +I/+U add, -U/-D remove one equal row', () => {
    expect(materialize(changelog)).toEqual([
      { word: 'b', n: 1 },
      { word: 'a', n: 2 },
    ]);
    expect(materialize([...changelog, { word: 'b', n: 1, $rowKind: '-D' }])).toEqual([{ word: 'a', n: 2 }]);
  });

  it('removes one of two equal rows only, and only a row equal in every column', () => {
    const rows = [
      { v: 1, timestamp: 1, $rowKind: '+I' },
      { v: 1, timestamp: 2, $rowKind: '+I' },
      { v: 1, timestamp: 2, $rowKind: '+I' },
      { v: 1, timestamp: 2, $rowKind: '-D' },
      { v: 1, timestamp: 3, $rowKind: '-D' },
    ];
    expect(materialize(rows)).toEqual([{ v: 1, timestamp: 1 }, { v: 1, timestamp: 2 }]);
  });

  it('ignores a retraction of a row it never saw', () => {
    expect(materialize([{ v: 9, $rowKind: '-U' }, { v: 10, $rowKind: '+U' }])).toEqual([{ v: 10 }]);
  });
});

describe('sqlRows and rowsOfCell', () => {
  it('append keeps every row as it came; update and single the current result', () => {
    expect(sqlRows(changelog, 'append')).toHaveLength(4);
    expect(sqlRows(changelog, 'append')[2]).toEqual({ word: 'a', n: 1 });
    expect(sqlRows(changelog, 'single')).toEqual(sqlRows(changelog, 'update'));
  });

  it('leaves rows of code cells as they are', () => {
    const code: Cell = { id: 'c', type: 'code', language: 'typescript', source: '', charts: {} };
    const sql: Cell = { id: 's', type: 'sql', source: '', mode: 'update', charts: {} };
    expect(rowsOfCell(code, changelog)).toBe(changelog);
    expect(rowsOfCell(sql, changelog)).toHaveLength(2);
  });
});

describe('fillTemplate', () => {
  it("puts the row's columns for {0}, {1}, ...; no template: the first column", () => {
    const row = { total: 1234, city: 'Oslo', $rowKind: '+I' };
    expect(fillTemplate('{0} orders from {1} {2}', row)).toBe('1234 orders from Oslo {2}');
    expect(fillTemplate(undefined, row)).toBe('1234');
  });
});
