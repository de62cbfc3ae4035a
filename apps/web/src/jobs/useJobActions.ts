import { useState } from 'react';
import { cancelJob, restartJob, runAsScaleOutWorker, takeSavepoint } from './useJobsApi.js';

export interface JobActions {
  /** The last action's error, until the next action. */
  error?: string;
  /** Where the last savepoint was written. */
  savepoint?: string;
  cancel(): Promise<void>;
  /** Savepoint; `stop` stops the job after it, `drain` fires every window and timer first. */
  takeSavepoint(stop: boolean, drain?: boolean): Promise<void>;
  /** Runs the cell job again from a restore point and opens the new job's page. */
  restart(from: string): Promise<void>;
  /** Runs the job's cell as a worker of the scale-out job `job` and opens the new job's page. */
  joinScaleOut(notebook: string, cellId: string, job: string): Promise<void>;
}

/** What the job page's buttons do (REST calls in useJobsApi), and what they left to show. */
export function useJobActions(jobId: string, refresh: () => void, navigate: (path: string) => void): JobActions {
  const [error, setError] = useState<string>();
  const [savepoint, setSavepoint] = useState<string>();
  return {
    ...(error !== undefined ? { error } : {}),
    ...(savepoint !== undefined ? { savepoint } : {}),
    async cancel() {
      setError(await cancelJob(jobId));
      refresh();
    },
    async takeSavepoint(stop, drain = false) {
      const r = await takeSavepoint(jobId, stop, drain);
      setError(r.error);
      setSavepoint(r.path);
      if (stop) refresh();
    },
    async restart(from) {
      const r = await restartJob(jobId, from);
      setError(r.error);
      if (r.jobId) navigate(`/jobs/${r.jobId}`);
    },
    async joinScaleOut(notebook, cellId, job) {
      const r = await runAsScaleOutWorker(notebook, cellId, job);
      setError(r.error);
      if (r.jobId) navigate(`/jobs/${r.jobId}`);
    },
  };
}
