import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import {
  CellCancel,
  CellRun,
  NotebookJoin,
  PresenceUpdate,
  jsonLimitIssue,
  type Ack,
  type ClientToServerEvents,
  type ServerToClientEvents,
} from '@flowbook/protocol';
import type { z } from 'zod';
import { GraphValidationError, migrateGraph, validateGraph } from '@flowbook/engine';
import { originAllowed } from '../auth/tokenAuth.js';
import { can, describe, identify, type AuthContext, type Identity } from '../auth/identity.js';
import { programToRun } from '../auth/programToRun.js';
import type { JobManager } from '../jobs/JobManager.js';
import { titlesOf } from '../jobs/jobName.js';
import { answerJobStatements, jobStatementsToRun } from '../sql/jobStatements.js';
import type { NotebookStore } from '../notebooks/NotebookStore.js';

export interface SocketData {
  identity: Identity;
  presence: { notebook: string | undefined; cellId: string | undefined; name: string };
}
export type FlowbookIo = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export const roomOf = (notebook: string) => `nb:${notebook}`;

/** socket.io with the same token as HTTP and an Origin check (cross-site websocket hijacking is refused). */
export function createSocketServer(http: HttpServer, auth: AuthContext): FlowbookIo {
  const io: FlowbookIo = new Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>(http, {
    serveClient: false,
    allowRequest: (req, callback) => {
      if (!originAllowed(req)) return callback('origin not allowed', false);
      if (!identify(req, auth)) return callback('authentication required', false);
      callback(null, true);
    },
  });
  io.use((socket, next) => {
    const identity = identify(socket.request, auth);
    if (!identity) return next(new Error('authentication required'));
    socket.data.identity = identity;
    next();
  });
  return io;
}

/** Validates a client message with its schema; answers the ack with the error instead of throwing. */
export function handler<S extends z.ZodType>(schema: S, fn: (msg: z.output<S>) => Promise<void> | void) {
  return async (raw: unknown, ack?: Ack) => {
    // Depth and size first, without recursion: zod and what runs after it may walk the value recursively.
    const tooBig = jsonLimitIssue(raw);
    if (tooBig) {
      ack?.({ ok: false, error: tooBig });
      return;
    }
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

/**
 * Revoking a share link or removing a user (here or by the CLI) closes the sockets it covered at once: each socket's
 * handshake is identified again, as a new connection would be. A socket whose user lost the right to read a notebook
 * leaves its room (no more results). Returns a function that stops listening.
 */
export function endRevokedSockets(io: FlowbookIo, auth: AuthContext): () => void {
  const check = () => {
    for (const socket of io.sockets.sockets.values()) if (!identify(socket.request, auth)) socket.disconnect(true);
  };
  const evict = (notebook: string) => {
    for (const id of io.sockets.adapter.rooms.get(roomOf(notebook)) ?? []) {
      const socket = io.sockets.sockets.get(id);
      if (!socket || can(socket.data.identity, 'read', notebook, auth.permissions)) continue;
      void socket.leave(roomOf(notebook));
      if (socket.data.presence.notebook === notebook) socket.data.presence.notebook = undefined;
    }
  };
  const offShares = auth.shares.onRevoke(check);
  const offUsers = auth.users.onChange(check);
  const offRoles = auth.permissions.onChange(evict);
  return () => {
    offShares();
    offUsers();
    offRoles();
  };
}

export function attachHandlers(io: FlowbookIo, jobs: JobManager, auth: AuthContext, store: NotebookStore): void {
  const { permissions } = auth;
  io.on('connection', (socket) => {
    const identity = socket.data.identity;
    // Every message is checked against the live session too: a revoked link or a removed user gets no answer but the end.
    socket.use((packet, next) => {
      if (identify(socket.request, auth)) return next();
      const ack = packet.at(-1);
      if (typeof ack === 'function') (ack as Ack)({ ok: false, error: 'session ended: log in again' });
      socket.disconnect(true);
    });
    // Read-only viewers see their one notebook live and can neither run nor cancel (checked here, not only in the UI).
    const mayRead = (notebook: string) => can(identity, 'read', notebook, permissions);
    const mayRun = (notebook: string) => {
      if (identity.role === 'reader') throw new Error('read-only: this share link cannot run or cancel cells');
      if (!can(identity, 'run', notebook, permissions)) throw new Error(`${describe(identity)} may not run cells of "${notebook}"`);
    };
    socket.on(
      'notebook.join',
      handler(NotebookJoin, async ({ notebook }) => {
        if (!mayRead(notebook)) throw new Error(`not allowed to open "${notebook}"`);
        if (presence.notebook && presence.notebook !== notebook) {
          const left = presence.notebook;
          await socket.leave(roomOf(left));
          presence.notebook = undefined;
          publishPresence(left);
        }
        await socket.join(roomOf(notebook));
        presence.notebook = notebook;
        presence.cellId = undefined;
        publishPresence(notebook);
        // Late joiners see what is running and the last rows of each result.
        for (const run of jobs.runsOf(notebook)) {
          socket.emit('cell.status', jobs.statusMessage(run));
          for (const [sink, r] of run.results) socket.emit('result.append', { ...run.ref, sink, rows: r.rows, total: r.total });
          if (run.logs.length > 0) socket.emit('cell.log', { ...run.ref, lines: run.logs });
          if (run.metrics) socket.emit('job.metrics', run.metrics);
        }
      }),
    );
    // Presence: who has which notebook open, on which cell. Rebroadcast to the notebook's room on every change.
    const presence = { notebook: undefined as string | undefined, cellId: undefined as string | undefined, name: describe(identity) };
    const publishPresence = (notebook: string) => {
      const viewers = [...(io.sockets.adapter.rooms.get(roomOf(notebook)) ?? [])].flatMap((id) => {
        const s = io.sockets.sockets.get(id);
        const p = s?.data.presence;
        return s && p && p.notebook === notebook ? [{ id: s.id, name: p.name, role: s.data.identity.role, ...(p.cellId ? { cellId: p.cellId } : {}) }] : [];
      });
      io.to(roomOf(notebook)).emit('presence', { notebook, viewers });
    };
    socket.data.presence = presence;
    socket.on(
      'presence.update',
      handler(PresenceUpdate, ({ notebook, cellId, name }) => {
        if (!mayRead(notebook)) throw new Error(`not allowed to open "${notebook}"`);
        presence.cellId = cellId;
        if (name) presence.name = name;
        if (presence.notebook === notebook) publishPresence(notebook);
      }),
    );
    socket.on('disconnect', () => {
      if (presence.notebook) publishPresence(presence.notebook);
    });
    socket.on(
      'cell.run',
      handler(CellRun, async ({ notebook, cellId, source, graph, params, restore, series }) => {
        mayRun(notebook);
        // SHOW JOBS / STOP JOB in a SQL cell: answered by the server, no job runs (sql/jobStatements.ts)
        const jobStatements = await jobStatementsToRun({ jobs, identity, permissions, store }, { notebook, cellId, source, graph });
        if (jobStatements) {
          const room = io.to(roomOf(notebook));
          void answerJobStatements({ notebook, cellId }, jobStatements, { jobs, identity, permissions }, { status: (m) => room.emit('cell.status', m), append: (m) => room.emit('result.append', m) });
          return;
        }
        const run = await programToRun(identity, permissions, store, { notebook, cellId, source, graph, params, series });
        // The canvas's checks, before any job exists: a refused pipeline leaves no failed job behind, only its reasons.
        if (typeof run.program !== 'string') {
          const issues = validateGraph(migrateGraph(run.program.graph));
          if (issues.length > 0) throw new GraphValidationError(issues);
        }
        const started = await jobs.run({ notebook, cellId }, run.program, run.params, restore ?? false, run.series);
        // Jobs are named by notebook and cell title (jobName.ts); a notebook not saved yet keeps the ids.
        const nb = await store.read(notebook).catch(() => undefined);
        if (nb) started.titles = titlesOf(nb, cellId);
      }),
    );
    socket.on(
      'cell.cancel',
      handler(CellCancel, ({ notebook, cellId }) => {
        mayRun(notebook);
        if (!jobs.cancel({ notebook, cellId })) throw new Error('the cell is not running');
      }),
    );
  });
}
