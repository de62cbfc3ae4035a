import { beforeAll, describe, expect, it } from 'vitest';
import '../connectors/index.js';
import { StreamExecutionEnvironment } from '../api/StreamExecutionEnvironment.js';
import { Schema } from '../table/Schema.js';
import { StreamTableEnvironment } from '../table/StreamTableEnvironment.js';
import { parseStatements } from './catalog.js';
import { punctuatedTable } from '../testing/punctuatedTable.js';

type Ev = { k: string; id: string; ts: number };

/** Table T(k, id, rowtime) with a punctuated watermark ts - 1 after each row: lateness is exact. */
const setup = (rows: Ev[]) => punctuatedTable(rows, [['k', 'STRING'], ['id', 'STRING']]);

const q = (bounds: string) => `SELECT l.id AS lid, r.id AS rid FROM T AS l JOIN T AS r ON l.k = r.k AND ${bounds}`;

describe('SQL interval join', () => {
  beforeAll(() => void parseStatements('SELECT a FROM t'), 120_000);

  it('plans time bounds as an append-only IntervalJoin (BETWEEN, and strict bounds by one ms)', () => {
    const tEnv = setup([]);
    const between = tEnv.explainSql(q("l.rowtime BETWEEN r.rowtime - INTERVAL '5' SECOND AND r.rowtime + INTERVAL '6' SECOND"));
    expect(between).toContain('IntervalJoin(joinType=[InnerJoin], windowBounds=[isRowTime=true, leftLowerBound=-5000, leftUpperBound=6000');
    const strict = tEnv.explainSql(q("l.rowtime > r.rowtime - INTERVAL '5' SECOND AND r.rowtime >= l.rowtime"));
    expect(strict).toContain('leftLowerBound=-4999, leftUpperBound=0');
    expect(tEnv.sqlQuery(q("l.rowtime BETWEEN r.rowtime - INTERVAL '1' SECOND AND r.rowtime")).isUpdating()).toBe(false);
    // one bound only: a regular join
    expect(tEnv.explainSql(q("l.rowtime > r.rowtime"))).toMatch(/^\s*Join\(/m);
  });

  it('joins on processing time when both bounds are between PROCTIME() attributes', async () => {
    const env = new StreamExecutionEnvironment();
    env.setParallelism(1);
    const tEnv = StreamTableEnvironment.create(env);
    const stream = env.fromCollection([
      { k: 'a', id: 'a1' },
      { k: 'a', id: 'a2' },
      { k: 'b', id: 'b1' },
    ]);
    tEnv.createTemporaryView('P', stream, Schema.newBuilder().column('k', 'STRING').column('id', 'STRING').columnByExpression('pt', 'PROCTIME()').build());
    const sql = "SELECT l.id AS lid, r.id AS rid FROM P AS l JOIN P AS r ON l.k = r.k AND l.pt BETWEEN r.pt - INTERVAL '5' SECOND AND r.pt + INTERVAL '5' SECOND";
    expect(tEnv.explainSql(sql)).toContain('windowBounds=[isRowTime=false, leftLowerBound=-5000, leftUpperBound=5000');
    const rows = await tEnv.toDataStream(tEnv.sqlQuery(sql)).executeAndCollect();
    expect(rows.map((r) => `${r.lid}-${r.rid}`).sort()).toEqual(['a1-a1', 'a1-a2', 'a2-a1', 'a2-a2', 'b1-b1']);
  });

  it('frees rows the watermark has passed: a late row no longer joins them (a regular join would)', async () => {
    // a@1000 joins itself; b@20000 moves the watermark to 19999, which expires a@1000; a@1500 is late
    const tEnv = setup([
      { k: 'a', id: 'a1', ts: 1000 },
      { k: 'b', id: 'b1', ts: 20000 },
      { k: 'a', id: 'a2', ts: 1500 },
    ]);
    const t = tEnv.sqlQuery(q("l.rowtime BETWEEN r.rowtime - INTERVAL '1' SECOND AND r.rowtime + INTERVAL '1' SECOND"));
    const rows = await tEnv.toDataStream(t).executeAndCollect();
    expect(rows.map((r) => `${r.lid}-${r.rid}`).sort()).toEqual(['a1-a1', 'b1-b1']);
  });
});
