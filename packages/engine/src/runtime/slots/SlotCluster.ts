import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MessagePort } from 'node:worker_threads';
import type { PipelineGraph } from '../../graph/PipelineGraph.js';
import type { Job, JobSnapshot, SlotsOptions } from '../Job.js';
import type { JobServices } from '../JobServices.js';
import { bundleEntryFromSources } from '../bundleEntry.js';
import { PeerThreadPool, type PeerLease } from './PeerThreadPool.js';
import type { FromPeer, PeerData, SlotProgram, SubtaskMetrics, ToPeer } from './messages.js';

/** How long a peer may take to load the program and build its part of the job. */
const READY_TIMEOUT_MS = 60_000;

/** Node ids and types and the edges of a graph: what a peer's graph must share with slot 0's. */
export function graphShape(graph: PipelineGraph): string {
  const nodes = graph.nodes.map((n) => `${n.id}:${n.type}`).join(',');
  const edges = graph.edges.map((e) => `${e.source}>${e.target}:${e.partitioning}:${e.targetInput}:${e.sideOutput ?? ''}`).join(',');
  return `${nodes} | ${edges}`;
}

/** This thread's warm peer threads, for jobs whose host gives no other (SlotsOptions.peerThreads). */
const localPool = new PeerThreadPool();

/** Peer slot threads of this process given to a job and not exited yet (no job should leave any behind). */
export function livePeerThreads(): number {
  return localPool.leased;
}

/** What identifies a program for reusing its threads: its code or graph (not its globals: each job sets them anew). */
function programKey(p: SlotProgram): string {
  return JSON.stringify([p.compiled ?? p.source ?? null, p.graph ?? null, p.sourcefile ?? null]);
}

/** Warm peer threads waiting in the pool. */
export function idlePeerThreads(): number {
  return localPool.idle;
}

/** Stops the warm peer threads (a host shutting down; they never keep the process alive anyway). */
export async function closeSlotPool(): Promise<void> {
  await localPool.close();
}

/** Cell sources compiled once per program for the peers. */
const compiledPrograms = new WeakMap<SlotProgram, Promise<SlotProgram>>();
function compiled(program: SlotProgram): Promise<SlotProgram> {
  if (program.source === undefined || program.compiled !== undefined) return Promise.resolve(program);
  let p = compiledPrograms.get(program);
  if (p === undefined) {
    const source = program.source;
    p = (async () => {
      const [{ compileCell }, engine] = await Promise.all([import('../../cells/compileCell.js'), import('../../index.js')]);
      return { ...program, compiled: await compileCell(source, Object.keys(engine), program.sourcefile) };
    })();
    compiledPrograms.set(program, p);
  }
  return p;
}

let devEntry: Promise<URL> | undefined;
/**
 * The peer entry the engine ships. Worker threads cannot load TypeScript: running from sources (Vitest, tsx), the
 * entry and the engine are bundled once per process with esbuild (as the server bundles its dev worker), which also
 * starts much faster than loading every module through a TypeScript loader.
 */
function defaultPeerEntry(): Promise<URL> {
  if (!import.meta.url.endsWith('.ts')) return Promise.resolve(new URL('./peerEntry.js', import.meta.url));
  return (devEntry ??= bundleDevPeer());
}

function bundleDevPeer(): Promise<URL> {
  return bundleEntryFromSources(path.join(path.dirname(fileURLToPath(import.meta.url)), 'peerEntry.ts'), 'slot-peer');
}

/**
 * Slot 0's view of the other slots of a job (Flink's TaskExecutor slots, on threads): starts one peer worker per slot,
 * relays their host calls (live results, logs) to this thread's services, collects their checkpoint states and
 * metrics, and fails the job when a peer fails or exits. A peer thread serves one attempt of the job; after a clean
 * end it may serve the next run of the same program (see the pool above).
 */
export class SlotCluster {
  private readonly leases: PeerLease[] = [];
  private readonly metrics = new Map<number, SubtaskMetrics[]>();
  private readonly stateWaiters = new Map<number, { parts: Record<string, unknown>[]; resolve: (p: Record<string, unknown>[]) => void }>();
  private readonly earlyStates = new Map<number, Record<string, unknown>[]>();
  private finishedCount = 0;
  private readonly finishedSlots = new Set<number>();
  private onFinished: (() => void) | undefined;
  private terminated = false;

  constructor(
    private readonly job: Job,
    private readonly mesh: (MessagePort | undefined)[][],
    private readonly options: SlotsOptions,
    private readonly services: JobServices,
    private readonly restoreFrom: JobSnapshot | undefined,
  ) {}

  get peers(): number {
    return this.mesh.length - 1;
  }

  /** Starts the peers; resolves when every one has built and opened its part of the job. */
  async start(): Promise<void> {
    const entry = this.options.peerEntry ?? (await defaultPeerEntry());
    const execArgv = this.options.execArgv ?? [];
    const program = await compiled(this.options.program);
    const request = { entry: entry instanceof URL ? entry.href : entry, execArgv, program: programKey(program) };
    const threads = this.options.peerThreads ?? localPool;
    const serviceNames = Object.keys(this.services).filter((k) => typeof this.services[k] === 'function');
    let ready = 0;
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.fail(new Error(`the peer slots did not start within ${READY_TIMEOUT_MS / 1000} s`)), READY_TIMEOUT_MS);
      timer.unref();
      for (let slot = 1; slot < this.mesh.length; slot++) {
        const ports = this.mesh[slot]!;
        const data: PeerData = {
          flowbookSlot: true,
          slot,
          count: this.mesh.length,
          jobIndex: this.options.jobIndex,
          program,
          shape: graphShape(this.job.graph),
          ports,
          ...(this.restoreFrom !== undefined ? { restoreFrom: this.restoreFrom } : {}),
          services: serviceNames,
        };
        const lease = threads.take(request);
        this.leases.push(lease);
        const onMessage = (m: FromPeer) => {
          if (m.type !== 'ready') return this.onMessage(slot, m);
          if (++ready === this.peers) {
            clearTimeout(timer);
            resolve();
          }
        };
        lease.onError((e) => this.fail(e));
        lease.onExit((code) => {
          if (!this.terminated && !this.finishedSlots.has(slot)) this.fail(new Error(`slot ${slot} exited (code ${code}) while the job was running`));
        });
        lease.control.on('message', onMessage);
        this.detach.push(() => lease.control.off('message', onMessage));
        lease.control.postMessage({ type: 'job', data }, ports.filter((p) => p !== undefined));
      }
    });
  }

  /** Removes this job's listeners from each peer's control channel (by slot − 1), before its lease ends. */
  private readonly detach: (() => void)[] = [];

  private fail(e: unknown): void {
    this.job.fail(e);
  }

  private onMessage(slot: number, m: FromPeer): void {
    switch (m.type) {
      case 'failed': {
        const e = new Error(m.message);
        if (m.stack !== undefined) e.stack = m.stack;
        return this.fail(e);
      }
      case 'metrics':
        this.metrics.set(slot, m.metrics);
        return;
      case 'finished':
        this.metrics.set(slot, m.metrics);
        this.finishedSlots.add(slot);
        if (++this.finishedCount === this.peers) this.onFinished?.();
        return;
      case 'state': {
        const w = this.stateWaiters.get(m.id);
        const parts = w?.parts ?? this.earlyStates.get(m.id) ?? [];
        parts.push(m.operators);
        if (w === undefined) this.earlyStates.set(m.id, parts);
        else if (parts.length === this.peers) {
          this.stateWaiters.delete(m.id);
          w.resolve(parts);
        }
        return;
      }
      case 'tapped':
        this.job.mergeTapped(m.nodeId, m.records);
        return;
      case 'service': {
        const fn = this.services[m.name] as ((...a: unknown[]) => void) | undefined;
        fn?.(...m.args);
        return;
      }
    }
  }

  private post(m: ToPeer): void {
    for (const l of this.leases) l.control.postMessage(m);
  }

  startSources(): void {
    this.post({ type: 'start' });
    this.started = true;
    for (const [nodeId, capacity] of this.taps) this.post({ type: 'tap', nodeId, capacity });
  }

  /** Open data taps by node (the peers open theirs when they start, and on each change). */
  private readonly taps = new Map<string, number>();
  private started = false;

  /** Opens, resizes or closes (capacity 0) the tap on a node's subtasks in every peer. */
  tap(nodeId: string, capacity: number): void {
    if ((this.taps.get(nodeId) ?? 0) === capacity) return;
    if (capacity > 0) this.taps.set(nodeId, capacity);
    else this.taps.delete(nodeId);
    if (this.started) this.post({ type: 'tap', nodeId, capacity });
  }

  /** Resolves when every peer's subtasks have ended. */
  finished(): Promise<void> {
    return new Promise((resolve) => {
      if (this.finishedCount === this.peers) return resolve();
      this.onFinished = resolve;
    });
  }

  /** The peers' states for checkpoint `id`, once every peer sent its part. */
  states(id: number): Promise<Record<string, unknown>[]> {
    return new Promise((resolve) => {
      const parts = this.earlyStates.get(id) ?? [];
      this.earlyStates.delete(id);
      if (parts.length === this.peers) return resolve(parts);
      this.stateWaiters.set(id, { parts, resolve });
    });
  }

  /** Triggers checkpoint `id` in every peer; resolves with their states. */
  checkpoint(id: number): Promise<Record<string, unknown>[]> {
    const states = this.states(id);
    this.post({ type: 'checkpoint', id });
    return states;
  }

  complete(id: number): void {
    this.post({ type: 'complete', id });
  }

  drain(id: number): void {
    this.post({ type: 'drain', id });
  }

  peerMetrics(): SubtaskMetrics[] {
    return [...this.metrics.values()].flat();
  }

  /**
   * Ends the peers' part: after a clean end (`reuse`) each peer thread that finished goes back to its pool once it
   * reports its program done; otherwise (the job failed or was cancelled) the threads are stopped and fresh ones
   * started for the next job or attempt.
   */
  terminate(reuse = false): void {
    if (this.terminated) return;
    this.terminated = true;
    this.leases.forEach((lease, i) => {
      this.detach[i]?.();
      lease.release(reuse && this.finishedSlots.has(i + 1));
    });
    // Nothing more comes from the peers: whoever waits for them goes on (the job was cancelled or failed).
    this.onFinished?.();
  }
}
