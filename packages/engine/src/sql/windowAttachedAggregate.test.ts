import { beforeAll, describe, expect, it } from 'vitest';
import '../connectors/index.js';
import { parseStatements } from './catalog.js';
import { punctuatedTable } from '../testing/punctuatedTable.js';

type Ev = { k: string; ts: number };
const setup = (rows: Ev[]) => punctuatedTable(rows, [['k', 'STRING']]);

const hop = "TABLE(HOP(TABLE T, DESCRIPTOR(rowtime), INTERVAL '5' SECOND, INTERVAL '10' SECOND))";
/** Counts per key and window, the window bounds renamed (as Nexmark q5 writes them). */
const counts = `SELECT k, COUNT(*) AS num, window_start AS st, window_end AS en FROM ${hop} GROUP BY k, window_start, window_end`;
const rows: Ev[] = [
  { k: 'a', ts: 1000 },
  { k: 'b', ts: 2000 },
  { k: 'a', ts: 3000 },
  { k: 'b', ts: 6000 },
  { k: 'b', ts: 7000 },
  { k: 'c', ts: 8000 },
  { k: 'z', ts: 40000 },
];

describe('SQL window aggregation over windowed rows (window attached)', () => {
  beforeAll(() => void parseStatements('SELECT a FROM t'), 120_000);

  it('emits each window once, append-only, and keeps the bounds window attributes', async () => {
    const maxPerWindow = `SELECT MAX(num) AS maxn, st, en FROM (${counts}) GROUP BY st, en`;
    const tEnv = setup(rows);
    expect(tEnv.explainSql(maxPerWindow)).toContain('WindowAggregate(groupBy=[st, en], window=[attached(window_end=[en])]');
    const t = tEnv.sqlQuery(maxPerWindow);
    expect(t.isUpdating()).toBe(false);
    const got = await tEnv.toChangelogStream(t).executeAndCollect();
    // windows [-5, 5): a 2, b 1; [0, 10): a 2, b 3, c 1; [5, 15): b 2, c 1; the last windows of z: 1 each
    expect(got.map((r) => `${r.$rowKind}${r.st}/${r.en}:${r.maxn}`).sort()).toEqual(['+I-5000/5000:2', '+I0/10000:3', '+I35000/45000:1', '+I40000/50000:1', '+I5000/15000:2']);
  });

  it('plans Nexmark q5 (the counts joined with their maximum per window) as a window join, with the same rows', async () => {
    const q5 = `SELECT C.k, C.num, C.st FROM (${counts}) AS C JOIN (SELECT MAX(M.num) AS maxn, M.st, M.en FROM (${counts}) AS M GROUP BY M.st, M.en) AS X
      ON C.st = X.st AND C.en = X.en AND C.num >= X.maxn`;
    const tEnv = setup(rows);
    const plan = tEnv.explainSql(q5);
    expect(plan).toContain('WindowJoin(joinType=[InnerJoin]');
    expect(plan).not.toContain('GroupAggregate(');
    const got = await tEnv.toChangelogStream(tEnv.sqlQuery(q5)).executeAndCollect();
    expect(got.map((r) => `${r.$rowKind}${r.k}@${r.st}:${r.num}`).sort()).toEqual(['+Ia@-5000:2', '+Ib@0:3', '+Ib@5000:2', '+Iz@35000:1', '+Iz@40000:1']);
  });

  it('runs a subquery written twice once (sub-plan reuse), unless table.optimizer.reuse-sub-plan-enabled is false', () => {
    const q = `SELECT L.k, R.num FROM (${counts}) L JOIN (${counts}) R ON L.k = R.k AND L.st = R.st AND L.en = R.en`;
    const windowOperators = (reuse?: string) => {
      const tEnv = setup(rows);
      if (reuse) tEnv.executeSql(`SET 'table.optimizer.reuse-sub-plan-enabled' = '${reuse}'`);
      tEnv.toDataStream(tEnv.sqlQuery(q));
      return tEnv.env.getPipeline().nodes.filter((n) => n.name === 'GroupWindowAggregate').length;
    };
    expect(windowOperators()).toBe(1);
    expect(windowOperators('false')).toBe(2);
  });
});
