import { z } from 'zod';
import type { ConnectorDefinition } from '../registry.js';
import type { SinkFunction } from '../SourceFunction.js';

export const BlackholeConfig = z.object({});
export type BlackholeConfig = z.input<typeof BlackholeConfig>;

/** Swallows every record (Flink's 'blackhole' connector): for benchmarks and for jobs run for their side effects. */
class BlackholeSink implements SinkFunction {
  invoke(): void {}
  invokeBatch(): void {}
}

export const blackholeConnector: ConnectorDefinition<BlackholeConfig> = {
  name: 'blackhole',
  description: 'Discards every record (for benchmarks)',
  configSchema: BlackholeConfig as z.ZodType<BlackholeConfig>,
  createSink: () => new BlackholeSink(),
  parallelSink: true,
};
