import { beforeAll, describe, expect, it } from 'vitest';
import '../connectors/index.js';
import { StreamExecutionEnvironment } from '../api/StreamExecutionEnvironment.js';
import { Schema } from '../table/Schema.js';
import { StreamTableEnvironment } from '../table/StreamTableEnvironment.js';
import { parseStatements } from './catalog.js';
import { TableFunction } from './udf.js';

/** Flink's documentation example of a TableFunction: each word of a sentence with its length. */
class SplitFunction extends TableFunction<[string, number]> {
  resultTypes = ['STRING', 'INT'];
  eval(s: string | null) {
    if (s === null) return;
    for (const w of s.split(' ')) if (w) this.collect([w, w.length]);
  }
}

function setup() {
  const env = new StreamExecutionEnvironment();
  env.setParallelism(1);
  const tEnv = StreamTableEnvironment.create(env);
  const stream = env.fromCollection([
    { id: 1, s: 'hello big world', tags: ['x', 'y'] },
    { id: 2, s: '', tags: [] },
    { id: 3, s: null, tags: null },
    { id: 4, s: 'ok', tags: ['z'] },
  ]);
  tEnv.createTemporaryView('T', stream, Schema.newBuilder().column('id', 'INT').column('s', 'STRING').column('tags', 'ARRAY<STRING>').build());
  tEnv.createTemporarySystemFunction('split', new SplitFunction());
  return tEnv;
}
const rows = (tEnv: StreamTableEnvironment, sql: string) => tEnv.toDataStream(tEnv.sqlQuery(sql)).executeAndCollect();

describe("user-defined table functions (Flink's TableFunction) and UNNEST", () => {
  beforeAll(() => void parseStatements('SELECT a FROM t'), 120_000);

  it('joins each row with the rows eval collects: FROM t, LATERAL TABLE(f(x)) AS T(a, b), with WHERE', async () => {
    const tEnv = setup();
    const t = tEnv.sqlQuery('SELECT id, word, len FROM T, LATERAL TABLE(split(s)) AS W(word, len)');
    expect(t.getResolvedSchema().columns.map((c) => `${c.name} ${c.type}`)).toEqual(['id INT', 'word STRING', 'len INT']);
    expect(await tEnv.toDataStream(t).executeAndCollect()).toEqual([
      { id: 1, word: 'hello', len: 5 },
      { id: 1, word: 'big', len: 3 },
      { id: 1, word: 'world', len: 5 },
      { id: 4, word: 'ok', len: 2 },
    ]);
    expect(await rows(tEnv, 'SELECT W.word, T.id FROM T, LATERAL TABLE(split(s)) AS W(word, len) WHERE len > 3')).toEqual([
      { word: 'hello', id: 1 },
      { word: 'world', id: 1 },
    ]);
    expect(await rows(tEnv, 'SELECT id, word FROM T JOIN LATERAL TABLE(split(s)) AS W(word, len) ON len < 3')).toEqual([{ id: 4, word: 'ok' }]);
  });

  it('keeps rows without results padded with NULLs: LEFT JOIN LATERAL TABLE(...) ON TRUE', async () => {
    const tEnv = setup();
    expect(await rows(tEnv, 'SELECT id, word, len FROM T LEFT JOIN LATERAL TABLE(split(s)) AS W(word, len) ON TRUE')).toEqual([
      { id: 1, word: 'hello', len: 5 },
      { id: 1, word: 'big', len: 3 },
      { id: 1, word: 'world', len: 5 },
      { id: 2, word: null, len: null },
      { id: 3, word: null, len: null },
      { id: 4, word: 'ok', len: 2 },
    ]);
    expect(() => tEnv.sqlQuery('SELECT id FROM T LEFT JOIN LATERAL TABLE(split(s)) AS W(word, len) ON len > 1')).toThrow('supports only ON TRUE');
  });

  it('UNNEST(array) gives one row per element (CROSS JOIN UNNEST, and as a comma join)', async () => {
    const tEnv = setup();
    const t = tEnv.sqlQuery('SELECT id, tag FROM T CROSS JOIN UNNEST(tags) AS X(tag)');
    expect(t.getResolvedSchema().columns.find((c) => c.name === 'tag')?.type).toBe('STRING');
    expect(await tEnv.toDataStream(t).executeAndCollect()).toEqual([
      { id: 1, tag: 'x' },
      { id: 1, tag: 'y' },
      { id: 4, tag: 'z' },
    ]);
    expect(await rows(tEnv, "SELECT id FROM T, UNNEST(tags) AS X(tag) WHERE tag = 'y'")).toEqual([{ id: 1 }]);
  });

  it('loads a TableFunction class from a code cell with CREATE FUNCTION, and feeds aggregations after it', async () => {
    const tEnv = setup();
    tEnv.functionModules.set('text', { SplitFunction });
    tEnv.executeSql("CREATE FUNCTION words AS 'text.SplitFunction'");
    const t = tEnv.sqlQuery('SELECT len, COUNT(*) AS n FROM T, LATERAL TABLE(words(s)) AS W(word, len) GROUP BY len');
    expect(await tEnv.toChangelogStream(t).executeAndCollect()).toEqual([
      { len: 5, n: 1, $rowKind: '+I' },
      { len: 3, n: 1, $rowKind: '+I' },
      { len: 5, n: 1, $rowKind: '-U' },
      { len: 5, n: 2, $rowKind: '+U' },
      { len: 2, n: 1, $rowKind: '+I' },
    ]);
    expect(tEnv.explainSql('SELECT word FROM T, LATERAL TABLE(words(s)) AS W(word, len)')).toContain('Correlate(invocation=[WORDS(s)]');
  });

  it('names what is wrong: a scalar function in LATERAL TABLE, a table function in an expression, the column count', () => {
    const tEnv = setup();
    tEnv.createTemporarySystemFunction('twice', (x: number) => x * 2);
    expect(() => tEnv.sqlQuery('SELECT * FROM T, LATERAL TABLE(twice(id)) AS X(a)')).toThrow('TWICE is not a table function');
    expect(() => tEnv.sqlQuery('SELECT split(s) AS x FROM T')).toThrow('SPLIT is a table function: use it as LATERAL TABLE(SPLIT(...)) in FROM');
    expect(() => tEnv.sqlQuery('SELECT * FROM T, LATERAL TABLE(split(s)) AS X(a)')).toThrow('SPLIT returns 2 columns; AS X(...) names 1');
    expect(() => tEnv.sqlQuery('SELECT * FROM T, LATERAL TABLE(nope(s)) AS X(a)')).toThrow('unknown table function NOPE');
  });
});
