import { beforeAll, describe, expect, it } from 'vitest';
import '../connectors/index.js';
import { parseStatements } from './catalog.js';
import { punctuatedTable } from '../testing/punctuatedTable.js';
import { SqlError } from './SqlError.js';

type Ev = { k: string; v: number; ts: number };

/** Table T(k, v, rowtime) with a punctuated watermark ts - 1 after each row: lateness is exact. */
const setup = (rows: Ev[]) => punctuatedTable(rows, [['k', 'STRING'], ['v', 'INT']]);

const rows: Ev[] = [
  { k: 'a', v: 3, ts: 3000 },
  { k: 'b', v: 1, ts: 1000 },
  { k: 'a', v: 5, ts: 5000 },
  { k: 'c', v: 2, ts: 2000 },
];

describe('SQL UNION, INTERSECT, EXCEPT, DISTINCT, ORDER BY, LIMIT', () => {
  beforeAll(() => void parseStatements('SELECT a FROM t'), 120_000);

  it("refuses ORDER BY that is not a time attribute ascending without LIMIT, with Flink's message", () => {
    const tEnv = setup(rows);
    for (const q of ['SELECT k FROM T ORDER BY v', 'SELECT k FROM T ORDER BY rowtime DESC']) {
      expect(() => tEnv.sqlQuery(q)).toThrow(SqlError);
      expect(() => tEnv.sqlQuery(q)).toThrow('Sort on a non-time-attribute field is not supported.');
    }
  });

  it('sorts by rowtime when the watermark passes, and drops a row later than the rows already emitted', async () => {
    const tEnv = setup([...rows, { k: 'late', v: 0, ts: 1500 }, { k: 'z', v: 9, ts: 6000 }]);
    const out = await tEnv.toDataStream(tEnv.sqlQuery('SELECT k, v FROM T ORDER BY rowtime')).executeAndCollect();
    // b@1000 is emitted once the watermark reaches 2999 (a@3000); c@2000 arrives after that: late, as late@1500
    expect(out.map((r) => r.k)).toEqual(['b', 'a', 'a', 'z']);
  });

  it('ORDER BY ... LIMIT is a rank over the whole stream: +I and -D as rows enter and leave the top', async () => {
    const tEnv = setup(rows);
    const t = tEnv.sqlQuery('SELECT k, v FROM T ORDER BY v DESC LIMIT 2');
    expect(t.isUpdating()).toBe(true);
    const out = await tEnv.toChangelogStream(t).executeAndCollect();
    expect(out.map((r) => `${r.$rowKind}${r.k}${r.v}`)).toEqual(['+Ia3', '+Ib1', '-Db1', '+Ia5']);
  });

  it('ORDER BY ... LIMIT over an updating GROUP BY follows its retractions (by alias and by expression)', async () => {
    for (const q of ['SELECT k, COUNT(*) AS n FROM T GROUP BY k ORDER BY n DESC LIMIT 1', 'SELECT k FROM T GROUP BY k ORDER BY SUM(v) DESC LIMIT 1']) {
      const tEnv = setup(rows);
      const out = await tEnv.toChangelogStream(tEnv.sqlQuery(q)).executeAndCollect();
      // apply the changelog: the final top row is 'a' (2 rows, sum 8)
      const live: string[] = [];
      for (const r of out) {
        const text = `${r.k}`;
        if (r.$rowKind === '+I' || r.$rowKind === '+U') live.push(text);
        else live.splice(live.indexOf(text), 1);
      }
      expect(live).toEqual(['a']);
    }
  });

  it('LIMIT alone keeps the first rows, insert-only', async () => {
    const tEnv = setup(rows);
    const t = tEnv.sqlQuery('SELECT k FROM T LIMIT 2');
    expect(t.isUpdating()).toBe(false);
    expect((await tEnv.toDataStream(t).executeAndCollect()).map((r) => r.k)).toEqual(['a', 'b']);
  });

  it('UNION chains associate to the left; SELECT DISTINCT emits each row once', async () => {
    const tEnv = setup(rows);
    // (T UNION T) UNION ALL T: 3 distinct keys, then all 4 rows again
    const chain = tEnv.sqlQuery('SELECT k FROM T UNION SELECT k FROM T UNION ALL SELECT k FROM T');
    const out = await tEnv.toChangelogStream(chain).executeAndCollect();
    expect(out.filter((r) => r.$rowKind === '+I' || r.$rowKind === undefined).length).toBe(7);
    const tEnv2 = setup(rows);
    const d = await tEnv2.toChangelogStream(tEnv2.sqlQuery('SELECT DISTINCT k FROM T')).executeAndCollect();
    expect(d.map((r) => `${r.$rowKind}${r.k}`)).toEqual(['+Ia', '+Ib', '+Ic']);
  });

  it('refuses set operations over inputs of different widths', () => {
    const tEnv = setup(rows);
    expect(() => tEnv.sqlQuery('SELECT k FROM T UNION ALL SELECT k, v FROM T')).toThrow(/Column count mismatch in UNION ALL/);
    expect(() => tEnv.sqlQuery('SELECT k FROM T EXCEPT ALL SELECT k, v FROM T')).toThrow(/Column count mismatch in EXCEPT ALL/);
  });

  /** The rows a changelog leaves (each +I/+U adds a row, each -U/-D removes an equal one), sorted. */
  const materialize = (out: Record<string, unknown>[], col: string) => {
    const live: string[] = [];
    for (const r of out) {
      if (r.$rowKind === '-U' || r.$rowKind === '-D') live.splice(live.indexOf(String(r[col])), 1);
      else live.push(String(r[col]));
    }
    return live.sort();
  };

  it('INTERSECT binds tighter than UNION and EXCEPT; EXPLAIN names Calcite operators', async () => {
    const tEnv = setup(rows);
    // T UNION (T' INTERSECT T''): all keys, whereas (T UNION T') INTERSECT T'' would keep only 'a'
    const q = "SELECT k FROM T UNION SELECT k FROM T WHERE v > 100 INTERSECT SELECT k FROM T WHERE k = 'a'";
    expect(materialize(await tEnv.toChangelogStream(tEnv.sqlQuery(q)).executeAndCollect(), 'k')).toEqual(['a', 'b', 'c']);
    const tEnv2 = setup(rows);
    const except = tEnv2.sqlQuery('SELECT k FROM T EXCEPT SELECT k FROM T WHERE v = 3');
    expect(except.isUpdating()).toBe(true);
    expect(materialize(await tEnv2.toChangelogStream(except).executeAndCollect(), 'k')).toEqual(['b', 'c']);
    expect(tEnv2.explainSql('SELECT k FROM T INTERSECT ALL SELECT k FROM T')).toMatch(/^== Physical Plan ==\nIntersect\(all=\[true\], select=\[k\]\)\n  /);
  });

  it('follows retractions of an updating input: a row leaves the result when its count changes side', async () => {
    const tEnv = setup(rows);
    // keys with more than one row: 'a' (2 rows) only once both a-rows are in; EXCEPT drops it then
    const t = tEnv.sqlQuery('SELECT k FROM T EXCEPT SELECT k FROM T GROUP BY k HAVING COUNT(*) > 1');
    const out = await tEnv.toChangelogStream(t).executeAndCollect();
    expect(out.map((r) => `${r.$rowKind}${r.k}`)).toEqual(['+Ia', '+Ib', '-Da', '+Ic']);
    expect(materialize(out, 'k')).toEqual(['b', 'c']);
  });
});
