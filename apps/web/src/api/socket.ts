import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '@flowbook/protocol';

export type FlowbookSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

let socket: FlowbookSocket | undefined;

/** One socket per page, same origin (the token cookie authenticates it), typed by the shared event maps. */
export function getSocket(): FlowbookSocket {
  socket ??= io({ transports: ['websocket', 'polling'] });
  return socket;
}
