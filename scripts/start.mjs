#!/usr/bin/env node
// `npm start`: builds what is missing or stale, then starts the Flowbook server (no JVM, no cluster).
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

if (!existsSync(path.join(root, 'node_modules'))) {
  console.error('Dependencies are missing: run "npm install" first.');
  process.exit(1);
}

function newest(dir) {
  let t = 0;
  if (!existsSync(dir)) return t;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name === 'dist') continue;
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

// TypeScript project references are incremental: a no-op when nothing changed.
run('npx', ['tsc', '-b', 'packages/engine', 'packages/protocol', 'apps/server']);
const webIndex = path.join(root, 'apps/web/dist/index.html');
const webBuiltAt = existsSync(webIndex) ? statSync(webIndex).mtimeMs : 0;
if (webBuiltAt < Math.max(newest(path.join(root, 'apps/web/src')), newest(path.join(root, 'packages/protocol/src')), statSync(path.join(root, 'apps/web/index.html')).mtimeMs)) {
  run('npm', ['run', 'build', '-w', '@flowbook/web']);
}

const server = spawn(process.execPath, [path.join(root, 'apps/server/dist/main.js'), ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.kill(sig));
server.on('exit', (code) => process.exit(code ?? 0));
