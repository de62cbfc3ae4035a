import { createWriteStream, mkdirSync, readFileSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import * as engine from '../index.js';
import type { PipelineGraph } from '../graph/PipelineGraph.js';
import { runCellCode } from '../cells/runCellCode.js';

export interface RunOptions {
  file: string;
  /** sourceName → JSONL file replacing that source's records. */
  inputs: Record<string, string>;
  outputDir: string;
  /** Cancel the jobs after this many ms (for unbounded sources). */
  timeoutMs?: number;
  log?: (line: string) => void;
}

const NotebookShape = z.object({ cells: z.array(z.object({ id: z.string(), type: z.string(), source: z.string() }).passthrough()) }).passthrough();

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
        throw new Error(`${file}:${n}: invalid JSON: ${(e as Error).message}`);
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
    if (!used.has(name)) throw new Error(`--input ${name}: the pipeline has no source named "${name}" (sources: ${graph.nodes.filter((n) => n.type === 'source').map((n) => n.name ?? n.id).join(', ')})`);
  }
  return { ...graph, nodes };
}

/**
 * `flowbook run`: runs a pipeline file (graph JSON) or every code cell of a notebook without the server, writing each
 * sink's records as JSONL into the output folder (one file per sink name).
 */
export async function run(opts: RunOptions): Promise<{ files: string[] }> {
  mkdirSync(opts.outputDir, { recursive: true });
  const streams = new Map<string, WriteStream>();
  const write = (sink: string, value: unknown) => {
    let s = streams.get(sink);
    if (!s) {
      s = createWriteStream(path.join(opts.outputDir, `${sink.replace(/[^\w.-]/g, '_')}.jsonl`));
      streams.set(sink, s);
    }
    s.write(JSON.stringify(value) + '\n');
  };
  const log = opts.log ?? ((l: string) => process.stdout.write(l + '\n'));
  const jobs: { cancel(): void; getJobExecutionResult(): Promise<unknown> }[] = [];
  const services = { live: write, collect: write, log: (line: string) => write('print', line) };
  // Parallel jobs run in slots: each peer slot loads the same cell (set per cell below) and builds the same graph.
  const slots: { program: engine.SlotProgram } = { program: {} };
  engine.StreamExecutionEnvironment.setContextHost({
    services,
    transformGraph: (g) => substituteInputs(g, opts.inputs),
    onExecution: (client) => {
      jobs.push(client);
    },
    get slots() {
      return slots;
    },
  });
  const timer = opts.timeoutMs ? setTimeout(() => jobs.forEach((j) => j.cancel()), opts.timeoutMs) : undefined;
  try {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(opts.file, 'utf8'));
    } catch (e) {
      throw new Error(`${opts.file}: ${(e as Error).message}`);
    }
    if (opts.file.endsWith('.flowbook.json')) {
      const nb = NotebookShape.safeParse(raw);
      if (!nb.success) throw new Error(`${opts.file}: not a notebook: ${nb.error.issues[0]?.message}`);
      for (const cell of nb.data.cells.filter((c) => c.type === 'code')) {
        log(`running cell ${cell.id}`);
        const sourcefile = `${path.basename(opts.file)}#${cell.id}.ts`;
        slots.program = { source: cell.source, sourcefile };
        await runCellCode(cell.source, engine as unknown as Record<string, unknown>, sourcefile).catch((e: Error) => {
          throw new Error(`${path.basename(opts.file)}, cell ${cell.id}: ${e.message}`);
        });
      }
    } else {
      const graph = substituteInputs(engine.migrateGraph(raw), opts.inputs);
      const issues = engine.validateGraph(graph);
      if (issues.length > 0) throw new engine.GraphValidationError(issues);
      // Same path as env.execute(): the graph's restart strategy applies.
      await engine
        .executeGraph(graph, graph.name ?? path.basename(opts.file), { services, onExecution: (c) => jobs.push(c), slots: { program: { graph } } })
        .getJobExecutionResult();
    }
    // Jobs a cell started with executeAsync: wait for them too (a failure after its restarts rejects).
    for (const j of jobs) await j.getJobExecutionResult();
  } finally {
    clearTimeout(timer);
    engine.StreamExecutionEnvironment.setContextHost(undefined);
    await Promise.all([...streams.values()].map((s) => new Promise<void>((r) => s.end(() => r()))));
  }
  return { files: [...streams.keys()].map((s) => path.join(opts.outputDir, `${s.replace(/[^\w.-]/g, '_')}.jsonl`)) };
}
