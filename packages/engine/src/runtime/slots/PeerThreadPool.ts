import { availableParallelism } from 'node:os';
import { Worker, type MessagePort, type Transferable } from 'node:worker_threads';

/** How long a finished peer's program may take to end before its thread is stopped instead of reused. */
const IDLE_TIMEOUT_MS = 5_000;

/** Which thread a job's peer slot needs: the entry it runs and the program it loads (its code, see programKey). */
export interface PeerRequest {
  /** The peer entry module, as a file: URL's href or a path. */
  entry: string;
  execArgv: string[];
  program: string;
}

/** The control channel of a leased peer: the job's messages both ways (the thread itself, or a MessagePort to it). */
export interface PeerControl {
  postMessage(message: unknown, transfer?: readonly Transferable[]): void;
  /** Typed as Worker and MessagePort type theirs. */
  on(event: string, listener: (value: any) => void): unknown;
  off(event: string, listener: (value: any) => void): unknown;
}

/** A peer thread given to one job (one attempt of it). */
export interface PeerLease {
  readonly control: PeerControl;
  /** The thread threw (an uncaught error) while leased. */
  onError(listener: (e: Error) => void): void;
  /** The thread exited while leased. */
  onExit(listener: (code: number) => void): void;
  /**
   * Ends the lease. After a clean end (`reuse`) the thread serves the next job of the same program once its peer says
   * the program is done; otherwise (a failed or cancelled job) it is stopped, and a fresh one started in its place.
   */
  release(reuse: boolean): void;
}

/** Where a job's peer slot threads come from (Flink's TaskExecutor slots): this thread's pool, or its host's. */
export interface PeerThreads {
  take(request: PeerRequest): PeerLease;
}

interface Pooled {
  key: string;
  /** The program this thread ran (undefined: fresh). */
  program: string | undefined;
  worker: Worker;
  /** Drops it from the pool if it exits while waiting (removed when a job takes it). */
  onExit?: () => void;
}

const poolKey = (r: { entry: string; execArgv: string[] }) => `${r.entry} ${r.execArgv.join(' ')}`;
const workerEntry = (entry: string) => (/^(file|data):/.test(entry) ? new URL(entry) : entry);

/**
 * Warm peer threads owned by this thread: the engine is loaded. A fresh thread has run no program; a thread whose job
 * ended cleanly comes back for the next job of the same program (loading the engine costs a new thread ~0.3–0.5 s of
 * CPU, more than a short job's work: bench/README.md, slots), never for another program, whose code must not see what
 * this one left in the thread. A thread of a failed or cancelled job is terminated and a fresh one started in its
 * place. They are unref'd: an idle pool never keeps the process alive.
 */
export class PeerThreadPool implements PeerThreads {
  private readonly pool: Pooled[] = [];
  /** Threads leased to a job and not exited or given back. */
  leased = 0;

  constructor(
    /** Threads kept for reuse beyond the fresh ones; the oldest is stopped when more come back. */
    private readonly maxReusable = Math.max(2, availableParallelism()),
    /** Fresh threads kept ready per entry, for another program's job or the next attempt. */
    private readonly maxFresh = Math.max(1, availableParallelism() - 1),
  ) {}

  take(request: PeerRequest): PeerLease {
    const key = poolKey(request);
    let i = this.pool.findIndex((p) => p.key === key && p.program === request.program);
    if (i < 0) i = this.pool.findIndex((p) => p.key === key && p.program === undefined);
    if (i < 0) {
      this.spawn(request);
      i = this.pool.length - 1;
    }
    const item = this.pool.splice(i, 1)[0]!;
    item.worker.off('exit', item.onExit!);
    return new WorkerLease(this, item.worker, request);
  }

  /** Threads waiting in the pool. */
  get idle(): number {
    return this.pool.length;
  }

  /** Threads waiting in the pool that last ran `program` (for tests of reuse). */
  idleFor(program: string): number {
    return this.pool.filter((p) => p.program === program).length;
  }

  /** Stops the waiting threads (a host shutting down; they never keep the process alive anyway). */
  async close(): Promise<void> {
    await Promise.all(this.pool.splice(0).map((p) => p.worker.terminate()));
  }

  /** @internal A leased thread comes back (program set) or a fresh one joins. */
  add(item: Pooled): void {
    item.worker.unref();
    this.pool.push(item);
    item.onExit = () => {
      const i = this.pool.indexOf(item);
      if (i >= 0) this.pool.splice(i, 1);
    };
    item.worker.once('exit', item.onExit);
    if (item.program === undefined) return;
    const reused = this.pool.filter((p) => p.program !== undefined);
    if (reused.length > this.maxReusable) void reused[0]!.worker.terminate();
  }

  /** @internal Starts a fresh thread for `request`'s entry unless enough wait already. */
  keepFresh(request: PeerRequest): void {
    const key = poolKey(request);
    if (this.pool.filter((p) => p.key === key && p.program === undefined).length < this.maxFresh) this.spawn(request);
  }

  private spawn(request: PeerRequest): void {
    const worker = new Worker(workerEntry(request.entry), { execArgv: request.execArgv });
    worker.on('error', () => {});
    this.add({ key: poolKey(request), program: undefined, worker });
  }

  /**
   * Serves another thread's jobs from this pool over `port` (see RemotePeerThreads): a TaskManager process keeps its
   * warm peer threads while each job's slot 0 runs in a thread of its own that ends with the job. The returned function
   * ends the service (slot 0's thread exited): threads still leased through it are stopped, never reused.
   */
  serve(port: MessagePort): () => void {
    const leases = new Map<number, PeerLease>();
    port.on('message', (m: PoolRequest) => {
      if (m.t === 'release') {
        leases.get(m.id)?.release(m.reuse);
        leases.delete(m.id);
        return;
      }
      const lease = this.take(m);
      leases.set(m.id, lease);
      lease.onError((e) => port.postMessage({ t: 'error', id: m.id, message: e.message, ...(e.stack !== undefined ? { stack: e.stack } : {}) } satisfies PoolEvent));
      lease.onExit((code) => {
        leases.delete(m.id);
        port.postMessage({ t: 'exit', id: m.id, code } satisfies PoolEvent);
      });
      // The job's messages go over the port slot 0 made for it, straight between the two threads.
      lease.control.postMessage({ type: 'lease', port: m.port }, [m.port]);
    });
    return () => {
      for (const lease of leases.values()) lease.release(false);
      leases.clear();
      port.close();
    };
  }
}

/** Slot 0's requests to the thread that owns the pool (serve). */
export type PoolRequest = ({ t: 'take'; id: number; port: MessagePort } & PeerRequest) | { t: 'release'; id: number; reuse: boolean };
/** What the pool's thread tells slot 0 about a leased thread. */
export type PoolEvent = { t: 'error'; id: number; message: string; stack?: string } | { t: 'exit'; id: number; code: number };

class WorkerLease implements PeerLease {
  private released = false;
  private reused = false;
  private exited = false;
  private idle = false;
  private onIdle: (() => void) | undefined;
  /** The job's listeners, removed when the lease ends. */
  private readonly listeners: [string, (...a: any[]) => void][] = [];

  constructor(
    private readonly pool: PeerThreadPool,
    private readonly worker: Worker,
    private readonly request: PeerRequest,
  ) {
    pool.leased++;
    worker.ref();
    // The peer says its program is done on its parent port (see runSlotPeer): it may come before the job's end here.
    this.listen('message', (m: { type?: string }) => {
      if (m?.type !== 'idle') return;
      this.idle = true;
      this.onIdle?.();
    });
    // A stopped thread counts as leased until it is gone (no job should leave any behind).
    worker.once('exit', () => {
      this.exited = true;
      if (!this.reused) this.pool.leased--;
    });
  }

  get control(): PeerControl {
    return this.worker;
  }

  onError(listener: (e: Error) => void): void {
    this.listen('error', listener);
  }

  onExit(listener: (code: number) => void): void {
    this.listen('exit', listener);
  }

  private listen(event: string, listener: (...a: any[]) => void): void {
    this.listeners.push([event, listener]);
    this.worker.on(event, listener);
  }

  release(reuse: boolean): void {
    if (this.released) return;
    this.released = true;
    this.reused = reuse && !this.exited;
    if (this.reused) this.pool.leased--;
    const idle = this.idle;
    for (const [event, listener] of this.listeners.splice(0)) this.worker.off(event, listener);
    if (!this.reused) void this.worker.terminate();
    else this.recycle(idle);
    this.pool.keepFresh(this.request);
  }

  /** Gives the thread back to the pool when its peer says its program is done (else stops it). */
  private recycle(idle: boolean): void {
    const worker = this.worker;
    worker.unref();
    const back = () => this.pool.add({ key: poolKey(this.request), program: this.request.program, worker });
    if (idle) return back();
    const timer = setTimeout(() => {
      worker.off('message', onIdle);
      void worker.terminate();
    }, IDLE_TIMEOUT_MS);
    timer.unref();
    const onIdle = (m: { type?: string }) => {
      if (m?.type !== 'idle') return;
      clearTimeout(timer);
      worker.off('message', onIdle);
      back();
    };
    worker.on('message', onIdle);
  }
}
