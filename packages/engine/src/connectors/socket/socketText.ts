import { connect, type Socket } from 'node:net';
import { z } from 'zod';
import type { ConnectorDefinition, ConnectorSpec } from '../registry.js';
import type { SourceContext, SourceFunction } from '../SourceFunction.js';

export const SocketTextConfig = z.object({
  host: z.string().default('localhost'),
  port: z.number().int().min(1).max(65535).describe('TCP port of the text server'),
  delimiter: z.string().min(1).default('\n'),
  /** Reconnect attempts after the connection is lost or refused (Flink's maxRetry; -1 forever). */
  maxRetry: z.number().int().min(-1).default(-1),
  /** First reconnect delay (ms); doubles up to 10 s. */
  retryDelayMs: z.number().int().positive().default(500),
});
export type SocketTextConfig = z.input<typeof SocketTextConfig>;

/**
 * Lines from a TCP server (Flink's socketTextStream): one record per delimiter-separated line. Reconnects with
 * backoff; after maxRetry failed attempts the job fails with an error naming host:port.
 */
export class SocketTextSource implements SourceFunction<string> {
  private running = true;
  private socket: Socket | undefined;
  private readonly c: z.output<typeof SocketTextConfig>;
  constructor(config: SocketTextConfig) {
    this.c = SocketTextConfig.parse(config);
  }

  async run(ctx: SourceContext<string>): Promise<void> {
    let attempt = 0;
    let delay = this.c.retryDelayMs;
    while (this.running && ctx.isRunning()) {
      const result = await this.readOnce(ctx);
      if (!this.running || !ctx.isRunning()) return;
      if (result === 'data') {
        attempt = 0;
        delay = this.c.retryDelayMs;
      }
      attempt++;
      if (this.c.maxRetry >= 0 && attempt > this.c.maxRetry) {
        throw new Error(`socket source ${this.c.host}:${this.c.port}: ${result === 'data' || result === 'closed' ? 'connection closed' : result} (gave up after ${this.c.maxRetry} retries)`);
      }
      ctx.services.log && (ctx.services.log as (l: string) => void)(`socket source ${this.c.host}:${this.c.port}: ${result === 'data' ? 'connection closed' : result}; retrying in ${delay} ms`);
      await ctx.sleep(delay);
      delay = Math.min(delay * 2, 10_000);
    }
  }

  /** One connection: resolves 'data' if lines arrived before it closed, else the reason it failed. */
  private readOnce(ctx: SourceContext<string>): Promise<'data' | 'closed' | string> {
    return new Promise((resolve) => {
      let buffer = '';
      let got = false;
      const s = connect({ host: this.c.host, port: this.c.port });
      this.socket = s;
      s.setEncoding('utf8');
      const delimiter = this.c.delimiter;
      // The lines of one read go out as one batch.
      const lines: string[] = [];
      s.on('data', (chunk: string) => {
        buffer += chunk;
        let from = 0;
        for (let i = buffer.indexOf(delimiter); i >= 0; i = buffer.indexOf(delimiter, from)) {
          lines.push(buffer.slice(from, buffer.charCodeAt(i - 1) === 13 && i > from ? i - 1 : i));
          from = i + delimiter.length;
        }
        buffer = buffer.slice(from);
        if (lines.length === 0) return;
        got = true;
        ctx.collectBatch(lines);
        lines.length = 0;
      });
      s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED' ? 'connection refused' : e.message));
      s.on('close', () => {
        if (buffer.length > 0) ctx.collect(buffer);
        resolve(got ? 'data' : 'closed');
      });
    });
  }

  cancel(): void {
    this.running = false;
    this.socket?.destroy();
  }
}

export const socketTextConnector: ConnectorDefinition<SocketTextConfig> = {
  name: 'socket-text',
  recordTimestamps: false,
  description: 'Lines of text from a TCP server (socketTextStream)',
  configSchema: SocketTextConfig as z.ZodType<SocketTextConfig>,
  createSource: (c) => new SocketTextSource(c),
  bounded: () => false,
};

export class SocketText implements ConnectorSpec<SocketTextConfig> {
  readonly connector = 'socket-text';
  constructor(readonly config: SocketTextConfig) {}
}
