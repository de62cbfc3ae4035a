import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import {
  CellCancel,
  CellRun,
  NotebookJoin,
  type Ack,
  type ClientToServerEvents,
  type ServerToClientEvents,
} from '@flowbook/protocol';
import type { z } from 'zod';
import { originAllowed } from '../auth/tokenAuth.js';
import { identify, type Identity } from '../auth/identity.js';
import type { ShareStore } from '../auth/ShareStore.js';
import type { ServerConfig } from '../config.js';
import type { JobManager } from '../jobs/JobManager.js';

export type FlowbookIo = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, { identity: Identity }>;

export const roomOf = (notebook: string) => `nb:${notebook}`;

/** socket.io with the same token as HTTP and an Origin check (cross-site websocket hijacking is refused). */
export function createSocketServer(http: HttpServer, config: ServerConfig, shares: ShareStore): FlowbookIo {
  const io = new Server<ClientToServerEvents, ServerToClientEvents>(http, {
    serveClient: false,
    allowRequest: (req, callback) => {
      if (!originAllowed(req)) return callback('origin not allowed', false);
      if (!identify(req, config.token, shares)) return callback('authentication required', false);
      callback(null, true);
    },
  });
  io.use((socket, next) => {
    const identity = identify(socket.request, config.token, shares);
    if (!identity) return next(new Error('authentication required'));
    socket.data.identity = identity;
    next();
  });
  return io;
}

/** Validates a client message with its schema; answers the ack with the error instead of throwing. */
function handler<S extends z.ZodType>(schema: S, fn: (msg: z.output<S>) => Promise<void> | void) {
  return async (raw: unknown, ack?: Ack) => {
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      ack?.({ ok: false, error: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
      return;
    }
    try {
      await fn(parsed.data);
      ack?.({ ok: true });
    } catch (e) {
      ack?.({ ok: false, error: (e as Error).message });
    }
  };
}

export function attachHandlers(io: FlowbookIo, jobs: JobManager): void {
  io.on('connection', (socket) => {
    const identity = socket.data.identity;
    // Read-only viewers see their one notebook live and can neither run nor cancel (checked here, not only in the UI).
    const mayRead = (notebook: string) => identity.role === 'owner' || identity.share.notebook === notebook;
    const mayRun = () => {
      if (identity.role !== 'owner') throw new Error('read-only: this share link cannot run or cancel cells');
    };
    socket.on(
      'notebook.join',
      handler(NotebookJoin, async ({ notebook }) => {
        if (!mayRead(notebook)) throw new Error(`not allowed to open "${notebook}"`);
        await socket.join(roomOf(notebook));
        // Late joiners see what is running and the last rows of each result.
        for (const run of jobs.runsOf(notebook)) {
          socket.emit('cell.status', jobs.statusMessage(run));
          for (const [sink, r] of run.results) socket.emit('result.append', { ...run.ref, sink, rows: r.rows, total: r.total });
          if (run.logs.length > 0) socket.emit('cell.log', { ...run.ref, lines: run.logs });
          if (run.metrics) socket.emit('job.metrics', run.metrics);
        }
      }),
    );
    socket.on(
      'cell.run',
      handler(CellRun, async ({ notebook, cellId, source, params }) => {
        mayRun();
        await jobs.run({ notebook, cellId }, source, params);
      }),
    );
    socket.on(
      'cell.cancel',
      handler(CellCancel, ({ notebook, cellId }) => {
        mayRun();
        if (!jobs.cancel({ notebook, cellId })) throw new Error('the cell is not running');
      }),
    );
  });
}
