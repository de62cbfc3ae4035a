import { readFileSync } from 'node:fs';
import { migrateGraph } from '../graph/migrateGraph.js';
import { GraphValidationError, validateGraph } from '../graph/validate.js';
import { ScaleOutWorker } from '../scaleout/ScaleOutWorker.js';
import { InvalidInputError } from './InvalidInputError.js';

export interface WorkerCommandOptions {
  file: string;
  jobName: string;
  /** Shared by every worker of the job: a postgresql:// URL. */
  checkpointDir: string;
  sessionTimeoutMs?: number;
  log?: (line: string) => void;
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
  if (opts.file.endsWith('.flowbook.json')) throw new InvalidInputError('flowbook worker runs a pipeline file (graph JSON); export the notebook cell as a pipeline');
  const graph = migrateGraph(raw);
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
