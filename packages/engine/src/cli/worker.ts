import { readFileSync } from 'node:fs';
import { parseNotebook } from '@flowbook/protocol';
import { migrateGraph } from '../graph/migrateGraph.js';
import { GraphValidationError, validateGraph } from '../graph/validate.js';
import { ScaleOutWorker } from '../scaleout/ScaleOutWorker.js';
import { InvalidInputError } from './InvalidInputError.js';

export interface WorkerCommandOptions {
  file: string;
  /** In a notebook: the pipeline cell to run (default: its only pipeline cell). */
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

/** The graph of a notebook's pipeline cell: the one named, or the notebook's only one (code cells build theirs by running). */
function pipelineCellOf(file: string, raw: unknown, cellId: string | undefined): unknown {
  let cells;
  try {
    cells = parseNotebook(raw).cells;
  } catch (e) {
    throw new InvalidInputError(`${file}: not a notebook: ${(e as Error).message}`);
  }
  const pipelines = cells.filter((c) => c.type === 'pipeline' && (cellId === undefined || c.id === cellId));
  if (pipelines.length !== 1) {
    throw new InvalidInputError(
      cellId !== undefined ? `${file}: no pipeline cell "${cellId}"` : `${file}: ${pipelines.length === 0 ? 'no pipeline cell' : 'several pipeline cells'}; name one with --cell <id>`,
    );
  }
  return (pipelines[0] as { graph: unknown }).graph;
}

/**
 * `flowbook worker --job <name> <pipeline.json>`: joins the job's workers (ScaleOutWorker) until SIGINT/SIGTERM,
 * which leaves the group so that the other workers take the partitions over at once.
 */
export async function runWorker(opts: WorkerCommandOptions): Promise<void> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(opts.file, 'utf8'));
  } catch (e) {
    throw new InvalidInputError(`${opts.file}: ${(e as Error).message}`);
  }
  const graph = migrateGraph(opts.file.endsWith('.flowbook.json') ? pipelineCellOf(opts.file, raw, opts.cellId) : raw);
  const issues = validateGraph(graph);
  if (issues.length > 0) throw new InvalidInputError(`${opts.file}: ${new GraphValidationError(issues).message}`);
  const log = opts.log ?? ((l: string) => process.stdout.write(l + '\n'));
  let worker: ScaleOutWorker;
  try {
    worker = new ScaleOutWorker({
      graph,
      jobName: opts.jobName,
      checkpointLocation: opts.checkpointDir,
      services: { log, live: (sink, value) => log(`${sink}: ${JSON.stringify(value)}`) },
      ...(opts.sessionTimeoutMs !== undefined ? { sessionTimeoutMs: opts.sessionTimeoutMs } : {}),
      ...(opts.repartition !== undefined ? { repartition: opts.repartition } : {}),
      ...(opts.repartitionPartitions !== undefined ? { repartitionPartitions: opts.repartitionPartitions } : {}),
      log,
    });
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
