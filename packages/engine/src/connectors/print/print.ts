import { z } from 'zod';
import type { ConnectorDefinition } from '../registry.js';
import type { SinkContext, SinkFunction } from '../SourceFunction.js';

export const PrintConfig = z.object({ prefix: z.string().optional() });
export type PrintConfig = z.input<typeof PrintConfig>;

/** Flink's print(): one line per record, to the cell's log (or stdout when no host listens). */
class PrintSinkFunction implements SinkFunction {
  private log: (line: string) => void = (l) => process.stdout.write(l + '\n');
  constructor(private readonly prefix: string | undefined) {}
  open(ctx: SinkContext): void {
    if (typeof ctx.services.log === 'function') this.log = ctx.services.log as (line: string) => void;
  }
  invoke(value: unknown): void {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    this.log(this.prefix ? `${this.prefix}> ${text}` : text);
  }
}

export const printConnector: ConnectorDefinition<PrintConfig> = {
  name: 'print',
  description: 'Prints each record as a line in the cell output',
  configSchema: PrintConfig as z.ZodType<PrintConfig>,
  createSink: (config) => new PrintSinkFunction(config.prefix),
};
