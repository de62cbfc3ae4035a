import type { PipelineGraph } from '../graph/PipelineGraph.js';
import { Job, type JobSnapshot } from '../runtime/Job.js';

/**
 * Runs a graph whose sinks are `collect` sinks, keeping what reaches them (as `keep` maps each value); with
 * `snapshotAfter`, takes a snapshot between two batches once that many values are out, and cancels the job. For tests of
 * what a restore (at the same or another parallelism) emits: nothing lost, nothing twice.
 */
export async function runWithSnapshot<T>(
  graph: PipelineGraph,
  keep: (value: unknown) => T,
  options: { restoreFrom?: JobSnapshot; snapshotAfter?: number } = {},
): Promise<{ out: T[]; snapshot: JobSnapshot | undefined; job: Job }> {
  const out: T[] = [];
  let snapshot: JobSnapshot | undefined;
  let scheduled = false;
  const job: Job = new Job(graph, {
    services: {
      collect: (_s: string, v: unknown) => out.push(keep(v)),
      collectBatch: (_s: string, vs: readonly unknown[], _t: Float64Array, n: number) => {
        for (let i = 0; i < n; i++) out.push(keep(vs[i]));
        if (options.snapshotAfter !== undefined && !scheduled && out.length >= options.snapshotAfter) {
          scheduled = true;
          setImmediate(() => {
            snapshot = structuredClone(job.snapshot(1));
            job.cancel();
          });
        }
      },
    },
    ...(options.restoreFrom ? { restoreFrom: options.restoreFrom } : {}),
  });
  await job.run();
  return { out, snapshot, job };
}
