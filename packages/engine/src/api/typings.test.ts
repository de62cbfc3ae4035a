import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);

describe('the API typings', () => {
  // typings.typecheck.ts holds the typed examples (filter narrowing, aggregate with a window function, windowAll): each
  // expectTypeOf there is a compile-time assertion, so the test is that tsc finds no error in it.
  it('type-check the typed examples with tsc (strict, no implicit any)', async () => {
    const tsc = require.resolve('typescript/bin/tsc');
    const project = fileURLToPath(new URL('./typings.tsconfig.json', import.meta.url));
    const out = await new Promise<string>((resolve) => {
      execFile(process.execPath, [tsc, '-p', project], (_err, stdout, stderr) => resolve(stdout + stderr));
    });
    expect(out).toBe('');
  }, 180_000);
});
