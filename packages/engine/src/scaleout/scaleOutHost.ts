import type { ExecutionHost, JobClient, JobExecutionResult } from '../api/StreamExecutionEnvironment.js';
import { ScaleOutWorker, type ScaleOutWorkerOptions } from './ScaleOutWorker.js';

export interface ScaleOutHostOptions extends Omit<ScaleOutWorkerOptions, 'graph' | 'services'> {
  /** Services and graph rewrites of the host the program would otherwise run under (live sinks, logs). */
  base?: ExecutionHost;
}

export interface ScaleOutHost extends ExecutionHost {
  /** The worker of the job the program submitted (undefined until it calls execute). */
  readonly worker: ScaleOutWorker | undefined;
  /** Leaves the group: the program's execute() then returns. */
  stop(): Promise<void>;
  /** Settles when the worker ends (a program that used executeAsync does not wait for it itself). */
  ended(): Promise<void>;
}

/**
 * Runs a program (a code cell) as a scale-out worker, as Flink ships user code to every TaskManager: the program builds
 * its graph as usual, and its `execute()` joins the job's workers with that graph instead of running it alone. Every
 * worker runs the same program, so the same graph. It resolves when the worker is stopped and rejects when its job
 * fails. A program submits one job: a second one would need its own group and checkpoints, so it fails.
 */
export function scaleOutHost(o: ScaleOutHostOptions): ScaleOutHost {
  let worker: ScaleOutWorker | undefined;
  let stopped = false;
  let result: Promise<JobExecutionResult> | undefined;
  const { base, ...workerOptions } = o;
  const host: ScaleOutHost = {
    ...(base?.services ? { services: base.services } : {}),
    ...(base?.transformGraph ? { transformGraph: base.transformGraph } : {}),
    get worker() {
      return worker;
    },
    ended: async () => void (await result),
    async stop() {
      stopped = true;
      await worker?.stop();
    },
    slotPeer(graph, jobName): JobClient {
      if (worker !== undefined) throw new Error(`a scale-out worker runs one job: the program submitted a second one ("${jobName}")`);
      const w = new ScaleOutWorker({ ...workerOptions, graph, ...(base?.services ? { services: base.services } : {}) });
      worker = w;
      const started = Date.now();
      const run: Promise<JobExecutionResult> = (stopped ? Promise.resolve() : w.run()).then(() => ({ jobName, status: 'cancelled', netRuntime: Date.now() - started }));
      run.catch(() => {});
      result = run;
      return {
        get job() {
          const job = w.currentJob;
          if (job === undefined) throw new Error(`worker of job "${o.jobName}" owns no partitions now`);
          return job;
        },
        // A worker restarts nothing itself: its partitions go to the other workers, which restore them.
        execution: undefined as never,
        cancel: () => void w.stop(),
        getJobExecutionResult: () => run,
      };
    },
  };
  return host;
}
