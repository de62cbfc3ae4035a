import type { FromWorker, ToWorker, WorkerInput } from '../workerMessages.js';

/** Messages between the JobManager (server) and a TaskManager process over its IPC channel (server-internal). */

/** A slot's worker limits, as today's resourceLimits of the job's worker thread (MiB). */
export interface SlotMemory {
  maxOldGenerationSizeMb: number;
  maxYoungGenerationSizeMb: number;
}

export type ToTaskManager =
  /** Runs a job in a new worker thread (a slot) of the TaskManager. */
  | { type: 'deploy'; jobId: string; workerUrl: string; input: WorkerInput; resourceLimits: SlotMemory }
  | { type: 'toWorker'; jobId: string; message: ToWorker }
  | { type: 'terminate'; jobId: string };

/** What a TaskManager says about itself every second. */
export interface Heartbeat {
  type: 'heartbeat';
  pid: number;
  /** Resident set of the whole process (every slot's heap is in it), and the process's main heap. */
  rssBytes: number;
  heapUsedBytes: number;
  /** CPU time of all threads of the process over the last interval, in % of one core. */
  cpuPercent: number;
  uptimeMs: number;
  jobs: string[];
}

export type FromTaskManager =
  | { type: 'ready'; pid: number }
  | Heartbeat
  | { type: 'fromWorker'; jobId: string; message: FromWorker }
  /** The job's worker printed to stdout/stderr. */
  | { type: 'output'; jobId: string; text: string }
  | { type: 'workerError'; jobId: string; message: string; stack?: string; code?: string }
  | { type: 'workerExit'; jobId: string; code: number };
