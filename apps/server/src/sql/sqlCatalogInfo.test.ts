import { describe, expect, it } from 'vitest';
import type { Notebook } from '@flowbook/protocol';
import { sqlCatalogInfo } from './sqlCatalogInfo.js';

describe('sqlCatalogInfo', () => {
  it("lists the notebook's tables and views with columns, functions and connector options", () => {
    const nb: Notebook = {
      version: 1,
      title: 'Shop',
      cells: [
        { id: 'a', type: 'sql', source: "CREATE TABLE orders (id INT, price DOUBLE) WITH ('connector' = 'datagen');\nSELECT * FROM orders", mode: 'update', charts: {} },
        { id: 'b', type: 'sql', source: 'CREATE VIEW big AS SELECT id FROM orders WHERE price > 10;\nCREATE TABLE half (', mode: 'update', charts: {} },
        { id: 'c', type: 'sql', source: "CREATE FUNCTION shout AS 'fns.shout';\nCREATE FUNCTION gone AS 'fns.gone';\nDROP FUNCTION gone", mode: 'update', charts: {} },
      ],
    };
    const info = sqlCatalogInfo(nb);
    expect(info.tables).toEqual([
      { name: 'orders', kind: 'table', connector: 'datagen', columns: [{ name: 'id', type: 'INT' }, { name: 'price', type: 'DOUBLE' }] },
      { name: 'big', kind: 'view', columns: [{ name: 'id', type: 'INT' }] },
    ]);
    expect(info.functions).toEqual(expect.arrayContaining(['COUNT', 'TUMBLE', 'UPPER', 'DATE_FORMAT']));
    // the notebook's own functions (CREATE FUNCTION ... AS 'cell.export'), as they stand after the DROPs
    expect(info.functions).toContain('shout');
    expect(info.functions).not.toContain('gone');
    expect(info.connectorOptions.datagen).toContain('rows-per-second');
  });
});
