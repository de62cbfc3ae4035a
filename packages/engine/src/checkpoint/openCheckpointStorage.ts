import path from 'node:path';
import { FsCheckpointStorage, WHOLE_JOB, type CheckpointScope, type CheckpointStorage } from './CheckpointStorage.js';
import { PgCheckpointStorage } from './PgCheckpointStorage.js';

/** True for a PostgreSQL URL: checkpoints then go to the shared database instead of a local folder. */
export function isPostgresLocation(location: string): boolean {
  return /^postgres(ql)?:\/\//.test(location);
}

/**
 * The storage of one job's checkpoints: rows keyed by `jobKey`, job name and key-group range in PostgreSQL when
 * `location` is a postgresql:// URL, else the folder `<location>/<jobKey>/` (with `job-<name>/` and `kg-<start>-<end>/`
 * below it when the scope names a job or a part of its key groups).
 */
export function openCheckpointStorage(location: string, jobKey: string, warn?: (msg: string) => void, scope: CheckpointScope = {}): CheckpointStorage & { close?(): Promise<void> } {
  if (isPostgresLocation(location)) return new PgCheckpointStorage(location, jobKey, 3, warn, scope);
  const kg = scope.keyGroups ?? WHOLE_JOB;
  const parts = [
    ...(scope.jobName ? [`job-${encodeURIComponent(scope.jobName)}`] : []),
    ...(kg.start !== WHOLE_JOB.start || kg.end !== WHOLE_JOB.end ? [`kg-${kg.start}-${kg.end}`] : []),
  ];
  return new FsCheckpointStorage(path.join(location, jobKey, ...parts), 3, warn);
}
