import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

/**
 * Worker threads (and TaskManager processes started with plain node) cannot load TypeScript. When the server itself runs
 * from sources (Vitest, dev), bundle an entry (worker.ts, or taskmanager/taskManagerMain.ts) with the workspace
 * packages' sources into node_modules/.cache, keeping other packages as imports resolved from there.
 */
export async function bundleDevWorker(entry = 'worker.ts'): Promise<URL> {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const root = path.resolve(here, '../../../..');
  const outDir = path.join(root, 'node_modules/.cache/flowbook');
  await mkdir(outDir, { recursive: true });
  const outfile = path.join(outDir, `${path.basename(entry, '.ts')}-${process.pid}.mjs`);
  await build({
    entryPoints: [path.join(here, entry)],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    conditions: ['development'],
    sourcemap: 'inline',
    logLevel: 'silent',
    plugins: [
      {
        name: 'externals',
        setup(b) {
          b.onResolve({ filter: /^[^./]/ }, (a) => (a.path.startsWith('@flowbook/') ? undefined : { path: a.path, external: true }));
        },
      },
    ],
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  return pathToFileURL(outfile);
}
