import { beforeAll, describe, expect, it } from 'vitest';
import '../connectors/index.js';
import { StreamExecutionEnvironment } from '../api/StreamExecutionEnvironment.js';
import { punctuatedTable } from '../testing/punctuatedTable.js';
import { Job, type JobSnapshot } from '../runtime/Job.js';
import { StreamTableEnvironment } from '../table/StreamTableEnvironment.js';
import { parseStatements } from './catalog.js';
import type { SqlAggregateFunction } from './udf.js';

/** Flink's documentation example of an AggregateFunction: the weighted average of (value, weight). */
class WeightedAvg implements SqlAggregateFunction<{ sum: number; count: number }, number | null> {
  resultType = 'DOUBLE';
  createAccumulator() {
    return { sum: 0, count: 0 };
  }
  accumulate(acc: { sum: number; count: number }, value: number | null, weight: number | null) {
    if (value === null || weight === null) return;
    acc.sum += value * weight;
    acc.count += weight;
  }
  retract(acc: { sum: number; count: number }, value: number | null, weight: number | null) {
    if (value === null || weight === null) return;
    acc.sum -= value * weight;
    acc.count -= weight;
  }
  merge(acc: { sum: number; count: number }, others: Iterable<{ sum: number; count: number }>) {
    for (const o of others) {
      acc.sum += o.sum;
      acc.count += o.count;
    }
  }
  getValue(acc: { sum: number; count: number }) {
    return acc.count === 0 ? null : acc.sum / acc.count;
  }
}

/** Accumulate only: no retract, no merge. */
const appendOnlySum: SqlAggregateFunction<{ s: number }, number> = {
  resultType: 'INT',
  createAccumulator: () => ({ s: 0 }),
  accumulate: (acc, v: number | null) => void (acc.s += v ?? 0),
  getValue: (acc) => acc.s,
};

const rows = [
  { k: 'a', v: 10, w: 1, ts: 1000 },
  { k: 'a', v: 20, w: 3, ts: 3000 },
  { k: 'b', v: 5, w: 2, ts: 4000 },
  { k: 'a', v: 40, w: 1, ts: 12_000 },
  { k: 'b', v: 7, w: null, ts: 13_000 },
];
const columns: [string, string][] = [
  ['k', 'STRING'],
  ['v', 'INT'],
  ['w', 'INT'],
];
function table() {
  const tEnv = punctuatedTable(rows, columns);
  tEnv.createTemporarySystemFunction('wavg', new WeightedAvg());
  tEnv.createTemporarySystemFunction('plain_sum', appendOnlySum);
  return tEnv;
}
const changelog = async (tEnv: StreamTableEnvironment, sql: string) => tEnv.toChangelogStream(tEnv.sqlQuery(sql)).executeAndCollect();

describe("user-defined aggregate functions (Flink's AggregateFunction)", () => {
  beforeAll(() => void parseStatements('SELECT a FROM t'), 120_000);

  it('aggregates per group with several arguments, NULLs passed through, as an updating changelog', async () => {
    const tEnv = table();
    const t = tEnv.sqlQuery('SELECT k, wavg(v, w) AS avg_v, COUNT(*) AS n FROM T GROUP BY k');
    expect(t.getResolvedSchema().columns.find((c) => c.name === 'avg_v')?.type).toBe('DOUBLE');
    expect(await tEnv.toChangelogStream(t).executeAndCollect()).toEqual([
      { k: 'a', avg_v: 10, n: 1, $rowKind: '+I' },
      { k: 'a', avg_v: 10, n: 1, $rowKind: '-U' },
      { k: 'a', avg_v: 17.5, n: 2, $rowKind: '+U' },
      { k: 'b', avg_v: 5, n: 1, $rowKind: '+I' },
      { k: 'a', avg_v: 17.5, n: 2, $rowKind: '-U' },
      { k: 'a', avg_v: 22, n: 3, $rowKind: '+U' },
      { k: 'b', avg_v: 5, n: 1, $rowKind: '-U' },
      { k: 'b', avg_v: 5, n: 2, $rowKind: '+U' },
    ]);
  });

  it('retracts when its input is an updating query, and refuses a function without retract there', async () => {
    const tEnv = table();
    tEnv.executeSql('CREATE VIEW per_key AS SELECT k, SUM(v) AS s, COUNT(*) AS c FROM T GROUP BY k');
    // the same changelog as the built-in SUM's: each update of per_key retracts its old row first
    // x is the average of the per-key sums weighted by their row counts
    expect(await changelog(tEnv, 'SELECT wavg(s, c) AS x, SUM(s) AS total FROM per_key')).toEqual([
      { x: 10, total: 10, $rowKind: '+I' },
      { x: 10, total: 10, $rowKind: '-D' },
      { x: 30, total: 30, $rowKind: '+I' },
      { x: 30, total: 30, $rowKind: '-U' },
      { x: 65 / 3, total: 35, $rowKind: '+U' },
      { x: 65 / 3, total: 35, $rowKind: '-U' },
      { x: 5, total: 5, $rowKind: '+U' },
      { x: 5, total: 5, $rowKind: '-U' },
      { x: 53.75, total: 75, $rowKind: '+U' },
      { x: 53.75, total: 75, $rowKind: '-U' },
      { x: 70, total: 70, $rowKind: '+U' },
      { x: 70, total: 70, $rowKind: '-U' },
      { x: 46.8, total: 82, $rowKind: '+U' },
    ]);
    expect(() => tEnv.sqlQuery('SELECT plain_sum(s) AS t FROM per_key')).toThrow('aggregate function PLAIN_SUM has no retract(acc, ...args), which an updating input needs');
  });

  it('aggregates windows of TUMBLE, HOP and CUMULATE, and merges session windows (refused without merge)', async () => {
    const tEnv = table();
    const tumble = await tEnv
      .toDataStream(tEnv.sqlQuery("SELECT k, window_start, wavg(v, w) AS avg_v, plain_sum(v) AS s FROM TABLE(TUMBLE(TABLE T, DESCRIPTOR(rowtime), INTERVAL '10' SECOND)) GROUP BY k, window_start, window_end"))
      .executeAndCollect();
    expect(tumble).toEqual([
      { k: 'a', window_start: 0, avg_v: 17.5, s: 30 },
      { k: 'b', window_start: 0, avg_v: 5, s: 5 },
      { k: 'a', window_start: 10_000, avg_v: 40, s: 40 },
      { k: 'b', window_start: 10_000, avg_v: null, s: 7 },
    ]);
    // HOP and CUMULATE windows: each row in every window it falls in
    const tvf = (fn: string) =>
      tEnv.toDataStream(tEnv.sqlQuery(`SELECT window_start AS ws, window_end AS we, plain_sum(v) AS s FROM TABLE(${fn}) WHERE k = 'a' GROUP BY window_start, window_end`)).executeAndCollect();
    expect(await tvf("HOP(TABLE T, DESCRIPTOR(rowtime), INTERVAL '5' SECOND, INTERVAL '10' SECOND)")).toEqual([
      { ws: -5000, we: 5000, s: 30 },
      { ws: 0, we: 10_000, s: 30 },
      { ws: 5000, we: 15_000, s: 40 },
      { ws: 10_000, we: 20_000, s: 40 },
    ]);
    expect(await tvf("CUMULATE(TABLE T, DESCRIPTOR(rowtime), INTERVAL '5' SECOND, INTERVAL '10' SECOND)")).toEqual([
      { ws: 0, we: 5000, s: 30 },
      { ws: 0, we: 10_000, s: 30 },
      { ws: 10_000, we: 15_000, s: 40 },
      { ws: 10_000, we: 20_000, s: 40 },
    ]);
    const session = "SELECT k, SESSION_START(rowtime, INTERVAL '5' SECOND) AS s, SESSION_END(rowtime, INTERVAL '5' SECOND) AS e, FN(v, w) AS x FROM T GROUP BY k, SESSION(rowtime, INTERVAL '5' SECOND)";
    expect(await tEnv.toDataStream(tEnv.sqlQuery(session.replace('FN', 'wavg'))).executeAndCollect()).toEqual([
      { k: 'a', s: 1000, e: 8000, x: 17.5 },
      { k: 'b', s: 4000, e: 9000, x: 5 },
      { k: 'a', s: 12_000, e: 17_000, x: 40 },
      { k: 'b', s: 13_000, e: 18_000, x: null },
    ]);
    expect(() => tEnv.sqlQuery(session.replace('FN', 'plain_sum'))).toThrow('aggregate function PLAIN_SUM has no merge(acc, others), which a SESSION window needs');
  });

  it('runs over OVER windows, retracting the rows that leave a bounded frame', async () => {
    const tEnv = table();
    const over = (fn: string, frame: string) => tEnv.toDataStream(tEnv.sqlQuery(`SELECT k, v, ${fn}(v, 1) OVER (PARTITION BY k ORDER BY rowtime ${frame}) AS x FROM T`)).executeAndCollect();
    expect(await over('wavg', 'ROWS BETWEEN 1 PRECEDING AND CURRENT ROW')).toEqual([
      { k: 'a', v: 10, x: 10 },
      { k: 'a', v: 20, x: 15 },
      { k: 'b', v: 5, x: 5 },
      { k: 'a', v: 40, x: 30 },
      { k: 'b', v: 7, x: 6 },
    ]);
    expect(() => tEnv.sqlQuery('SELECT plain_sum(v) OVER (PARTITION BY k ORDER BY rowtime ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS x FROM T')).toThrow('which a bounded OVER frame needs');
    expect(() => tEnv.sqlQuery('SELECT wavg(DISTINCT v, w) AS x FROM T')).toThrow('DISTINCT is not supported for user-defined aggregate functions');
    expect(() => tEnv.sqlQuery('SELECT k FROM T WHERE wavg(v, w) > 1')).toThrow('aggregate WAVG is not allowed here');
  });

  it("loads an AggregateFunction class from a code cell's module with CREATE FUNCTION", async () => {
    const tEnv = punctuatedTable(rows, columns);
    tEnv.functionModules.set('stats', { WeightedAvg });
    tEnv.executeSql("CREATE TEMPORARY FUNCTION wavg AS 'stats.WeightedAvg'");
    // b's second row has a NULL weight: the average stays, so no update is emitted
    expect(await changelog(tEnv, "SELECT wavg(v, w) AS x FROM T WHERE k = 'b'")).toEqual([{ x: 5, $rowKind: '+I' }]);
    expect(() => tEnv.createTemporarySystemFunction('count', new WeightedAvg())).toThrow(/built-in/);
  });

  it('keeps its accumulators in checkpointed keyed state: a job restored from a snapshot ends with the same results', async () => {
    const N = 6000;
    const graph = () => {
      const env = new StreamExecutionEnvironment();
      env.setParallelism(2);
      const tEnv = StreamTableEnvironment.create(env);
      tEnv.executeSql(`CREATE TABLE src (i BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '${N}', 'rows-per-second' = '4000', 'fields.i.kind' = 'sequence', 'fields.i.start' = '0', 'fields.i.end' = '${N - 1}')`);
      tEnv.createTemporarySystemFunction('wavg', new WeightedAvg());
      const t = tEnv.sqlQuery('SELECT MOD(i, 7) AS k, wavg(MOD(i, 100), 1 + MOD(i, 3)) AS x, COUNT(*) AS n FROM src GROUP BY MOD(i, 7)');
      tEnv.toChangelogStream(t).sinkTo({ connector: 'collect', config: { name: 'out' } });
      return env.getPipeline('udaf');
    };
    type R = { k: number; x: number; n: number; $rowKind: string };
    const run = async (options: { restoreFrom?: JobSnapshot; snapshotAfterMs?: number }) => {
      const out: R[] = [];
      const job = new Job(graph(), { services: { collect: (_s: string, v: unknown) => out.push(v as R) }, ...(options.restoreFrom ? { restoreFrom: options.restoreFrom } : {}) });
      const running = job.run();
      let snapshot: JobSnapshot | undefined;
      if (options.snapshotAfterMs !== undefined) {
        await new Promise((r) => setTimeout(r, options.snapshotAfterMs));
        snapshot = structuredClone(job.snapshot(1));
        job.cancel();
      }
      await running;
      return { out, snapshot };
    };
    const last = (out: R[]) => Object.fromEntries(out.filter((r) => r.$rowKind !== '-U').map((r) => [r.k, { x: r.x, n: r.n }]));
    const first = await run({ snapshotAfterMs: 400 });
    const done = Object.values(last(first.out)).reduce((a, b) => a + b.n, 0);
    expect(done).toBeGreaterThan(0);
    expect(done).toBeLessThan(N);
    const rest = await run({ restoreFrom: first.snapshot });
    // counts go on from the restored accumulators, and every value ends as computed here from all rows
    const expected: Record<string, { x: number; n: number }> = {};
    for (let k = 0; k < 7; k++) {
      let sum = 0;
      let weight = 0;
      let n = 0;
      for (let i = k; i < N; i += 7) {
        sum += (i % 100) * (1 + (i % 3));
        weight += 1 + (i % 3);
        n++;
      }
      expected[k] = { x: sum / weight, n };
    }
    const end = last([...first.out, ...rest.out]);
    for (let k = 0; k < 7; k++) {
      expect(end[k]!.n).toBe(expected[k]!.n);
      expect(end[k]!.x).toBeCloseTo(expected[k]!.x, 9);
    }
  });
});
