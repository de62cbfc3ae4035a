import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const ENGINE_GLOBAL = '__flowbookEngine';

/**
 * Runs a notebook code cell (TypeScript) in this process: compiled with esbuild, `@flowbook/engine` resolved to the
 * engine instance given here, so the cell's environments execute through the host set on it.
 */
export async function runCellCode(source: string, engine: Record<string, unknown>, cellName: string): Promise<void> {
  (globalThis as Record<string, unknown>)[ENGINE_GLOBAL] = engine;
  const exports = Object.keys(engine).filter((n) => /^[A-Za-z_$][\w$]*$/.test(n));
  const result = await build({
    stdin: { contents: source, loader: 'ts', sourcefile: `${cellName}.ts` },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'silent',
    plugins: [
      {
        name: 'flowbook-engine',
        setup(b) {
          b.onResolve({ filter: /^@flowbook\/engine$/ }, () => ({ path: 'engine', namespace: 'flowbook-engine' }));
          b.onLoad({ filter: /.*/, namespace: 'flowbook-engine' }, () => ({
            contents: `const e = globalThis.${ENGINE_GLOBAL};\n` + exports.map((n) => `export const ${n} = e.${n};`).join('\n'),
            loader: 'js',
          }));
        },
      },
    ],
  }).catch((e: { errors?: { text: string; location?: { line: number } }[] }) => {
    const first = e.errors?.[0];
    throw new Error(`${cellName}: ${first ? `line ${first.location?.line ?? '?'}: ${first.text}` : String(e)}`);
  });
  const dir = await mkdtemp(path.join(tmpdir(), 'flowbook-cli-'));
  try {
    const file = path.join(dir, 'cell.mjs');
    await writeFile(file, result.outputFiles[0]!.text);
    await import(pathToFileURL(file).href);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
