import { mkdtemp, cp, readFile, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '@flowbook/protocol';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, type ServerConfig } from './config.js';
import { startServer, type FlowbookServer } from './server.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export type TestServer = FlowbookServer & { config: ServerConfig; origin: string };

/** Starts a real server on a free port with a copy of the sample notebooks, for tests. */
export async function startTestServer(overrides: Partial<ServerConfig> = {}, env: NodeJS.ProcessEnv = {}): Promise<TestServer> {
  const dir = await mkdtemp(path.join(tmpdir(), 'flowbook-nb-'));
  await cp(path.join(repoRoot, 'notebooks'), dir, { recursive: true });
  const state = await mkdtemp(path.join(tmpdir(), 'flowbook-state-'));
  const config = { ...loadConfig({ PORT: '0', FLOWBOOK_TOKEN: 'test-token', FLOWBOOK_NOTEBOOKS: dir, FLOWBOOK_STATE_DIR: state, ...env }), ...overrides };
  const server = await startServer(config);
  return { ...server, config, origin: new URL(server.url).origin };
}

/**
 * One test server for a test file: started before its tests (before the file's own beforeAll, which may use it) and
 * closed after them. The returned object is the server once the tests run.
 */
export function useTestServer(overrides: Partial<ServerConfig> = {}): TestServer {
  const server = {} as TestServer;
  beforeAll(async () => {
    Object.assign(server, await startTestServer(overrides));
  });
  afterAll(async () => {
    await server.close?.();
  });
  return server;
}

/** Polls `get` until `ok` holds (tests of running jobs); the error shows the last value seen. */
export async function waitFor<T>(get: () => Promise<T>, ok: (v: T) => boolean, ms = 20_000, everyMs = 100): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error('timed out; last: ' + JSON.stringify(v)?.slice(0, 500));
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Adds empty code cells to a notebook of the test server: code from a client runs only under a cell of the saved notebook. */
export async function addCells(server: { config: ServerConfig }, notebook: string, ids: string[]): Promise<void> {
  const file = path.join(server.config.notebooksDir, `${notebook}.flowbook.json`);
  const nb = JSON.parse(await readFile(file, 'utf8'));
  for (const id of ids) nb.cells.push({ id, type: 'code', source: '' });
  await writeFile(file, JSON.stringify(nb));
}

export type TestSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** The token every test server accepts (FLOWBOOK_TOKEN of startTestServer). */
export const TOKEN_HEADERS = { authorization: 'token test-token' };

/**
 * A socket.io client of the test server over WebSocket, resolved once connected; rejects with the handshake's refusal.
 * `headers` say who connects (the token by default, or a login cookie).
 */
export async function connectSocket(server: { origin: string }, headers: Record<string, string> = TOKEN_HEADERS, options: { reconnection?: boolean } = {}): Promise<TestSocket> {
  const socket: TestSocket = io(server.origin, { extraHeaders: headers, transports: ['websocket'], ...options });
  await new Promise<void>((resolve, reject) => {
    socket.on('connect', resolve);
    socket.on('connect_error', (e) => {
      // A refused client would otherwise go on trying.
      socket.close();
      reject(e);
    });
  });
  return socket;
}
