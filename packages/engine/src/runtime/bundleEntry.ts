import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** node_modules/.cache/flowbook of the repository these sources are in. */
const CACHE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../node_modules/.cache/flowbook');

/**
 * Worker threads and child processes started with plain node cannot load TypeScript. When Flowbook runs from its
 * sources (Vitest, tsx, `npm run dev`), a thread or process entry (a peer slot, the server's job worker, a TaskManager)
 * is bundled once per process with esbuild: the workspace's packages from their sources (the "development" export
 * condition), other packages imported at run time. Returns the bundle's URL, `<name>-<pid>.mjs` in the cache folder.
 */
export async function bundleEntryFromSources(entry: string, name: string): Promise<URL> {
  const { build } = await import('esbuild');
  await mkdir(CACHE_DIR, { recursive: true });
  const outfile = path.join(CACHE_DIR, `${name}-${process.pid}.mjs`);
  await build({
    entryPoints: [entry],
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
