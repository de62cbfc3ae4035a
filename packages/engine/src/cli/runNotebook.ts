import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { isRunnable, parseNotebook, type Notebook, type ParamDef, type ParamValue, type RunnableCell } from '@flowbook/protocol';
import * as engine from '../index.js';
import type { ExecutionHost, JobClient } from '../api/StreamExecutionEnvironment.js';
import { CellCompileError, cellLineOf, compileCell } from '../cells/compileCell.js';
import { runCompiledCell } from '../cells/runCellCode.js';
import type { SlotProgram } from '../runtime/slots/messages.js';
import type { PipelineGraph } from '../graph/PipelineGraph.js';
import { InvalidInputError } from './InvalidInputError.js';

export interface RunNotebookOptions {
  file: string;
  /** The parsed JSON of the file. */
  raw: unknown;
  outputDir: string;
  /** `--param name=value`: overrides the saved form values of every cell. */
  params: Record<string, string>;
  /** Where cells with enableCheckpointing write their checkpoints (a folder or a postgres:// URL). */
  checkpointDir: string;
  timeoutMs?: number;
  /** Rewrites each graph before it runs (`--input` replaces sources). */
  transformGraph(graph: PipelineGraph): PipelineGraph;
  /** Progress lines and print() output. */
  log(line: string): void;
}

export interface NotebookRunResult {
  files: string[];
  /** The first cell that failed, and why (naming the file and cell); undefined when every cell ended well (or was stopped by the timeout). */
  failure?: { message: string };
  timedOut: boolean;
}

/** A cell as the CLI runs it: its own engine object (so its own host), its jobs, its checkpoints. */
interface CellRun {
  cell: RunnableCell;
  start(): Promise<void>;
  jobs: JobClient[];
  coordinators: engine.CheckpointCoordinator[];
  storages: Map<string, engine.CheckpointStorage & { close?(): Promise<void> }>;
}

/** Waiting this long for cancelled jobs to end after the timeout or a failure, before the CLI exits anyway. */
const CANCEL_GRACE_MS = 5000;

/**
 * Runs a notebook headless the way the server does: every TypeScript code, pipeline and SQL cell at once (as cells
 * run side by side in the notebook, so a producer cell and its consumer both run), with the `params` and
 * `notebookDir` globals, checkpoints for cells that enable them, and each live sink written to
 * `<output>/<cell>/<sink>.jsonl`. The first failure or the timeout cancels every job.
 */
export async function runNotebook(opts: RunNotebookOptions): Promise<NotebookRunResult> {
  const fileName = path.basename(opts.file);
  // Stack traces of cell code point at the cell's own lines through the inline source map.
  process.setSourceMapsEnabled(true);
  const nb = readNotebook(fileName, opts.raw);
  const globals = { params: Object.freeze(paramsOf(fileName, nb, opts.params)), notebookDir: path.resolve(path.dirname(opts.file)) };
  Object.assign(globalThis, globals);

  const streams = new Map<string, WriteStream>();
  const writerFor = (cellId: string) => (sink: string, value: unknown) => {
    const file = path.join(opts.outputDir, cellId, `${sink.replace(/[^\w.-]/g, '_')}.jsonl`);
    let s = streams.get(file);
    if (!s) {
      mkdirSync(path.dirname(file), { recursive: true });
      streams.set(file, (s = createWriteStream(file)));
    }
    s.write(JSON.stringify(value) + '\n');
  };

  let stopping = false;
  let failure: NotebookRunResult['failure'];
  let timedOut = false;
  const runs: CellRun[] = [];
  for (const cell of nb.cells) {
    if (cell.type === 'sql' && catalogOnly(cell.source)) opts.log(`cell ${cell.id}: SQL catalog statements (CREATE, SET) for the cells below`);
    else if (cell.type === 'code' && cell.language !== 'typescript') opts.log(`cell ${cell.id}: ${cell.language} cell skipped (only TypeScript cells run)`);
    else if (isRunnable(cell)) runs.push(await prepare(cell));
  }

  async function prepare(cell: RunnableCell): Promise<CellRun> {
    const write = writerFor(cell.id);
    const run: CellRun = { cell, jobs: [], coordinators: [], storages: new Map(), start: async () => {} };
    const jobKey = `${fileName.replace(/\.flowbook\.json$/, '')}-${cell.id}`;
    // One storage per job the cell submits, keyed by its name: two jobs of a cell never restore each other's checkpoints.
    const storageFor = (jobName: string) => {
      let s = run.storages.get(jobName);
      if (s === undefined) run.storages.set(jobName, (s = engine.openCheckpointStorage(opts.checkpointDir, jobKey, (m) => opts.log(`cell ${cell.id}: ${m}`), { jobName })));
      return s;
    };
    const program: SlotProgram = { globals };
    const host: ExecutionHost = {
      services: { live: write, collect: write, log: opts.log },
      transformGraph: opts.transformGraph,
      slots: { program },
      onExecution: (client) => {
        run.jobs.push(client);
        if (stopping) client.cancel();
      },
      onJobSubmitted: (job, name) => {
        const intervalMs = job.graph.config.checkpointInterval;
        if (!intervalMs) return;
        const c = new engine.CheckpointCoordinator(job, storageFor(name), { intervalMs, timeoutMs: 60_000 }, 1 + Math.max(0, ...run.coordinators.flatMap((k) => k.history.map((h) => h.id))));
        run.coordinators.push(c);
        c.start();
      },
      latestCheckpoint: (name) => run.storages.get(name)?.latest() ?? Promise.resolve(undefined),
    };
    if (cell.type === 'pipeline') {
      const graph = opts.transformGraph(engine.migrateGraph(cell.graph));
      const issues = engine.validateGraph(graph);
      if (issues.length > 0) throw new InvalidInputError(`${fileName}, cell ${cell.id}: ${new engine.GraphValidationError(issues).message}`);
      program.graph = graph;
      run.start = () => engine.executeGraph(graph, graph.name ?? cell.id, host).getJobExecutionResult().then(() => {});
      return run;
    }
    // Not `#`: stack traces read the source map's file name as a URL, and would drop the cell after it.
    const sourcefile = `${fileName.replace(/\.flowbook\.json$/, '')}.${cell.id}.ts`;
    const engineGlobal = `__flowbookEngine_${cell.id.replace(/\W/g, '_')}`;
    // A SQL cell runs the program the server runs for it: runSqlScript with the catalog of the SQL cells above.
    const source = cell.type === 'sql' ? engine.sqlProgramOf(nb, cell) : cell.source;
    let code: string;
    try {
      code = await compileCell(source, Object.keys(engine), sourcefile, engineGlobal);
    } catch (e) {
      if (e instanceof CellCompileError) throw new InvalidInputError(`${fileName}, cell ${cell.id}: ${e.message}`);
      throw e;
    }
    Object.assign(program, { source, sourcefile });
    // The cell's environments execute through its own host: outputs, checkpoints and slots stay the cell's.
    class CellEnvironment extends engine.StreamExecutionEnvironment {
      constructor(h?: ExecutionHost) {
        super(h ?? host);
      }
      static override getExecutionEnvironment(): engine.StreamExecutionEnvironment {
        return new CellEnvironment();
      }
    }
    // runSqlScript takes the environment of the engine module; it takes it before its first await, under this host.
    const runSqlScript: typeof engine.runSqlScript = (script, options) => {
      engine.StreamExecutionEnvironment.setContextHost(host);
      try {
        return engine.runSqlScript(script, options);
      } finally {
        engine.StreamExecutionEnvironment.setContextHost(undefined);
      }
    };
    const cellEngine = { ...engine, StreamExecutionEnvironment: CellEnvironment, runSqlScript } as unknown as Record<string, unknown>;
    run.start = () =>
      runCompiledCell(code, cellEngine, engineGlobal).catch((e: unknown) => {
        const err = e instanceof Error ? e : new Error(String(e));
        const line = cellLineOf(err.stack, sourcefile);
        throw new Error(`line ${line ?? '?'}: ${err.message}`.replace(/^line \?: /, ''));
      });
    return run;
  }

  let onStop = () => {};
  // Settles when a failure or the timeout cancels the run, so a cell that waits forever does not hold the CLI.
  const stopped = new Promise<void>((resolve) => (onStop = resolve));
  const stopAll = () => {
    stopping = true;
    for (const r of runs) for (const j of r.jobs) j.cancel();
    onStop();
  };
  const all = Promise.all(
    runs.map(async (r) => {
      opts.log(`running cell ${r.cell.id}`);
      try {
        await r.start();
        // Jobs the cell started with executeAsync: wait for them too (a failure after its restarts rejects).
        for (const j of r.jobs) await j.getJobExecutionResult();
      } catch (e) {
        if (stopping) return;
        failure = { message: `${fileName}, cell ${r.cell.id}: ${(e as Error).message}` };
        stopAll();
      }
    }),
  );
  const timer =
    opts.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          opts.log(`timeout after ${opts.timeoutMs} ms: cancelling every job`);
          stopAll();
        }, opts.timeoutMs);
  try {
    await Promise.race([all, stopped]);
    if (stopping) {
      // Cancelled jobs end within a moment; cells that wait forever (a server cell) are left behind.
      const grace = new Promise((r) => setTimeout(r, CANCEL_GRACE_MS).unref());
      await Promise.race([Promise.all(runs.flatMap((r) => r.jobs.map((j) => j.getJobExecutionResult().catch(() => undefined)))), grace]);
    }
  } finally {
    clearTimeout(timer);
    for (const r of runs) {
      await Promise.all(r.coordinators.map((c) => c.stop()));
      const done = r.coordinators.flatMap((c) => c.history).filter((h) => h.status === 'completed').length;
      if (r.coordinators.length > 0) opts.log(`cell ${r.cell.id}: ${done} checkpoint(s) completed in ${opts.checkpointDir}`);
      for (const s of r.storages.values()) await s.close?.();
    }
    await Promise.all([...streams.values()].map((s) => new Promise<void>((r) => s.end(() => r()))));
  }
  return { files: [...streams.keys()], ...(failure ? { failure } : {}), timedOut };
}

/** A SQL cell of only CREATE / SET statements defines tables for the cells below it and starts no job. */
function catalogOnly(sql: string): boolean {
  return engine.splitStatements(sql).every((s) => engine.isCatalogStatement(s.text));
}

/** The notebook, migrated and checked; a problem names the cell (by id) rather than its index. */
function readNotebook(fileName: string, raw: unknown): Notebook {
  try {
    return parseNotebook(raw);
  } catch (e) {
    const cells = (raw as { cells?: { id?: unknown }[] } | null)?.cells;
    const message = (e as Error).message.replace(/\bcells\.(\d+)\.?/g, (_, i: string) => {
      const id = Array.isArray(cells) ? cells[Number(i)]?.id : undefined;
      return `cell ${typeof id === 'string' ? id : `#${Number(i) + 1}`}: `;
    });
    throw new InvalidInputError(`${fileName}: not a notebook: ${message}`);
  }
}

/**
 * The `params` global: the saved form values of the notebook and of every cell (one namespace here, since the cells
 * share this process), then `--param` values, converted by the form's type.
 */
function paramsOf(fileName: string, nb: Notebook, overrides: Record<string, string>): Record<string, ParamValue> {
  const defs = new Map<string, ParamDef>();
  const values: Record<string, ParamValue> = {};
  for (const p of nb.params ?? []) (defs.set(p.name, p), (values[p.name] = p.default));
  Object.assign(values, nb.paramValues ?? {});
  for (const c of nb.cells) {
    if (!isRunnable(c)) continue;
    for (const p of c.params ?? []) (defs.set(p.name, p), (values[p.name] = c.paramValues?.[p.name] ?? p.default));
  }
  for (const [name, text] of Object.entries(overrides)) {
    const def = defs.get(name);
    if (!def) throw new InvalidInputError(`--param ${name}: ${fileName} has no form input "${name}" (it has: ${[...defs.keys()].join(', ') || 'none'})`);
    if (def.type === 'number') {
      const n = Number(text);
      if (text.trim() === '' || !Number.isFinite(n)) throw new InvalidInputError(`--param ${name}: "${text}" is not a number`);
      values[name] = n;
    } else if (def.type === 'checkbox') {
      if (text !== 'true' && text !== 'false') throw new InvalidInputError(`--param ${name}: a checkbox is true or false, got "${text}"`);
      values[name] = text === 'true';
    } else if (def.type === 'select' && def.options && !def.options.includes(text)) {
      throw new InvalidInputError(`--param ${name}: "${text}" is not one of ${def.options.join(', ')}`);
    } else values[name] = text;
  }
  return values;
}
