import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface RunningServer {
  url: string;
  origin: string;
  token: string;
  notebooksDir: string;
  stateDir: string;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** Starts the built server (`npm run build` first) as a child process on a free port, with a copy of the sample notebooks. */
export async function startServer(env: Record<string, string> = {}, nodeArgs: string[] = []): Promise<RunningServer> {
  const notebooksDir = await mkdtemp(path.join(tmpdir(), 'flowbook-e2e-nb-'));
  await cp(path.join(repoRoot, 'notebooks'), notebooksDir, { recursive: true });
  const stateDir = await mkdtemp(path.join(tmpdir(), 'flowbook-e2e-state-'));
  const token = 'e2e-' + Math.random().toString(36).slice(2);
  const child = spawn(process.execPath, [...nodeArgs, path.join(repoRoot, 'apps/server/dist/main.js')], {
    env: { ...process.env, PORT: '0', FLOWBOOK_TOKEN: token, FLOWBOOK_NOTEBOOKS: notebooksDir, FLOWBOOK_STATE_DIR: stateDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not print its URL:\n${out}`)), 30_000);
    const check = () => {
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', check);
    child.on('exit', (code) => reject(new Error(`server exited (${code}):\n${out}`)));
  });
  return {
    url,
    origin: new URL(url).origin,
    token,
    notebooksDir,
    stateDir,
    child,
    output: () => out,
    stop: async () => {
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      });
      // The copies of the notebooks and the state folder are this run's only: leave no temp folders behind.
      await Promise.all([rm(notebooksDir, { recursive: true, force: true }), rm(stateDir, { recursive: true, force: true })]);
    },
  };
}
