import { createHash } from 'node:crypto';
import type { TaskManagerInfo } from '@flowbook/protocol';
import { bundleDevWorker } from '../bundleDevWorker.js';
import type { WorkerInput } from '../workerMessages.js';
import type { SlotMemory } from './messages.js';
import type { SlotHandle } from './SlotHandle.js';
import { TaskManagerProcess } from './TaskManagerProcess.js';
import type { TaskManagerUser } from './taskManagerUser.js';

export interface TaskManagerPoolOptions {
  /** Slots (worker threads) per TaskManager before another one is started (FLOWBOOK_TASKMANAGER_SLOTS). */
  slots: number;
  /** TaskManager processes at most (FLOWBOOK_TASKMANAGERS_MAX); beyond, the least loaded one is over-subscribed. */
  max: number;
  /** --max-old-space-size of each TaskManager process (FLOWBOOK_TASKMANAGER_MEMORY_MB). */
  memoryMb: number;
  /** A TaskManager silent this long is killed and its jobs fail (FLOWBOOK_TASKMANAGER_HEARTBEAT_TIMEOUT_MS). */
  heartbeatTimeoutMs: number;
  /** An extra TaskManager (not the first) with no job for this long stops (FLOWBOOK_TASKMANAGER_IDLE_MS). */
  idleMs: number;
  /** Run TaskManager processes as this OS user (FLOWBOOK_TASKMANAGER_USER; the server must run as root). */
  user?: TaskManagerUser;
}

/**
 * The server's TaskManagers, Flink's resource manager in small: processes started on demand, each job placed on the one
 * with the most free slots, and their liveness watched by heartbeats.
 */
export class TaskManagerPool {
  private readonly taskManagers: TaskManagerProcess[] = [];
  private entry: Promise<URL> | undefined;
  private workerUrl: Promise<URL> | undefined;
  private slotPeerUrl: Promise<URL> | undefined;
  private nextId = 1;
  private readonly watchdog: NodeJS.Timeout;
  private closed = false;

  constructor(readonly options: TaskManagerPoolOptions) {
    this.watchdog = setInterval(() => this.watch(), Math.min(1000, options.heartbeatTimeoutMs / 2));
    this.watchdog.unref();
  }

  /** The compiled entries; when the server runs from TypeScript sources (tests, dev), they are bundled once with esbuild. */
  private fromSources = import.meta.url.endsWith('.ts');
  private taskManagerEntry(): Promise<URL> {
    return (this.entry ??= this.fromSources ? bundleDevWorker('taskmanager/taskManagerMain.ts') : Promise.resolve(new URL('./taskManagerMain.js', import.meta.url)));
  }
  private worker(): Promise<URL> {
    return (this.workerUrl ??= this.fromSources ? bundleDevWorker() : Promise.resolve(new URL('../worker.js', import.meta.url)));
  }
  private slotPeer(): Promise<URL> {
    return (this.slotPeerUrl ??= this.fromSources ? bundleDevWorker('slotPeer.ts') : Promise.resolve(new URL('../slotPeer.js', import.meta.url)));
  }

  /** Deploys a job on the TaskManager with the most free slots, starting another one when all are full. */
  async deploy(jobId: string, input: WorkerInput, limits: SlotMemory): Promise<SlotHandle> {
    const [entry, workerUrl, slotPeerUrl] = await Promise.all([this.taskManagerEntry(), this.worker(), this.slotPeer()]);
    const program = programKey(input);
    const tm = this.place(entry, program);
    tm.ranProgram(program);
    return tm.deploy(jobId, workerUrl.href, { ...input, slotPeerUrl: slotPeerUrl.href }, limits);
  }

  private place(entry: URL, program: string): TaskManagerProcess {
    const live = this.taskManagers.filter((t) => !t.exited && !t.stopping);
    const free = (t: TaskManagerProcess) => t.slots - t.slotsUsed;
    // One that ran this program and has a free slot: its peer threads of the program's last clean run are warm there.
    const warm = live.find((t) => free(t) > 0 && t.hasRun(program));
    if (warm) return warm;
    const best = live.reduce<TaskManagerProcess | undefined>((b, t) => (b === undefined || free(t) > free(b) ? t : b), undefined);
    if (best && free(best) > 0) return best;
    if (live.length < this.options.max) return this.start(entry);
    // Every slot taken and no more processes allowed: over-subscribe the least loaded one (shown on the page).
    return best!;
  }

  private start(entry: URL): TaskManagerProcess {
    const tm = new TaskManagerProcess(`tm-${this.nextId++}`, entry, this.options.slots, this.options.memoryMb, (t) => this.onExit(t), this.options.user);
    this.taskManagers.push(tm);
    return tm;
  }

  private onExit(tm: TaskManagerProcess): void {
    const i = this.taskManagers.indexOf(tm);
    if (i >= 0) this.taskManagers.splice(i, 1);
  }

  /** Kills TaskManagers whose heartbeats stopped, and stops idle extra ones. */
  private watch(): void {
    const now = Date.now();
    for (const tm of this.taskManagers) {
      if (tm.exited) continue;
      const silentMs = now - tm.lastHeartbeatAt;
      if (silentMs > this.options.heartbeatTimeoutMs) tm.kill(`missed its heartbeats for ${Math.round(silentMs / 1000)} s`);
      else if (tm !== this.taskManagers[0] && tm.idleSince !== undefined && now - tm.idleSince > this.options.idleMs) tm.kill('was idle');
    }
  }

  /** The TaskManager a job runs on. */
  taskManagerOf(jobId: string): TaskManagerProcess | undefined {
    return this.taskManagers.find((t) => t.handles.has(jobId));
  }

  list(): TaskManagerInfo[] {
    return this.taskManagers
      .filter((t) => !t.exited)
      .map((t) => {
        const hb = t.lastHeartbeat;
        return {
          id: t.id,
          pid: t.pid ?? 0,
          slots: t.slots,
          slotsUsed: t.slotsUsed,
          slotsFree: Math.max(0, t.slots - t.slotsUsed),
          oversubscribed: t.slotsUsed > t.slots,
          memoryLimitBytes: t.memoryMb * 1024 * 1024,
          rssBytes: hb?.rssBytes ?? 0,
          heapUsedBytes: hb?.heapUsedBytes ?? 0,
          cpuPercent: hb ? Math.round(hb.cpuPercent * 10) / 10 : 0,
          uptimeMs: Date.now() - t.startedAt,
          lastHeartbeatAt: t.lastHeartbeatAt,
          jobs: [...t.handles.values()].map((h) => ({ jobId: h.jobId, slots: h.slots, workerHeapLimitMb: h.resourceLimits.maxOldGenerationSizeMb })),
        };
      });
  }

  /** Stops every TaskManager (server shutdown): their jobs stop with them and resume from checkpoints at the next start. */
  async shutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.watchdog);
    await Promise.all(
      this.taskManagers.map(
        (t) =>
          new Promise<void>((resolve) => {
            if (t.exited) return resolve();
            const timer = setInterval(() => {
              if (t.exited) {
                clearInterval(timer);
                resolve();
              }
            }, 10);
            t.kill('stopped with the server');
          }),
      ),
    );
  }
}

/** What identifies a job's program for placing it where its threads are warm: the compiled cell or the graph. */
function programKey(input: WorkerInput): string {
  return createHash('sha256')
    .update(input.code ?? JSON.stringify(input.graph ?? null))
    .digest('base64');
}
