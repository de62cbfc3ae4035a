/** What a source sees while it runs (Flink's SourceContext). */
export interface SourceContext<T = unknown> {
  /** Emits a record without a timestamp (a WatermarkStrategy's assigner may give it one). */
  collect(value: T): void;
  /** Emits a record with an event timestamp (ms). */
  collectWithTimestamp(value: T, timestamp: number): void;
  /**
   * Emits values[i] for i < length (default: all) in one go, without timestamps: the same as collect() per value, for
   * less work per record. The array is read during the call only, so a source may refill it for its next batch.
   */
  collectBatch(values: readonly T[], length?: number): void;
  /** Emits values[i] with event timestamp timestamps[i] for i < length (default: all), as collectWithTimestamp() would one by one. */
  collectBatchWithTimestamps(values: readonly T[], timestamps: Float64Array | readonly number[], length?: number): void;
  /** For sources that track event time themselves (e.g. per partition). */
  emitWatermark(watermark: number): void;
  markAsTemporarilyIdle(): void;
  /** Sends a malformed input to the dead-letter output instead of failing the job. */
  deadLetter(raw: unknown, error: string, position?: string): void;
  isRunning(): boolean;
  /** Lets timers and other jobs run; call between batches in a tight loop. */
  yield(): Promise<void>;
  /** Resolves after `ms` or as soon as the job is cancelled. */
  sleep(ms: number): Promise<void>;
  getCurrentProcessingTime(): number;
  services: Record<string, unknown>;
  /** This subtask's index among the source's parallel subtasks (0 when absent); a splittable source reads its share. */
  readonly subtaskIndex?: number;
  /** Number of parallel subtasks of the source (1 when absent). */
  readonly parallelism?: number;
}

/** A source of records. `run` returns when a bounded input is exhausted or the job is cancelled. */
export interface SourceFunction<T = unknown> {
  run(ctx: SourceContext<T>): Promise<void>;
  cancel(): void;
  /** Read position, stored in checkpoints so the source resumes where it was (resettable sources). */
  snapshotState?(checkpointId: number): unknown;
  restoreState?(state: unknown): void;
  /**
   * After a change of parallelism: the states of every old subtask (Flink's union list state), for each new subtask
   * (`subtaskIndex` of `parallelism`) to keep what belongs to its splits. Without it a source's state cannot move to
   * another parallelism.
   */
  restoreUnionState?(states: unknown[], subtaskIndex: number, parallelism: number): void;
  notifyCheckpointComplete?(checkpointId: number): void | Promise<void>;
}

export interface SinkContext {
  services: Record<string, unknown>;
  name: string;
  /** The graph node's id: stable across restarts, so a sink can name its transactions by it. */
  nodeId: string;
  getCurrentProcessingTime(): number;
  /** Periodic checkpoints are on: an exactly-once sink commits when a checkpoint completes. */
  checkpointing: boolean;
  /** Fails the job from the sink's background work (a flush that was rejected). */
  failJob(error: unknown): void;
  /** This writer's subtask index (0 when absent) among `parallelism` writers (1 when absent): part of file and transaction names. */
  subtaskIndex?: number;
  parallelism?: number;
}

/** A sink of records (Flink's SinkFunction / SinkWriter). */
export interface SinkFunction<T = unknown> {
  open?(ctx: SinkContext): void | Promise<void>;
  invoke(value: T, timestamp: number): void;
  /** Optional: values[i] with timestamps[i] for i < length, as invoke() per record would take them; the arrays are only lent. */
  invokeBatch?(values: readonly T[], timestamps: Float64Array, length: number): void;
  /** Flink's SinkWriter.writeWatermark: the sink's input watermark advanced (a repartition writer passes it on). */
  writeWatermark?(watermark: number): void;
  /** End of input: flush buffered records. */
  finish?(): void | Promise<void>;
  close?(): void | Promise<void>;
  snapshotState?(checkpointId: number): unknown;
  /** May be async: an exactly-once sink commits the transactions its checkpoint left pending. */
  restoreState?(state: unknown): void | Promise<void>;
  /**
   * After a change of parallelism: the states of every old subtask, given to each new subtask (`subtaskIndex`), which
   * keeps what it must finish (an exactly-once sink: the transactions they left pending, committed once).
   */
  restoreRescaledState?(states: unknown[], subtaskIndex: number): void | Promise<void>;
  notifyCheckpointComplete?(checkpointId: number): void | Promise<void>;
}
