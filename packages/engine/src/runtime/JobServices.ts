/**
 * What a running job may reach outside the engine, injected by whoever runs it (server worker, CLI, tests).
 * The engine itself knows nothing of sockets or HTTP.
 */
export interface JobServices {
  /** A `live` sink's records, for the UI. Called per record; the host batches. */
  live?(sink: string, value: unknown, timestamp: number): void;
  /** Lines from print() sinks and user logging. */
  log?(line: string): void;
  /** Records of an executeAndCollect() sink. */
  collect?(sink: string, value: unknown, timestamp: number): void;
  /** Connector-specific services (e.g. an output directory for file sinks), by name. */
  [name: string]: unknown;
}
