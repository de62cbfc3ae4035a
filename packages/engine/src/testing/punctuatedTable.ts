import type { DataStream } from '../api/DataStream.js';
import { StreamExecutionEnvironment } from '../api/StreamExecutionEnvironment.js';
import { Schema } from '../table/Schema.js';
import { StreamTableEnvironment } from '../table/StreamTableEnvironment.js';
import { WatermarkStrategy } from '../time/WatermarkStrategy.js';

/**
 * A Table API environment (parallelism 1) with view `T` over `rows`: the given columns plus `rowtime` from each row's
 * `ts`, and a punctuated watermark at ts - 1 after each new maximum, so lateness in a SQL test is exact.
 */
export function punctuatedTable<E extends { ts: number }>(rows: E[], columns: [name: string, type: string][], view = 'T'): StreamTableEnvironment {
  const env = new StreamExecutionEnvironment();
  env.setParallelism(1);
  const tEnv = StreamTableEnvironment.create(env);
  const stream = env.fromCollection(rows).assignTimestampsAndWatermarks(
    WatermarkStrategy.forGenerator<E>(() => {
      let max = -Infinity;
      return {
        onEvent: (_e, ts, out) => {
          if (ts > max) out.emitWatermark((max = ts) - 1);
        },
        onPeriodicEmit: () => {},
      };
    }).withTimestampAssigner((e) => e.ts),
  );
  let schema = Schema.newBuilder();
  for (const [name, type] of columns) schema = schema.column(name, type);
  tEnv.createTemporaryView(view, stream as DataStream<unknown>, schema.columnByMetadata('rowtime', 'TIMESTAMP(3)').watermark('rowtime', 'SOURCE_WATERMARK()').build());
  return tEnv;
}
