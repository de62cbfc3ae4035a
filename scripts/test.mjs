#!/usr/bin/env node
// `npm test`: every test — unit and integration (Vitest, against real PostgreSQL/Kafka/MQTT), then end-to-end in real Chromium.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureSystemDeps } from './ensure-system-deps.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'test-results');
mkdirSync(out, { recursive: true });
ensureSystemDeps();

const step = (name, cmd, args) => {
  console.log(`\n=== ${name}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  return r.status ?? 1;
};

let status = 0;
const reports = [];
const vitest = (name, config) => {
  const report = path.join(out, `${name}.json`);
  reports.push(report);
  const args = ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`];
  if (config) args.push('--config', config);
  status ||= step(name, 'npx', args);
};

// Apache Kafka's jars from Maven Central (cached): fetched here so that no test's timeout pays for the download.
status ||= step('kafka jars', 'node', ['scripts/kafka/broker.mjs', '--fetch']);
status ||= step('flink jars', 'node', ['scripts/flink/gateway.mjs', '--fetch']);
vitest('unit');
status ||= step('build', 'npm', ['run', 'build']);
if (status === 0) vitest('e2e', 'vitest.e2e.config.ts');

let passed = 0;
let failed = 0;
for (const r of reports) {
  if (!existsSync(r)) continue;
  const j = JSON.parse(readFileSync(r, 'utf8'));
  passed += j.numPassedTests;
  failed += j.numFailedTests;
}
if (status !== 0 && failed === 0) failed = 1;
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(status);
