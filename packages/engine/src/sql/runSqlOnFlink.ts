import { StreamExecutionEnvironment } from '../api/StreamExecutionEnvironment.js';
import { FlinkSqlGatewaySource } from '../connectors/flinkSqlGateway/flinkSqlGateway.js';
import { LiveSink } from '../connectors/live/LiveSink.js';
import { WatermarkStrategy } from '../time/WatermarkStrategy.js';

export interface FlinkSqlOptions {
  /** The Flink SQL Gateway's REST endpoint, e.g. http://flink-host:8083. */
  gateway: string;
  /** Statements of earlier SQL cells (CREATE TABLE/VIEW, SET), run first in the gateway session. */
  catalog?: string[];
  jobName?: string;
  /** LiveSink name for the last statement's rows; default 'result'. */
  resultSink?: string;
  /** Session properties for the gateway (Flink configuration keys). */
  properties?: Record<string, string>;
}

/**
 * Runs a SQL cell on an Apache Flink cluster through its SQL Gateway: the statements (each with the line it starts on
 * in the cell) go to one gateway session; the last one's changelog streams into new LiveSink(resultSink) as records
 * `{ ...columns, $rowKind }`, as runSqlScript's results do. A Flowbook job carries the results, so cancelling the
 * cell cancels the Flink job (the gateway closes the operation).
 */
export async function runSqlOnFlink(statements: { text: string; line: number }[], options: FlinkSqlOptions): Promise<void> {
  if (statements.length === 0) return;
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  env
    .fromSource(
      new FlinkSqlGatewaySource({
        url: options.gateway,
        statements,
        catalog: options.catalog ?? [],
        properties: options.properties ?? {},
        ...(options.jobName !== undefined ? { jobName: options.jobName } : {}),
      }),
      WatermarkStrategy.noWatermarks(),
      'Flink SQL Gateway',
    )
    .sinkTo(new LiveSink(options.resultSink ?? 'result'), 'Result');
  await env.execute(options.jobName ?? 'SQL job on Flink');
}
