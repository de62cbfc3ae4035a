import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isRunnable, parseNotebook, type Notebook, type ParamValue } from '@flowbook/protocol';
import * as engine from '../index.js';
import { CellCompileError, cellLineOf, compileCell } from '../cells/compileCell.js';
import { runCompiledCell } from '../cells/runCellCode.js';
import { migrateGraph } from '../graph/migrateGraph.js';
import { GraphValidationError, validateGraph } from '../graph/validate.js';
import { ScaleOutWorker } from '../scaleout/ScaleOutWorker.js';
import { scaleOutHost, type ScaleOutHost } from '../scaleout/scaleOutHost.js';
import { InvalidInputError } from './InvalidInputError.js';

export interface WorkerCommandOptions {
  file: string;
  /** In a notebook: the pipeline or TypeScript cell to run (default: its only pipeline cell). */
  cellId?: string;
  jobName: string;
  /** Shared by every worker of the job: a postgresql:// URL. */
  checkpointDir: string;
  sessionTimeoutMs?: number;
  /** False: the source topic is partitioned by key group already, no repartition topic (ScaleOutWorkerOptions.repartition). */
  repartition?: boolean;
  repartitionPartitions?: number;
  log?: (line: string) => void;
}

/** The cell the worker runs: the one named, or the notebook's only pipeline cell. */
function cellOf(file: string, raw: unknown, cellId: string | undefined): { graph: unknown } | { source: string; id: string; notebook: Notebook } {
  let nb: Notebook;
  try {
    nb = parseNotebook(raw);
  } catch (e) {
    throw new InvalidInputError(`${file}: not a notebook: ${(e as Error).message}`);
  }
  const code = nb.cells.find((c) => c.id === cellId && c.type === 'code');
  if (code !== undefined) {
    if (code.type !== 'code' || code.language !== 'typescript') throw new InvalidInputError(`${file}: cell "${cellId}" is not a TypeScript cell`);
    return { source: code.source, id: code.id, notebook: nb };
  }
  const pipelines = nb.cells.filter((c) => c.type === 'pipeline' && (cellId === undefined || c.id === cellId));
  if (pipelines.length !== 1) {
    throw new InvalidInputError(
      cellId !== undefined ? `${file}: no pipeline or TypeScript cell "${cellId}"` : `${file}: ${pipelines.length === 0 ? 'no pipeline cell' : 'several pipeline cells'}; name one with --cell <id>`,
    );
  }
  return { graph: (pipelines[0] as { graph: unknown }).graph };
}

/**
 * `flowbook worker --job <name> <pipeline.json | notebook --cell id>`: joins the job's workers (ScaleOutWorker) until SIGINT/SIGTERM,
 * which leaves the group so that the other workers take the partitions over at once.
 */
export async function runWorker(opts: WorkerCommandOptions): Promise<void> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(opts.file, 'utf8'));
  } catch (e) {
    throw new InvalidInputError(`${opts.file}: ${(e as Error).message}`);
  }
  const cell = opts.file.endsWith('.flowbook.json') ? cellOf(opts.file, raw, opts.cellId) : { graph: raw };
  const log = opts.log ?? ((l: string) => process.stdout.write(l + '\n'));
  const services = { log, live: (sink: string, value: unknown) => log(`${sink}: ${JSON.stringify(value)}`) };
  const workerOptions = {
    jobName: opts.jobName,
    checkpointLocation: opts.checkpointDir,
    ...(opts.sessionTimeoutMs !== undefined ? { sessionTimeoutMs: opts.sessionTimeoutMs } : {}),
    ...(opts.repartition !== undefined ? { repartition: opts.repartition } : {}),
    ...(opts.repartitionPartitions !== undefined ? { repartitionPartitions: opts.repartitionPartitions } : {}),
    log,
  };
  if ('source' in cell) return runCodeCellWorker(opts, cell, scaleOutHost({ ...workerOptions, base: { services } }));
  const graph = migrateGraph(cell.graph);
  const issues = validateGraph(graph);
  if (issues.length > 0) throw new InvalidInputError(`${opts.file}: ${new GraphValidationError(issues).message}`);
  let worker: ScaleOutWorker;
  try {
    worker = new ScaleOutWorker({ ...workerOptions, graph, services });
  } catch (e) {
    throw new InvalidInputError(`${opts.file}: ${(e as Error).message}`);
  }
  const stop = () => void worker.stop();
  process.once('SIGINT', stop).once('SIGTERM', stop);
  try {
    await worker.run();
  } catch (e) {
    // A failed job ends the worker; leaving the group hands its partitions to the others at once.
    await worker.stop();
    throw e;
  } finally {
    process.off('SIGINT', stop).off('SIGTERM', stop);
  }
}

/**
 * A TypeScript cell as a worker: compiled and run as `flowbook run` runs it (its saved form values as `params`), with
 * its execute() joining the job's workers (scaleOutHost), so every worker runs the graph the same cell builds.
 */
async function runCodeCellWorker(opts: WorkerCommandOptions, cell: { source: string; id: string; notebook: Notebook }, host: ScaleOutHost): Promise<void> {
  process.setSourceMapsEnabled(true);
  const sourcefile = `${path.basename(opts.file).replace(/\.flowbook\.json$/, '')}.${cell.id}.ts`;
  let code: string;
  try {
    code = await compileCell(cell.source, Object.keys(engine), sourcefile);
  } catch (e) {
    if (e instanceof CellCompileError) throw new InvalidInputError(`${opts.file}, cell ${cell.id}: ${e.message}`);
    throw e;
  }
  Object.assign(globalThis, { params: Object.freeze(savedParams(cell.notebook, cell.id)), notebookDir: path.resolve(path.dirname(opts.file)) });
  const stop = () => void host.stop();
  process.once('SIGINT', stop).once('SIGTERM', stop);
  engine.StreamExecutionEnvironment.setContextHost(host);
  try {
    await runCompiledCell(code, engine as unknown as Record<string, unknown>);
    if (host.worker === undefined) throw new InvalidInputError(`${opts.file}, cell ${cell.id}: the cell built no job (it must call execute())`);
    await host.ended();
  } catch (e) {
    await host.stop();
    if (e instanceof InvalidInputError) throw e;
    const err = e instanceof Error ? e : new Error(String(e));
    const line = cellLineOf(err.stack, sourcefile);
    throw new Error(`${opts.file}, cell ${cell.id}: ${line !== undefined ? `line ${line}: ` : ''}${err.message}`);
  } finally {
    engine.StreamExecutionEnvironment.setContextHost(undefined);
    process.off('SIGINT', stop).off('SIGTERM', stop);
  }
}

/** The form values a cell sees when run from its saved notebook: the notebook's, then the cell's own. */
function savedParams(nb: Notebook, cellId: string): Record<string, ParamValue> {
  const values: Record<string, ParamValue> = {};
  for (const p of nb.params ?? []) values[p.name] = p.default;
  Object.assign(values, nb.paramValues ?? {});
  const cell = nb.cells.find((c) => c.id === cellId);
  if (cell !== undefined && isRunnable(cell)) for (const p of cell.params ?? []) values[p.name] = cell.paramValues?.[p.name] ?? p.default;
  return values;
}
