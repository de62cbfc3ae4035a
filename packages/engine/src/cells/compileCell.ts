import { build } from 'esbuild';

/** A cell's error as the notebook shows it: the message and, when known, the cell line. */
export interface CellErrorInfo {
  message: string;
  line?: number;
  /** The column in that line (1-based), when known: SQL errors name it. */
  column?: number;
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

const CELL_MODULE = 'flowbook-cell:';

/**
 * An import specifier that carries a code cell's TypeScript (a SQL cell's program imports the code cells its CREATE
 * FUNCTION statements name): compileCell bundles it as a module of the program, so the program stays one text.
 */
export function cellModuleSpecifier(name: string, source: string): string {
  return CELL_MODULE + Buffer.from(JSON.stringify({ name, source })).toString('base64url');
}

/**
 * Compiles a TypeScript cell to an ES module. `import … from '@flowbook/engine'` becomes a module that re-exports the
 * worker's own engine instance, so the cell and the worker share one engine. Top-level await works (ESM).
 */
export async function compileCell(source: string, engineExports: string[], sourcefile = CELL_FILE, engineGlobal = ENGINE_GLOBAL): Promise<string> {
  const engineModule =
    `const e = globalThis.${engineGlobal};\n` + engineExports.filter((n) => /^[A-Za-z_$][\w$]*$/.test(n)).map((n) => `export const ${n} = e.${n};`).join('\n');
  const cellModules = new Map<string, string>();
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
            // A code cell imported by a SQL cell's program: its source is in the specifier; errors name the cell.
            b.onResolve({ filter: /^flowbook-cell:/ }, (a) => {
              const { name, source: cellSource } = JSON.parse(Buffer.from(a.path.slice(CELL_MODULE.length), 'base64url').toString()) as { name: string; source: string };
              const p = `code cell "${name}"`;
              cellModules.set(p, cellSource);
              return { path: p, namespace: 'flowbook-cell' };
            });
            b.onLoad({ filter: /.*/, namespace: 'flowbook-cell' }, (a) => ({ contents: cellModules.get(a.path)!, loader: 'ts' }));
            // Node built-ins stay imports; other packages are not available to cells.
            b.onResolve({ filter: /^node:/ }, (a) => ({ path: a.path, external: true }));
          },
        },
      ],
    });
    return result.outputFiles[0]!.text;
  } catch (e) {
    const errors = (e as { errors?: { text: string; location?: { file?: string; line: number; column: number } }[] }).errors;
    if (errors && errors.length > 0) {
      const first = errors[0]!;
      // an error in an imported code cell names that cell, and marks no line of this one
      const where = (l: { file?: string; line: number }) => (l.file?.startsWith('flowbook-cell:') ? `${l.file.slice('flowbook-cell:'.length)}, line ${l.line}` : `line ${l.line}`);
      throw new CellCompileError({
        message: errors.map((er) => (er.location ? `${where(er.location)}: ${er.text}` : er.text)).join('\n'),
        ...(first.location && !first.location.file?.startsWith('flowbook-cell:') ? { line: first.location.line } : {}),
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
