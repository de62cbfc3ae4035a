import { AwarenessUpdate, DocFlush, DocSync, DocUpdate, jsonLimitIssue, type DocSyncAck } from '@flowbook/protocol';
import { can, describe, type AuthContext } from '../auth/identity.js';
import { handler, roomOf, type FlowbookIo } from '../socket/sockets.js';
import type { LiveNotebooks } from './LiveNotebooks.js';

/**
 * Co-editing over the notebook's socket.io room: the same connection, token, Origin check and roles as the rest.
 * Everyone who may read a notebook receives its updates; only writers' updates are merged, the others are refused
 * (and told so) — checked here on every message, not only hidden in the UI.
 */
export function attachCollab(io: FlowbookIo, auth: AuthContext, live: LiveNotebooks): void {
  io.on('connection', (socket) => {
    const identity = socket.data.identity;
    const mayRead = (notebook: string) => can(identity, 'read', notebook, auth.permissions);
    const mayWrite = (notebook: string) => can(identity, 'write', notebook, auth.permissions);
    /** Updates go to the room: a socket must have joined the notebook (doc.sync or notebook.join, which check it may read). */
    const needJoined = (notebook: string) => {
      if (!mayRead(notebook)) throw new Error(`not allowed to open "${notebook}"`);
      if (!socket.rooms.has(roomOf(notebook))) throw new Error(`join "${notebook}" first`);
    };
    const needWrite = (notebook: string) => {
      if (mayWrite(notebook)) return;
      const why = identity.role === 'reader' ? 'read-only: a share link cannot edit' : `${describe(identity)} may not edit "${notebook}" (needs the writer role)`;
      socket.emit('doc.refused', { notebook, error: why });
      throw new Error(why);
    };

    socket.on('doc.sync', async (raw: unknown, ack?: DocSyncAck) => {
      const tooBig = jsonLimitIssue(raw);
      const parsed = tooBig ? undefined : DocSync.safeParse(raw);
      if (!parsed?.success) return ack?.({ ok: false, error: tooBig ?? parsed!.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
      const { notebook, stateVector } = parsed.data;
      try {
        if (!mayRead(notebook)) throw new Error(`not allowed to open "${notebook}"`);
        // Syncing joins the room, which carries the updates (notebook.join also replays runs: that stays its own).
        await socket.join(roomOf(notebook));
        const s = await live.sync(notebook, stateVector, socket.id);
        ack?.({ ok: true, update: s.update, stateVector: s.stateVector, canWrite: mayWrite(notebook) });
        if (s.awareness.byteLength > 0) socket.emit('awareness.update', { notebook, update: s.awareness });
      } catch (e) {
        ack?.({ ok: false, error: (e as Error).message });
      }
    });
    socket.on(
      'doc.update',
      handler(DocUpdate, async ({ notebook, update }) => {
        needJoined(notebook);
        needWrite(notebook);
        await live.update(notebook, update, socket.id);
      }),
    );
    socket.on(
      'doc.flush',
      handler(DocFlush, async ({ notebook }) => {
        needJoined(notebook);
        await live.flush(notebook);
      }),
    );
    socket.on(
      'awareness.update',
      handler(AwarenessUpdate, async ({ notebook, update }) => {
        needJoined(notebook);
        await live.awarenessUpdate(notebook, update, socket.id);
      }),
    );
    socket.on('disconnect', () => live.release(socket.id));
  });
}

/** The emitter LiveNotebooks speaks through: the notebook's room, without the socket a change came from. */
export function roomEmitter(io: () => FlowbookIo | undefined) {
  return (notebook: string, event: 'doc.update' | 'awareness.update' | 'doc.saved', payload: object, except?: string) => {
    const server = io();
    if (!server) return;
    const to = except ? server.to(roomOf(notebook)).except(except) : server.to(roomOf(notebook));
    to.emit(event, payload as never);
  };
}
