import { beforeAll, describe, expect, it } from 'vitest';
import '../connectors/index.js';
import { parseStatements } from './catalog.js';
import { punctuatedTable } from '../testing/punctuatedTable.js';

type Ev = { k: string; ts: number };

/** Table T(k, rowtime) with a punctuated watermark ts - 1 after each row: lateness is exact. */
const setup = (rows: Ev[]) => punctuatedTable(rows, [['k', 'STRING']]);

const tvf = "TABLE(TUMBLE(TABLE T, DESCRIPTOR(rowtime), INTERVAL '5' SECOND))";
const query = `SELECT L.k, L.window_start AS ws, R.cnt FROM (SELECT * FROM ${tvf}) L
  LEFT JOIN (SELECT k, window_start, window_end, COUNT(*) AS cnt FROM ${tvf} WHERE k <> 'c' GROUP BY k, window_start, window_end) R
  ON L.window_start = R.window_start AND L.window_end = R.window_end AND L.k = R.k`;

describe('SQL window join', () => {
  beforeAll(() => void parseStatements('SELECT a FROM t'), 120_000);

  it('joins each window once the watermark passes its end, pads LEFT rows, drops rows of closed windows', async () => {
    // a@4000 comes after the watermark reached 19999: its window [0, 5 s) is closed
    const tEnv = setup([
      { k: 'a', ts: 1000 },
      { k: 'b', ts: 2000 },
      { k: 'c', ts: 3000 },
      { k: 'a', ts: 6000 },
      { k: 'z', ts: 20000 },
      { k: 'a', ts: 4000 },
    ]);
    const t = tEnv.sqlQuery(query);
    expect(tEnv.explainSql(query)).toContain('WindowJoin(joinType=[LeftOuterJoin]');
    expect(t.isUpdating()).toBe(false);
    const rows = await tEnv.toDataStream(t).executeAndCollect();
    expect(rows.map((r) => `${r.k}@${r.ws}:${r.cnt}`).sort()).toEqual(['a@0:1', 'a@5000:1', 'b@0:1', 'c@0:null', 'z@20000:1']);
  });

  it('is a window join also when projections renamed the window bounds (Nexmark q8), with the regular join\'s rows', async () => {
    const agg = (k: string) => `SELECT k, window_start AS st, window_end AS en, COUNT(*) AS n FROM ${tvf} WHERE k <> '${k}' GROUP BY k, window_start, window_end`;
    const renamed = `SELECT L.k, L.st, R.n FROM (${agg('a')}) L JOIN (${agg('b')}) R ON L.k = R.k AND L.st = R.st AND L.en = R.en`;
    const rows = [
      { k: 'a', ts: 1000 },
      { k: 'b', ts: 2000 },
      { k: 'c', ts: 3000 },
      { k: 'c', ts: 3500 },
      { k: 'c', ts: 6000 },
      { k: 'z', ts: 20000 },
    ];
    const tEnv = setup(rows);
    expect(tEnv.explainSql(renamed)).toContain('WindowJoin(joinType=[InnerJoin]');
    const got = await tEnv.toDataStream(tEnv.sqlQuery(renamed)).executeAndCollect();
    expect(got.map((r) => `${r.k}@${r.st}:${r.n}`).sort()).toEqual(['c@0:2', 'c@5000:1', 'z@20000:1']);
    // the bounds compared by a non-window column (the count) are a regular join
    const regular = `SELECT L.k FROM (${agg('a')}) L JOIN (${agg('b')}) R ON L.k = R.k AND L.n = R.n AND L.en = R.en`;
    expect(setup(rows).explainSql(regular)).toMatch(/\bJoin\(joinType=\[InnerJoin\]/);
  });
});
