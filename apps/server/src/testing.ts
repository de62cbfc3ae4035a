import { mkdtemp, cp, readFile, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll } from 'vitest';
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
