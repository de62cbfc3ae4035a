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
