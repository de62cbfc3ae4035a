import { describe, expect, it } from 'vitest';
import type { SqlCatalogInfo } from '@flowbook/protocol';
import { sqlSuggestions } from './sqlCompletion.js';

const catalog: SqlCatalogInfo = {
  tables: [
    { name: 'orders', kind: 'table', connector: 'datagen', columns: [{ name: 'id', type: 'INT' }, { name: 'price', type: 'DOUBLE' }] },
    { name: 'cities', kind: 'view', columns: [{ name: 'city', type: 'STRING' }] },
  ],
  functions: ['COUNT', 'TUMBLE'],
  connectorOptions: { datagen: ['rows-per-second', 'number-of-rows'], kafka: ['topic'] },
};
const labels = (before: string, text = before) => sqlSuggestions(catalog, before, text).map((s) => s.label);

describe('sqlSuggestions', () => {
  it('completes the columns of a table or its alias after a dot', () => {
    expect(labels('SELECT o.', 'SELECT o. FROM orders o')).toEqual(['id', 'price']);
    expect(labels('SELECT orders.pr')).toEqual(['id', 'price']);
    expect(labels('SELECT nope.')).toEqual([]);
    // a set operation after a table is not its alias
    expect(labels('SELECT id FROM orders INTERSECT SELECT intersect.', 'SELECT id FROM orders INTERSECT SELECT intersect. FROM cities')).toEqual([]);
  });

  it("completes connector names, then the chosen connector's options, inside WITH (...)", () => {
    const start = "CREATE TABLE t (a INT) WITH (\n  ";
    expect(labels(start)).toEqual(["'connector'", "'connector' = 'datagen'", "'connector' = 'kafka'"]);
    const chosen = "CREATE TABLE t (a INT) WITH ('connector' = 'datagen', ";
    expect(labels(chosen, `${chosen})`)).toEqual(["'rows-per-second'", "'number-of-rows'"]);
  });

  it('completes tables, the columns of the tables the statement reads, functions and keywords elsewhere', () => {
    const all = labels('SELECT ', "SELECT  FROM orders; SELECT * FROM cities");
    expect(all).toEqual(expect.arrayContaining(['orders', 'cities', 'id', 'price', 'COUNT', 'TUMBLE', 'GROUP BY', 'CREATE TEMPORARY FUNCTION', 'EXCEPT']));
    expect(all).not.toContain('city');
  });
});
