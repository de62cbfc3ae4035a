import { z } from 'zod';
import type { ConnectorDefinition, ConnectorSpec } from '../registry.js';
import { FlinkSqlGatewaySourceFunction } from './FlinkSqlGatewaySourceFunction.js';

export const FlinkSqlGatewayConfig = z.object({
  /** The gateway's REST endpoint, e.g. http://flink-host:8083. */
  url: z.string().url(),
  /** Statements of the cell, in order, with the line each starts on; the last one's results are emitted. */
  statements: z.array(z.object({ text: z.string().min(1), line: z.number().int().min(1) })).min(1),
  /** DDL and SET statements of the cells above, run first in the same session. */
  catalog: z.array(z.string()).default([]),
  /** Session properties (Flink configuration) for the gateway session. */
  properties: z.record(z.string(), z.string()).default({}),
  jobName: z.string().optional(),
  pollIntervalMs: z.number().int().min(10).default(200),
});
export type FlinkSqlGatewayConfig = z.output<typeof FlinkSqlGatewayConfig>;

export const flinkSqlGatewayConnector: ConnectorDefinition<FlinkSqlGatewayConfig> = {
  name: 'flink-sql-gateway',
  description: 'Runs SQL on an Apache Flink cluster through its SQL Gateway and emits the changelog of the query',
  configSchema: FlinkSqlGatewayConfig as unknown as z.ZodType<FlinkSqlGatewayConfig>,
  createSource: (c) => new FlinkSqlGatewaySourceFunction(FlinkSqlGatewayConfig.parse(c)),
  bounded: () => false,
};

/** `env.fromSource(new FlinkSqlGatewaySource({ url, statements }), WatermarkStrategy.noWatermarks(), 'Flink')` */
export class FlinkSqlGatewaySource implements ConnectorSpec<z.input<typeof FlinkSqlGatewayConfig>> {
  readonly connector = 'flink-sql-gateway';
  constructor(readonly config: z.input<typeof FlinkSqlGatewayConfig>) {}
}
