import path from 'node:path';
import { FsCheckpointStorage, type CheckpointStorage } from './CheckpointStorage.js';
import { PgCheckpointStorage } from './PgCheckpointStorage.js';

/** True for a PostgreSQL URL: checkpoints then go to the shared database instead of a local folder. */
export function isPostgresLocation(location: string): boolean {
  return /^postgres(ql)?:\/\//.test(location);
}

/**
 * The storage of one job's checkpoints: `<location>/<jobKey>/` for a folder, or rows keyed by `jobKey` in
 * PostgreSQL when `location` is a postgresql:// URL.
 */
export function openCheckpointStorage(location: string, jobKey: string, warn?: (msg: string) => void): CheckpointStorage & { close?(): Promise<void> } {
  return isPostgresLocation(location) ? new PgCheckpointStorage(location, jobKey, 3, warn) : new FsCheckpointStorage(path.join(location, jobKey), 3, warn);
}
