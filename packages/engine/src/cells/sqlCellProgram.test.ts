import { describe, expect, it } from 'vitest';
import type { Notebook, SqlCell } from '@flowbook/protocol';
import { catalogAbove, flinkSqlGateway, sqlProgramOf } from './sqlCellProgram.js';

const ddl = "CREATE TABLE orders (id INT) WITH ('connector' = 'datagen');\nSELECT * FROM orders;\nSET 'parallelism.default' = '2'";
const query: SqlCell = { id: 'q', type: 'sql', title: 'Top orders', source: 'SELECT id FROM orders', mode: 'update', charts: {} };
const nb: Notebook = {
  version: 1,
  title: 'Shop',
  cells: [
    { id: 'a', type: 'sql', source: ddl, mode: 'update', charts: {} },
    { id: 'c', type: 'code', language: 'typescript', source: "// CREATE TABLE not_sql (x INT);", charts: {} },
    query,
    { id: 'z', type: 'sql', source: 'CREATE VIEW later AS SELECT 1', mode: 'update', charts: {} },
  ],
};

describe('sqlProgramOf', () => {
  it('takes the DDL and SET of the SQL cells above, not their queries, not code cells, not cells below', () => {
    expect(catalogAbove(nb, 'q')).toEqual(["CREATE TABLE orders (id INT) WITH ('connector' = 'datagen')", "SET 'parallelism.default' = '2'"]);
  });

  it('generates a program that calls runSqlScript with the source, catalog and job name as literals', () => {
    const program = sqlProgramOf(nb, query);
    expect(program).toContain(
      `await runSqlScript("SELECT id FROM orders", {"catalog":["CREATE TABLE orders (id INT) WITH ('connector' = 'datagen')","SET 'parallelism.default' = '2'"],"jobName":"Shop: Top orders"});\n`,
    );
    // Each catalog statement's cell, to name it in an error.
    expect(program).toContain('const catalogCells = ["a","a"];');
    expect(sqlProgramOf({ ...nb, cells: [query] }, query)).toBe(
      `import { runSqlScript } from '@flowbook/engine';\nawait runSqlScript("SELECT id FROM orders", {"catalog":[],"jobName":"Shop: Top orders"});\n`,
    );
  });

  it('keeps quotes, backslashes and template syntax in the SQL as data', () => {
    const tricky = "SELECT '`${process.exit()}`\\'); x' AS s";
    const program = sqlProgramOf(nb, query, tricky);
    const literal = /runSqlScript\((".*?(?<!\\)"), /.exec(program)![1]!;
    expect(JSON.parse(literal)).toBe(tricky);
  });

  it('with a Flink SQL Gateway, generates a runSqlOnFlink call with the statements and their lines as data', () => {
    const program = sqlProgramOf(nb, query, "SET 'a' = 'b';\n\nSELECT id FROM orders", 'http://flink:8083');
    expect(program).toBe(
      "import { runSqlOnFlink } from '@flowbook/engine';\n" +
        `await runSqlOnFlink([{"text":"SET 'a' = 'b'","line":1},{"text":"SELECT id FROM orders","line":3}], {"catalog":["CREATE TABLE orders (id INT) WITH ('connector' = 'datagen')","SET 'parallelism.default' = '2'"],"jobName":"Shop: Top orders","gateway":"http://flink:8083"});\n`,
    );
  });

  it('reads FLOWBOOK_FLINK_SQL_GATEWAY and refuses what is not an http(s) URL', () => {
    expect(flinkSqlGateway({})).toBeUndefined();
    expect(flinkSqlGateway({ FLOWBOOK_FLINK_SQL_GATEWAY: ' http://flink:8083 ' })).toBe('http://flink:8083');
    expect(() => flinkSqlGateway({ FLOWBOOK_FLINK_SQL_GATEWAY: 'flink:8083' })).toThrow(/FLOWBOOK_FLINK_SQL_GATEWAY/);
    expect(() => flinkSqlGateway({ FLOWBOOK_FLINK_SQL_GATEWAY: 'ftp://flink' })).toThrow(/http/);
  });
});
