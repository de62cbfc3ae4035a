import { readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface ReplayOptions {
  port: number;
  host?: string;
  /** The lines to serve (or read from `file`). */
  lines?: string[];
  file?: string;
  /** Lines per second per client; 0 = as fast as the client reads. */
  rate?: number;
  /** Start again from the first line at the end. */
  loop?: boolean;
}

/**
 * Serves a file's lines to each client that connects, at a given rate (the "SaleDataServer" of the classic Flink
 * example). `flowbook replay --port 9181 notebooks/data/sales.csv --rate 100 --loop` runs one from the command line.
 */
export class ReplayServer {
  private readonly server: Server;
  private readonly clients = new Set<Socket>();
  private readonly lines: string[];
  constructor(private readonly options: ReplayOptions) {
    const text = options.lines ?? readFileSync(options.file!, 'utf8').split('\n');
    this.lines = text.map((l) => l.replace(/\r$/, '')).filter((l) => l.length > 0);
    if (this.lines.length === 0) throw new Error(`replay: ${options.file ?? 'input'} has no lines`);
    this.server = createServer((socket) => this.serve(socket));
  }

  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', (e: NodeJS.ErrnoException) => reject(new Error(e.code === 'EADDRINUSE' ? `replay: port ${this.options.port} is in use` : e.message)));
      this.server.listen(this.options.port, this.options.host ?? '127.0.0.1', () => resolve((this.server.address() as AddressInfo).port));
    });
  }

  private serve(socket: Socket): void {
    this.clients.add(socket);
    let i = 0;
    const rate = this.options.rate ?? 100;
    const perTick = rate === 0 ? 1000 : Math.max(1, Math.round(rate / 20));
    const tickMs = rate === 0 ? 0 : Math.max(1, Math.round((1000 * perTick) / rate));
    const timer = setInterval(() => {
      for (let n = 0; n < perTick; n++) {
        if (i >= this.lines.length) {
          if (!this.options.loop) {
            clearInterval(timer);
            socket.end();
            return;
          }
          i = 0;
        }
        socket.write(this.lines[i++] + '\n');
      }
    }, tickMs);
    const stop = () => {
      clearInterval(timer);
      this.clients.delete(socket);
    };
    socket.on('close', stop);
    socket.on('error', stop);
  }

  close(): Promise<void> {
    for (const c of this.clients) c.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
