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
  /** Optional: a batch of an executeAndCollect() sink's records (values[i] for i < length), instead of collect() per record. The arrays are only lent. */
  collectBatch?(sink: string, values: readonly unknown[], timestamps: Float64Array, length: number): void;
  /** Connector-specific services (e.g. an output directory for file sinks), by name. */
  [name: string]: unknown;
}
