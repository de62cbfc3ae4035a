import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FromTaskManager, Heartbeat, SlotMemory, ToTaskManager } from './messages.js';
import { SlotHandle } from './SlotHandle.js';
import { taskManagerEnv, type TaskManagerUser } from './taskManagerUser.js';

const STDERR_TAIL_CHARS = 4000;
/** Programs remembered per TaskManager for placement (as many as its pool keeps threads of, roughly). */
const RECENT_PROGRAMS = 8;

/** The server's side of one TaskManager process: its slots, its jobs, its heartbeats, and why it ended. */
export class TaskManagerProcess {
  readonly startedAt = Date.now();
  readonly handles = new Map<string, SlotHandle>();
  pid: number | undefined;
  lastHeartbeat: Heartbeat | undefined;
  lastHeartbeatAt = Date.now();
  /** Since when it has run no job (idle extra TaskManagers stop after a while). */
  idleSince: number | undefined = Date.now();
  exited = false;
  /** Being killed: no new job goes here. */
  stopping = false;
  private readonly child: ChildProcess;
  /** Messages to the process before it said it is ready, sent in order once it is. */
  private queued: ToTaskManager[] | undefined = [];
  private stderrTail = '';
  /** Set when the server kills the process itself, so the jobs' message says why. */
  private killReason: string | undefined;

  constructor(
    readonly id: string,
    entry: URL,
    readonly slots: number,
    /** --max-old-space-size of the process (MiB). */
    readonly memoryMb: number,
    private readonly onExit: (tm: TaskManagerProcess) => void,
    /** Another OS user to run as (the server is root). */
    user?: TaskManagerUser,
  ) {
    this.child = fork(fileURLToPath(entry), [], {
      // Not the server's own flags (tsx loaders, inspector): the entry is plain JavaScript.
      execArgv: [`--max-old-space-size=${memoryMb}`],
      env: taskManagerEnv(process.env, user?.stateDir),
      ...(user ? { uid: user.uid, gid: user.gid } : {}),
      serialization: 'advanced',
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.pid = this.child.pid;
    this.child.stdout!.on('data', (d: Buffer) => process.stdout.write(`[${id}] ${d.toString('utf8')}`));
    this.child.stderr!.on('data', (d: Buffer) => {
      this.stderrTail = (this.stderrTail + d.toString('utf8')).slice(-STDERR_TAIL_CHARS);
    });
    this.child.on('message', (m: FromTaskManager) => this.onMessage(m));
    this.child.on('error', (e) => {
      this.stderrTail += `\n${e.message}`;
    });
    this.child.on('exit', (code, signal) => this.onProcessExit(code, signal));
  }

  /** Programs of the jobs placed here lately (newest last, bounded): the TaskManager may keep their peer threads warm. */
  private readonly programs: string[] = [];
  ranProgram(program: string): void {
    const i = this.programs.indexOf(program);
    if (i >= 0) this.programs.splice(i, 1);
    this.programs.push(program);
    if (this.programs.length > RECENT_PROGRAMS) this.programs.shift();
  }
  hasRun(program: string): boolean {
    return this.programs.includes(program);
  }

  /** Slots taken by the jobs placed here (may exceed `slots` when every TaskManager is full: over-subscribed). */
  get slotsUsed(): number {
    let n = 0;
    for (const h of this.handles.values()) n += h.slots;
    return n;
  }

  /** Places a job here: the returned handle deploys it once the process is up. */
  deploy(jobId: string, workerUrl: string, input: Parameters<SlotHandle['deploy']>[1], limits: SlotMemory): SlotHandle {
    const handle = new SlotHandle(jobId, this.id, limits, (m) => this.send(m));
    this.handles.set(jobId, handle);
    this.idleSince = undefined;
    handle.once('exit', () => {
      this.handles.delete(jobId);
      if (this.handles.size === 0) this.idleSince = Date.now();
    });
    handle.deploy(workerUrl, input);
    return handle;
  }

  private send(m: ToTaskManager): void {
    if (this.exited || !this.child.connected) return;
    if (this.queued) this.queued.push(m);
    else this.child.send(m);
  }

  private onMessage(m: FromTaskManager): void {
    switch (m.type) {
      case 'ready': {
        this.lastHeartbeatAt = Date.now();
        const queued = this.queued ?? [];
        this.queued = undefined;
        for (const q of queued) this.send(q);
        break;
      }
      case 'heartbeat':
        this.lastHeartbeat = m;
        this.lastHeartbeatAt = Date.now();
        break;
      case 'fromWorker':
        this.handles.get(m.jobId)?.emit('message', m.message);
        break;
      case 'output':
        this.handles.get(m.jobId)?.emit('output', m.text);
        break;
      case 'workerError': {
        const h = this.handles.get(m.jobId);
        // A worker past its resourceLimits: name the limit rather than V8's wording.
        const message = m.code === 'ERR_WORKER_OUT_OF_MEMORY' && h ? `the job ran out of memory (limit ${h.resourceLimits.maxOldGenerationSizeMb} MiB)` : m.message;
        h?.emit('error', Object.assign(new Error(message), { stack: m.stack ?? message, code: m.code }));
        break;
      }
      case 'workerExit':
        this.handles.get(m.jobId)?.markExited(m.code);
        break;
    }
  }

  /** Kills the process (its jobs fail with `reason`). */
  kill(reason?: string): void {
    if (reason) this.killReason = reason;
    this.stopping = true;
    this.child.kill('SIGKILL');
  }

  /** Why the process ended, for the message of each job that ran on it. */
  describeExit(code: number | null, signal: NodeJS.Signals | null): string {
    const who = `TaskManager ${this.id} (pid ${this.pid})`;
    if (this.killReason) return `${who} ${this.killReason}`;
    // V8 aborts a process past --max-old-space-size with "Reached heap limit ... JavaScript heap out of memory".
    if (/heap out of memory|Reached heap limit/i.test(this.stderrTail)) return `${who} ran out of memory (limit ${this.memoryMb} MiB)`;
    if (signal) return `${who} was killed by ${signal}`;
    return `${who} exited with code ${code}`;
  }

  private onProcessExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.exited = true;
    const reason = this.describeExit(code, signal);
    for (const h of [...this.handles.values()]) {
      h.emit('error', Object.assign(new Error(reason), { stack: reason, code: 'ERR_TASKMANAGER_LOST' }));
      h.markExited(1);
    }
    this.handles.clear();
    this.onExit(this);
  }
}
