import { z } from 'zod';
import type { ConnectorDefinition } from '../registry.js';
import type { SinkContext, SinkFunction } from '../SourceFunction.js';

export const CollectConfig = z.object({ name: z.string().default('collect') });
export type CollectConfig = z.input<typeof CollectConfig>;

type CollectFn = (sink: string, value: unknown, timestamp: number) => void;
type CollectBatchFn = (sink: string, values: readonly unknown[], timestamps: Float64Array, length: number) => void;

/** The sink behind executeAndCollect(): hands records back to the caller through the job's services. */
class CollectSinkFunction implements SinkFunction {
  private collect: CollectFn | undefined;
  private collectBatch: CollectBatchFn | undefined;
  constructor(private readonly name: string) {}
  open(ctx: SinkContext): void {
    this.collect = ctx.services.collect as CollectFn | undefined;
    this.collectBatch = ctx.services.collectBatch as CollectBatchFn | undefined;
  }
  invoke(value: unknown, timestamp: number): void {
    this.collect?.(this.name, value, timestamp);
  }
  /** One call per batch when the host takes batches (collectBatch), else collect() per record. */
  invokeBatch(values: readonly unknown[], timestamps: Float64Array, length: number): void {
    if (this.collectBatch !== undefined) return this.collectBatch(this.name, values, timestamps, length);
    const collect = this.collect;
    if (collect === undefined) return;
    const name = this.name;
    for (let i = 0; i < length; i++) collect(name, values[i], timestamps[i]!);
  }
}

export const collectConnector: ConnectorDefinition<CollectConfig> = {
  name: 'collect',
  description: 'Returns records to the program that runs the job (executeAndCollect)',
  configSchema: CollectConfig as z.ZodType<CollectConfig>,
  createSink: (config) => new CollectSinkFunction(config.name ?? 'collect'),
};
