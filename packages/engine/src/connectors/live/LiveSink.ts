import { z } from 'zod';
import type { ConnectorDefinition, ConnectorSpec } from '../registry.js';
import type { SinkContext, SinkFunction } from '../SourceFunction.js';

export const LiveSinkConfig = z.object({ name: z.string().min(1).default('result') });
export type LiveSinkConfig = z.input<typeof LiveSinkConfig>;

type LiveFn = (sink: string, value: unknown, timestamp: number) => void;

/** Streams records to the notebook cell that runs the job (a live chart or table). The host batches and coalesces. */
export class LiveSink<T = unknown> implements ConnectorSpec<LiveSinkConfig> {
  readonly connector = 'live';
  readonly config: LiveSinkConfig;
  declare readonly _type?: T;
  constructor(name = 'result') {
    this.config = { name };
  }
}

class LiveSinkFunction implements SinkFunction {
  private live: LiveFn | undefined;
  constructor(private readonly name: string) {}
  open(ctx: SinkContext): void {
    this.live = ctx.services.live as LiveFn | undefined;
  }
  invoke(value: unknown, timestamp: number): void {
    this.live?.(this.name, value, timestamp);
  }
}

export const liveConnector: ConnectorDefinition<LiveSinkConfig> = {
  name: 'live',
  description: 'Shows records live in the notebook cell (chart or table)',
  configSchema: LiveSinkConfig as z.ZodType<LiveSinkConfig>,
  createSink: (config) => new LiveSinkFunction(config.name ?? 'result'),
};
