import { describe, expect, it } from 'vitest';
import { isCatalogStatement, splitStatements } from './splitStatements.js';

describe('splitStatements', () => {
  it('splits at semicolons outside strings, identifiers and comments, with each start line', () => {
    const sql = [
      "-- the orders; generated",
      "CREATE TABLE orders (id INT, note STRING) WITH ('connector' = 'datagen', 'fields.note.regex' = 'a;b');",
      "/* set; options */ SET 'parallelism.default' = '2';",
      'SELECT `we;ird`, "x;y", \'it\'\'s; ok\' FROM orders',
    ].join('\n');
    expect(splitStatements(sql)).toEqual([
      { text: "CREATE TABLE orders (id INT, note STRING) WITH ('connector' = 'datagen', 'fields.note.regex' = 'a;b')", line: 2 },
      { text: "SET 'parallelism.default' = '2'", line: 3 },
      { text: 'SELECT `we;ird`, "x;y", \'it\'\'s; ok\' FROM orders', line: 4 },
    ]);
  });

  it('drops empty statements and a trailing comment', () => {
    expect(splitStatements(';;\nSELECT 1;\n-- done')).toEqual([{ text: 'SELECT 1', line: 2 }]);
  });
});

describe('isCatalogStatement', () => {
  it('keeps DDL and SET, not queries, INSERT, EXPLAIN or CREATE TABLE AS', () => {
    expect(['CREATE TABLE t (a INT)', 'create temporary view v as select 1', "SET 'a' = 'b'", 'DROP TABLE t'].every(isCatalogStatement)).toBe(true);
    expect(['SELECT 1', 'INSERT INTO t SELECT 1', 'EXPLAIN SELECT 1', 'CREATE TABLE t AS SELECT 1'].some(isCatalogStatement)).toBe(false);
  });
});
