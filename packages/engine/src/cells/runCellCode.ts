import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { compileCell, ENGINE_GLOBAL } from './compileCell.js';

/**
 * Runs a notebook code cell (TypeScript) in this process: compiled with esbuild (inline source map, so stack traces
 * name cell lines), `@flowbook/engine` resolved to the engine instance given here, so the cell's environments execute
 * through the host set on it. Compile errors throw CellCompileError with the line.
 */
export async function runCellCode(source: string, engine: Record<string, unknown>, sourcefile?: string): Promise<void> {
  await runCompiledCell(await compileCell(source, Object.keys(engine), sourcefile), engine);
}

/**
 * Runs a cell already compiled by compileCell (the server compiles in its main thread, whose esbuild service lives as
 * long as the server; peer slots run the code slot 0 was given, with the same engine exports). Cells that run at the
 * same time in one thread (the CLI) each compile against their own `engineGlobal`, so each gets its own engine object.
 */
export async function runCompiledCell(code: string, engine: Record<string, unknown>, engineGlobal = ENGINE_GLOBAL): Promise<void> {
  (globalThis as Record<string, unknown>)[engineGlobal] = engine;
  const dir = await mkdtemp(path.join(tmpdir(), 'flowbook-cell-'));
  try {
    const file = path.join(dir, 'cell.mjs');
    await writeFile(file, code);
    await import(pathToFileURL(file).href);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
