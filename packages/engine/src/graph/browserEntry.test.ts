import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));

describe('@flowbook/engine/graph (the browser entry)', () => {
  it('bundles for the browser without runtime, operator or Node code', async () => {
    const result = await build({
      entryPoints: [path.join(here, 'index.ts')],
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'esm',
      metafile: true,
      logLevel: 'silent',
      conditions: ['development'],
    });
    const inputs = Object.keys(result.metafile.inputs).map((f) => f.replace(/\\/g, '/'));
    const engineFiles = inputs.filter((f) => f.includes('packages/engine/src/'));
    expect(engineFiles.some((f) => f.endsWith('graph/operatorSpecs.ts'))).toBe(true);
    // The runtime (operator classes, Job), windows' operators and every connector's code stay out.
    expect(engineFiles.filter((f) => /\/(runtime|windows|time|state|checkpoint|api|cells|cli)\//.test(f))).toEqual([]);
    expect(engineFiles.filter((f) => /\/connectors\//.test(f) && !/connectors\/(registry|secrets)\.ts$/.test(f))).toEqual([]);
  });
});
