import { createWriteStream, mkdirSync, readFileSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import * as engine from '../index.js';
import type { PipelineGraph } from '../graph/PipelineGraph.js';
import { InvalidInputError } from './InvalidInputError.js';
import { runNotebook, type NotebookRunResult } from './runNotebook.js';

export interface RunOptions {
  file: string;
  /** sourceName → JSONL file replacing that source's records. */
  inputs: Record<string, string>;
  outputDir: string;
  /** Cancel the jobs after this many ms (for unbounded sources); the run then ends well. */
  timeoutMs?: number;
  /** `--param name=value` (notebooks). */
  params?: Record<string, string>;
  /** Checkpoints of cells with enableCheckpointing (notebooks); default `<outputDir>/checkpoints`. */
  checkpointDir?: string;
  log?: (line: string) => void;
}

/** Reads a JSON Lines file into values; a bad line names the file and line. */
export function readJsonl(file: string): unknown[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((l, i) => [l.trim(), i + 1] as const)
    .filter(([l]) => l !== '')
    .map(([l, n]) => {
      try {
        return JSON.parse(l);
      } catch (e) {
        throw new InvalidInputError(`${file}:${n}: invalid JSON: ${(e as Error).message}`);
      }
    });
}

/** Replaces the source nodes named in `inputs` (by name or id) with the records of a JSONL file, keeping their watermark strategy. */
export function substituteInputs(graph: PipelineGraph, inputs: Record<string, string>): PipelineGraph {
  const used = new Set<string>();
  const nodes = graph.nodes.map((n) => {
    if (n.type !== 'source') return n;
    const key = n.name !== undefined && n.name in inputs ? n.name : n.id in inputs ? n.id : undefined;
    if (key === undefined) return n;
    used.add(key);
    return { ...n, config: { ...n.config, connector: 'elements', config: { elements: readJsonl(inputs[key]!) } } };
  });
  for (const name of Object.keys(inputs)) {
    if (!used.has(name)) throw new InvalidInputError(`--input ${name}: the pipeline has no source named "${name}" (sources: ${graph.nodes.filter((n) => n.type === 'source').map((n) => n.name ?? n.id).join(', ')})`);
  }
  return { ...graph, nodes };
}

/**
 * `flowbook run`: runs a pipeline file (graph JSON) or a notebook (runNotebook.ts) without the server, writing each
 * sink's records as JSONL into the output folder (one file per sink name; per cell and sink for notebooks).
 */
export async function run(opts: RunOptions): Promise<NotebookRunResult> {
  mkdirSync(opts.outputDir, { recursive: true });
  const log = opts.log ?? ((l: string) => process.stdout.write(l + '\n'));
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(opts.file, 'utf8'));
  } catch (e) {
    throw new InvalidInputError(`${opts.file}: ${(e as Error).message}`);
  }
  if (opts.file.endsWith('.flowbook.json')) {
    return runNotebook({
      file: opts.file,
      raw,
      outputDir: opts.outputDir,
      params: opts.params ?? {},
      checkpointDir: opts.checkpointDir ?? path.join(opts.outputDir, 'checkpoints'),
      ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
      transformGraph: (g) => substituteInputs(g, opts.inputs),
      log,
    });
  }
  if (opts.params && Object.keys(opts.params).length > 0) throw new InvalidInputError('--param applies to notebooks; a pipeline file has no form inputs');
  const streams = new Map<string, WriteStream>();
  const write = (sink: string, value: unknown) => {
    let s = streams.get(sink);
    if (!s) {
      s = createWriteStream(path.join(opts.outputDir, `${sink.replace(/[^\w.-]/g, '_')}.jsonl`));
      streams.set(sink, s);
    }
    s.write(JSON.stringify(value) + '\n');
  };
  const jobs: { cancel(): void; getJobExecutionResult(): Promise<unknown> }[] = [];
  const services = { live: write, collect: write, log };
  let timedOut = false;
  const timer = opts.timeoutMs
    ? setTimeout(() => {
        timedOut = true;
        jobs.forEach((j) => j.cancel());
      }, opts.timeoutMs)
    : undefined;
  try {
    let graph: PipelineGraph;
    try {
      graph = substituteInputs(engine.migrateGraph(raw), opts.inputs);
    } catch (e) {
      throw new InvalidInputError(`${path.basename(opts.file)}: ${(e as Error).message}`);
    }
    const issues = engine.validateGraph(graph);
    if (issues.length > 0) throw new engine.GraphValidationError(issues);
    // Same path as env.execute(): the graph's restart strategy applies.
    await engine
      .executeGraph(graph, graph.name ?? path.basename(opts.file), { services, onExecution: (c) => jobs.push(c), slots: { program: { graph } } })
      .getJobExecutionResult();
  } catch (e) {
    if (e instanceof InvalidInputError || e instanceof engine.GraphValidationError) throw e;
    return { files: files(), failure: { message: `${path.basename(opts.file)}: ${(e as Error).message}` }, timedOut };
  } finally {
    clearTimeout(timer);
    await Promise.all([...streams.values()].map((s) => new Promise<void>((r) => s.end(() => r()))));
  }
  return { files: files(), timedOut };

  function files(): string[] {
    return [...streams.keys()].map((s) => path.join(opts.outputDir, `${s.replace(/[^\w.-]/g, '_')}.jsonl`));
  }
}
