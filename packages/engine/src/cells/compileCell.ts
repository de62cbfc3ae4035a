import { build } from 'esbuild';

/** A cell's error as the notebook shows it: the message and, when known, the cell line. */
export interface CellErrorInfo {
  message: string;
  line?: number;
  stack?: string;
}

export const CELL_FILE = 'cell.ts';

export class CellCompileError extends Error {
  constructor(readonly info: CellErrorInfo) {
    super(info.message);
  }
}

/** Where the host puts the engine module for cells: they must share one engine instance (and its execution host). */
export const ENGINE_GLOBAL = '__flowbookEngine';

/**
 * Compiles a TypeScript cell to an ES module. `import … from '@flowbook/engine'` becomes a module that re-exports the
 * worker's own engine instance, so the cell and the worker share one engine. Top-level await works (ESM).
 */
export async function compileCell(source: string, engineExports: string[], sourcefile = CELL_FILE, engineGlobal = ENGINE_GLOBAL): Promise<string> {
  const engineModule =
    `const e = globalThis.${engineGlobal};\n` + engineExports.filter((n) => /^[A-Za-z_$][\w$]*$/.test(n)).map((n) => `export const ${n} = e.${n};`).join('\n');
  try {
    const result = await build({
      stdin: { contents: source, loader: 'ts', sourcefile },
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      sourcemap: 'inline',
      logLevel: 'silent',
      plugins: [
        {
          name: 'flowbook-engine',
          setup(b) {
            b.onResolve({ filter: /^@flowbook\/engine$/ }, () => ({ path: 'engine', namespace: 'flowbook-engine' }));
            b.onLoad({ filter: /.*/, namespace: 'flowbook-engine' }, () => ({ contents: engineModule, loader: 'js' }));
            // Node built-ins stay imports; other packages are not available to cells.
            b.onResolve({ filter: /^node:/ }, (a) => ({ path: a.path, external: true }));
          },
        },
      ],
    });
    return result.outputFiles[0]!.text;
  } catch (e) {
    const errors = (e as { errors?: { text: string; location?: { line: number; column: number } }[] }).errors;
    if (errors && errors.length > 0) {
      const first = errors[0]!;
      throw new CellCompileError({
        message: errors.map((er) => (er.location ? `line ${er.location.line}: ${er.text}` : er.text)).join('\n'),
        ...(first.location ? { line: first.location.line } : {}),
      });
    }
    throw e;
  }
}

/** The line in the cell a runtime error points at, from a stack trace mapped through the inline source map. */
export function cellLineOf(stack: string | undefined, sourcefile = CELL_FILE): number | undefined {
  if (!stack) return undefined;
  const m = new RegExp(`${sourcefile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:(\\d+):\\d+`).exec(stack);
  return m ? Number(m[1]) : undefined;
}
