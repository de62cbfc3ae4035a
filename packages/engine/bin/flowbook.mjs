#!/usr/bin/env node
// Runs the CLI from the TypeScript sources through tsx (no build step needed after `npm install`).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    console.error(`flowbook: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(e && e.name === 'GraphValidationError' ? 2 : 1);
  },
);
