import { afterEach, describe, expect, it } from 'vitest';
import type { Notebook, SqlCell } from '@flowbook/protocol';
import * as engine from '../index.js';
import { StreamExecutionEnvironment } from '../api/StreamExecutionEnvironment.js';
import { CellCompileError } from './compileCell.js';
import { runCellCode } from './runCellCode.js';
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

describe("SQL functions from code cells (CREATE FUNCTION f AS 'cell.export')", () => {
  afterEach(() => StreamExecutionEnvironment.setContextHost(undefined));
  const functions = {
    id: 'fns',
    type: 'code',
    language: 'typescript',
    title: 'Functions',
    source: "import { SCALAR_FUNCTIONS } from '@flowbook/engine';\nexport const shout = (s: string) => s.toUpperCase() + '!';\nexport class Half { resultType = 'DOUBLE'; eval(x: number) { return x / 2 + SCALAR_FUNCTIONS.length * 0; } }",
    charts: {},
  } as const;
  const ddl: SqlCell = {
    id: 'ddl',
    type: 'sql',
    source: "CREATE TABLE n (id BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '3', 'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '3');\nCREATE TEMPORARY FUNCTION shout AS 'Functions.shout'",
    mode: 'update',
    charts: {},
  };
  const q: SqlCell = { id: 'q', type: 'sql', source: "CREATE FUNCTION half AS 'fns.Half';\nSELECT shout(CAST(id AS STRING)) AS s, half(id) AS h FROM n", mode: 'append', charts: {} };
  const fnb: Notebook = { version: 1, title: 'Fns', cells: [functions, ddl, q, { ...functions, id: 'below', title: 'Below' }] };

  it('imports each named code cell above once (by title or id) and runs its exports as SQL functions', async () => {
    const program = sqlProgramOf(fnb, q);
    expect(program.match(/import \* as fnModule\d from "flowbook-cell:/g)).toHaveLength(2);
    expect(program).toContain('functionModules: { "Functions": fnModule0, "fns": fnModule1 }');
    // the SQL stays data: the cell's text is a JSON literal
    expect(program).toContain(JSON.stringify(q.source));
    const out: unknown[] = [];
    StreamExecutionEnvironment.setContextHost({ services: { live: (_sink: string, v: unknown) => out.push(v) } });
    await runCellCode(program, engine as unknown as Record<string, unknown>);
    expect(out).toEqual([
      { s: '1!', h: 0.5, $rowKind: '+I' },
      { s: '2!', h: 1, $rowKind: '+I' },
      { s: '3!', h: 1.5, $rowKind: '+I' },
    ]);
  }, 60_000);

  it('names a code cell that does not compile, without marking a line of the SQL cell', async () => {
    const broken = { ...fnb, cells: [{ ...functions, source: 'export const shout = (s: string) => s +;' }, ddl, q] };
    const e = await runCellCode(sqlProgramOf(broken, q), engine as unknown as Record<string, unknown>).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CellCompileError);
    expect((e as CellCompileError).info).toEqual({ message: expect.stringMatching(/^code cell "Functions", line 1: /) });
  }, 60_000);

  it('leaves a name no code cell above has to the engine, which reports it at the statement', async () => {
    const program = sqlProgramOf({ ...fnb, cells: [ddl, q, functions] }, q);
    expect(program).not.toContain('flowbook-cell:');
    const e = await runCellCode(program, engine as unknown as Record<string, unknown>).catch((x: unknown) => x);
    expect((e as Error).message).toMatch(/in catalog statement 2 \(cell "ddl" above\):.*no code cell 'Functions' above/);
  }, 60_000);
});
