#!/usr/bin/env node
// Runs the CLI from the TypeScript sources through tsx (no build step needed after `npm install`).
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register();
const { semiSpaceMbOf, youngGenerationMb } = await import('../src/runtime/youngGeneration.ts');

// A job gets the young generation the server's job workers get (src/runtime/youngGeneration.ts). V8 sizes it when the
// process starts, so the CLI starts itself once more with the flag, unless it (or NODE_OPTIONS) has one already.
// The workspace's packages (@flowbook/protocol) load from their sources too, as the engine's own files do: the
// "development" export condition, also given to the process that runs the CLI.
const FLAG = '--max-semi-space-size';
const CONDITIONS = '--conditions=development';
const args = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
const hasFlag = args.some((a) => a.startsWith(FLAG));
if (!hasFlag || !args.includes(CONDITIONS)) {
  let mb;
  try {
    mb = youngGenerationMb();
  } catch (e) {
    console.error(`flowbook: ${e.message}`);
    process.exit(2);
  }
  const child = spawn(process.execPath, [...process.execArgv, ...(hasFlag ? [] : [`${FLAG}=${semiSpaceMbOf(mb)}`]), ...(args.includes(CONDITIONS) ? [] : [CONDITIONS]), fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 0)));
} else {
  const { main } = await import('../src/cli/main.ts');
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      console.error(`flowbook: ${e instanceof Error ? e.message : String(e)}`);
      // Invalid input (InvalidInputError, an invalid graph) exits with 2, anything else with 1.
      process.exit(e && (e.exitCode === 2 || e.name === 'GraphValidationError') ? 2 : 1);
    },
  );
}
