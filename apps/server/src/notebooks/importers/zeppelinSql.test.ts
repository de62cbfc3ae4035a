import { describe, expect, it } from 'vitest';
import { importNotebook } from './importNotebook.js';
import { localProperties, sqlCellOfParagraph } from './zeppelinSql.js';

describe('Zeppelin SQL paragraphs', () => {
  it('reads local properties, quoted values with commas, parens and escaped quotes', () => {
    const text = '%flink.ssql(type=single, template="<b>{0}</b> (of {1}, \\"all\\")", parallelism=2)\nselect 1';
    expect(localProperties(text, '%flink.ssql'.length)).toEqual({
      props: { type: 'single', template: '<b>{0}</b> (of {1}, "all")', parallelism: '2' },
      end: text.indexOf('\n'),
    });
    expect(localProperties('%flink.ssql\nselect 1', '%flink.ssql'.length)).toBeUndefined();
  });

  it('makes %flink.ssql a SQL cell with its mode and template, keeping other properties as a comment', () => {
    expect(sqlCellOfParagraph('p1', '%flink.ssql(type=single, template=Total: {0}, refreshInterval=3000)\nselect count(*) from orders')).toEqual({
      id: 'p1',
      type: 'sql',
      source: '-- Zeppelin properties not used here: refreshInterval=3000\nselect count(*) from orders',
      mode: 'single',
      template: 'Total: {0}',
      charts: {},
    });
    expect(sqlCellOfParagraph('p2', '%flink.ssql(type=append)\nselect * from t')).toMatchObject({ source: 'select * from t', mode: 'append' });
    expect(sqlCellOfParagraph('p3', '%flink.ssql\nCREATE TABLE t (a INT)')).toMatchObject({ source: 'CREATE TABLE t (a INT)', mode: 'update' });
    expect(sqlCellOfParagraph('p4', '%flink.bsql\nselect * from t')).toMatchObject({ mode: 'update' });
    expect(sqlCellOfParagraph('p5', '%flink\nval x = 1')).toBeUndefined();
    expect(sqlCellOfParagraph('p6', '%flink.ssqlx\nselect 1')).toBeUndefined();
  });

  it('imports a note whose ssql paragraphs become SQL cells beside markdown and code', () => {
    const zpln = {
      name: 'Flink/SQL demo',
      paragraphs: [
        { id: 'paragraph_1', text: '%md\n# Orders' },
        { id: 'paragraph_2', text: "%flink.ssql\nCREATE TABLE orders (id INT) WITH ('connector' = 'datagen')" },
        { id: 'paragraph_3', text: '%flink.ssql(type=update)\nSELECT COUNT(*) AS n FROM orders' },
        { id: 'paragraph_4', text: '%flink\nsenv.execute()' },
      ],
    };
    const nb = importNotebook('demo.zpln', JSON.stringify(zpln)).notebook;
    expect(nb.cells.map((c) => [c.id, c.type, c.type === 'sql' ? c.mode : undefined])).toEqual([
      ['paragraph_1', 'markdown', undefined],
      ['paragraph_2', 'sql', 'update'],
      ['paragraph_3', 'sql', 'update'],
      ['paragraph_4', 'code', undefined],
    ]);
  });
});
