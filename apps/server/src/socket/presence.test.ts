import type { PresenceList } from '@flowbook/protocol';
import { describe, expect, it } from 'vitest';
import { connectSocket, useTestServer, type TestSocket } from '../testing.js';

const server = useTestServer();
const NB = 'sales-profit-per-month';

/** Presence goes to a notebook's room, so listening once connected (before joining) misses nothing. */
async function connect(): Promise<{ socket: TestSocket; seen: PresenceList[] }> {
  const socket = await connectSocket(server);
  const seen: PresenceList[] = [];
  socket.on('presence', (m) => seen.push(m));
  return { socket, seen };
}

const until = async (cond: () => boolean) => {
  for (let i = 0; i < 100 && !cond(); i++) await new Promise((r) => setTimeout(r, 20));
  expect(cond()).toBe(true);
};

describe('presence', () => {
  it('tells everyone in a notebook who else is there and on which cell', async () => {
    const a = await connect();
    const b = await connect();
    await a.socket.emitWithAck('notebook.join', { notebook: NB });
    await b.socket.emitWithAck('notebook.join', { notebook: NB });
    await b.socket.emitWithAck('presence.update', { notebook: NB, cellId: 'profit', name: 'Bea' });
    await until(() => a.seen.at(-1)?.viewers.some((v) => v.name === 'Bea' && v.cellId === 'profit') ?? false);
    expect(a.seen.at(-1)!.viewers).toHaveLength(2);
    b.socket.close();
    await until(() => a.seen.at(-1)?.viewers.length === 1);
    a.socket.close();
  });
});
