import { beforeAll, describe, expect, it } from 'vitest';
import '../connectors/index.js';
import { StreamExecutionEnvironment } from '../api/StreamExecutionEnvironment.js';
import { Schema } from '../table/Schema.js';
import { StreamTableEnvironment } from '../table/StreamTableEnvironment.js';
import { parseStatements } from './catalog.js';

function setup() {
  const env = new StreamExecutionEnvironment();
  env.setParallelism(1);
  const tEnv = StreamTableEnvironment.create(env);
  const stream = env.fromCollection([
    { name: 'ada', price: 10 },
    { name: null, price: 2.5 },
  ]);
  tEnv.createTemporaryView('T', stream, Schema.newBuilder().column('name', 'STRING').column('price', 'DOUBLE').build());
  return tEnv;
}

/** Flink's ScalarFunction shape: a class with eval(). */
class WithTax {
  resultType = 'DOUBLE';
  constructor(private readonly rate: number) {}
  eval(price: number | null): number | null {
    return price === null ? null : price * (1 + this.rate);
  }
}

describe('user-defined scalar functions (createTemporarySystemFunction)', () => {
  beforeAll(() => void parseStatements('SELECT a FROM t'), 120_000);

  it('calls TypeScript functions and eval() objects from SQL, NULLs included, with their result type', async () => {
    const tEnv = setup();
    tEnv.createTemporarySystemFunction('shout', (s: string | null) => (s === null ? 'NOBODY' : s.toUpperCase() + '!'));
    tEnv.createTemporaryFunction('with_tax', new WithTax(0.2));
    const t = tEnv.sqlQuery('SELECT shout(name) AS who, WITH_TAX(price) AS gross FROM T WHERE with_tax(price) > 1');
    expect(t.getResolvedSchema().columns.find((c) => c.name === 'gross')?.type).toBe('DOUBLE');
    expect(await tEnv.toDataStream(t).executeAndCollect()).toEqual([
      { who: 'ADA!', gross: 12 },
      { who: 'NOBODY', gross: 3 },
    ]);
  });

  it('keeps functions per environment, refuses built-in names, and drops them', () => {
    const a = setup();
    const b = setup();
    a.createTemporarySystemFunction('twice', (x: number) => x * 2);
    expect(() => b.sqlQuery('SELECT twice(price) AS p FROM T')).toThrow(/unknown function TWICE/);
    expect(() => a.createTemporarySystemFunction('upper', (x: string) => x)).toThrow(/built-in/);
    expect(a.listUserDefinedFunctions()).toEqual(['TWICE']);
    expect(a.dropTemporarySystemFunction('twice')).toBe(true);
    expect(() => a.sqlQuery('SELECT twice(price) AS p FROM T')).toThrow(/unknown function TWICE/);
  });
});

describe("CREATE FUNCTION f AS 'module.export' (functions of the notebook's code)", () => {
  beforeAll(() => void parseStatements('SELECT a FROM t'), 120_000);

  /** A module as a code cell exports them: a function, an eval object, and a class with eval (Flink's ScalarFunction). */
  const udfs = {
    shout: (s: string | null) => (s === null ? 'NOBODY' : s.toUpperCase() + '!'),
    tax: { resultType: 'DOUBLE', eval: (p: number | null) => (p === null ? null : p * 2) },
    Half: class {
      resultType = 'DOUBLE';
      eval(p: number | null) {
        return p === null ? null : p / 2;
      }
    },
  };

  it('loads functions, eval objects and classes from a module by name, and drops them', async () => {
    const tEnv = setup();
    tEnv.functionModules.set('my udfs', udfs);
    tEnv.executeSql(`CREATE TEMPORARY SYSTEM FUNCTION shout AS 'my udfs.shout';
      CREATE FUNCTION IF NOT EXISTS tax AS 'my udfs.tax';
      CREATE TEMPORARY FUNCTION half AS 'my udfs.Half';
      CREATE FUNCTION IF NOT EXISTS tax AS 'my udfs.nothing'`);
    const t = tEnv.sqlQuery('SELECT shout(name) AS who, tax(price) AS t, HALF(price) AS h FROM T');
    expect(t.getResolvedSchema().columns.map((c) => c.type)).toEqual([expect.any(String), 'DOUBLE', 'DOUBLE']);
    expect(await tEnv.toDataStream(t).executeAndCollect()).toEqual([
      { who: 'ADA!', t: 20, h: 5 },
      { who: 'NOBODY', t: 5, h: 1.25 },
    ]);
    tEnv.executeSql('DROP TEMPORARY FUNCTION shout; DROP FUNCTION IF EXISTS shout');
    expect(tEnv.listUserDefinedFunctions()).toEqual(['TAX', 'HALF']);
    expect(() => tEnv.executeSql('DROP FUNCTION shout')).toThrow(/function 'shout' does not exist/);
  });

  it('names the statement, the missing module or export, and refuses other languages', () => {
    const tEnv = setup();
    tEnv.functionModules.set('udfs', udfs);
    const err = (sql: string) => {
      try {
        tEnv.executeSql(sql);
      } catch (e) {
        return e as { message: string; line?: number; column?: number };
      }
      throw new Error('no error');
    };
    expect(err("SET 'pipeline.name' = 'x';\n  CREATE FUNCTION f AS 'other.f'")).toMatchObject({ line: 2, column: 3, message: "line 2, column 3: CREATE FUNCTION f: no code cell 'other' above (a TypeScript code cell, by its title or id); known: udfs" });
    expect(err("CREATE FUNCTION f AS 'udfs.nope'").message).toBe("line 1, column 1: CREATE FUNCTION f: code cell 'udfs' exports no 'nope'; its exports: shout, tax, Half");
    expect(err("CREATE FUNCTION f AS 'shout'").message).toMatch(/must name a module and its export: 'cell.export'/);
    expect(err("CREATE FUNCTION f AS 'udfs.shout' LANGUAGE PYTHON").message).toMatch(/LANGUAGE PYTHON functions run on a Flink cluster only/);
    expect(err("CREATE FUNCTION initcap AS 'udfs.shout'").message).toMatch(/CREATE FUNCTION initcap: function 'initcap' is a built-in function/);
    expect(err("CREATE FUNCTION f AS 'udfs.shout';\nCREATE FUNCTION f AS 'udfs.tax'")).toMatchObject({ line: 2, message: expect.stringContaining("a function named 'f' already exists") });
  });
});
