import { beforeAll, describe, expect, it } from 'vitest';
import '../connectors/index.js';
import { StreamExecutionEnvironment } from '../api/StreamExecutionEnvironment.js';
import { Schema } from '../table/Schema.js';
import { StreamTableEnvironment } from '../table/StreamTableEnvironment.js';
import { WatermarkStrategy } from '../time/WatermarkStrategy.js';
import { parseStatements } from './catalog.js';

function setup() {
  const env = new StreamExecutionEnvironment();
  const tEnv = StreamTableEnvironment.create(env);
  const rows = [{ k: 'a', v: 1, ts: 1000 }];
  const stream = env.fromCollection(rows).assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<(typeof rows)[number]>().withTimestampAssigner((e) => e.ts));
  tEnv.createTemporaryView('T', stream, Schema.newBuilder().column('k', 'STRING').column('v', 'INT').columnByMetadata('rowtime', 'TIMESTAMP(3)').watermark('rowtime', 'SOURCE_WATERMARK()').build());
  return tEnv;
}

describe('SQL OVER aggregation: what Flink refuses', () => {
  beforeAll(() => void parseStatements('SELECT a FROM t'), 120_000);
  it('plans an OverAggregate with its frame', () => {
    const plan = setup().explainSql("SELECT k, SUM(v) OVER (PARTITION BY k ORDER BY rowtime RANGE BETWEEN INTERVAL '1' MINUTE PRECEDING AND CURRENT ROW) AS s FROM T");
    expect(plan).toContain('OverAggregate(partitionBy=[k], orderBy=[rowtime ASC], window=[RANGE BETWEEN 60000 ms PRECEDING AND CURRENT ROW]');
  });
  it('needs one window for all OVER aggregates, ordered by a time attribute ascending, ending at the current row', () => {
    const tEnv = setup();
    expect(() => tEnv.sqlQuery('SELECT SUM(v) OVER (PARTITION BY k ORDER BY rowtime) AS a, COUNT(v) OVER (ORDER BY rowtime) AS b FROM T')).toThrow(
      'All aggregates must be computed on the same window',
    );
    expect(() => tEnv.sqlQuery('SELECT SUM(v) OVER (ORDER BY v) AS a FROM T')).toThrow("OVER windows' ordering in stream mode must be defined on a time attribute.");
    expect(() => tEnv.sqlQuery('SELECT SUM(v) OVER (ORDER BY rowtime DESC) AS a FROM T')).toThrow('must be defined on a time attribute');
    expect(() => tEnv.sqlQuery('SELECT SUM(v) OVER (ORDER BY rowtime ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS a FROM T')).toThrow('CURRENT ROW');
  });
});
