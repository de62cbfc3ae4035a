import { EventEmitter } from 'node:events';
import type { ToWorker, WorkerInput } from '../workerMessages.js';
import type { SlotMemory, ToTaskManager } from './messages.js';

/**
 * A job deployed on a TaskManager, seen from the server with the surface of the worker thread it replaced: 'message',
 * 'error' and 'exit' events, postMessage and terminate, plus 'output' (what the job printed). When its TaskManager
 * process dies, the handle emits 'error' with what happened, then 'exit'.
 */
export class SlotHandle extends EventEmitter {
  /** Slots the job occupies: 1 until the job says its highest parallelism. */
  slots = 1;
  private exited = false;
  private exitWaiters: ((code: number) => void)[] = [];

  constructor(
    readonly jobId: string,
    readonly taskManagerId: string,
    readonly resourceLimits: SlotMemory,
    private readonly sendToTaskManager: (m: ToTaskManager) => void,
  ) {
    super();
  }

  /** Deploys the job's worker on the TaskManager. */
  deploy(workerUrl: string, input: WorkerInput): void {
    this.sendToTaskManager({ type: 'deploy', jobId: this.jobId, workerUrl, input, resourceLimits: this.resourceLimits });
  }

  postMessage(message: ToWorker): void {
    if (!this.exited) this.sendToTaskManager({ type: 'toWorker', jobId: this.jobId, message });
  }

  /** Stops the job's worker thread at once; resolves with its exit code once it is gone. */
  terminate(): Promise<number> {
    if (this.exited) return Promise.resolve(1);
    this.sendToTaskManager({ type: 'terminate', jobId: this.jobId });
    return new Promise((resolve) => this.exitWaiters.push(resolve));
  }

  get isExited(): boolean {
    return this.exited;
  }

  /** The worker thread ended (or its process did). */
  markExited(code: number): void {
    if (this.exited) return;
    this.exited = true;
    this.emit('exit', code);
    for (const w of this.exitWaiters.splice(0)) w(code);
  }
}
