import type { KeySelector } from '../api/functions.js';
import { resolveFn, withOwnFunctionCopies } from '../graph/fn.js';
import type { GraphEdge, PipelineGraph } from '../graph/PipelineGraph.js';
import { assertValidGraph } from '../graph/validate.js';
import { SystemProcessingTimeService, type ProcessingTimeService } from '../time/ProcessingTimeService.js';
import { MAX_WATERMARK } from '../time/Watermark.js';
import type { JobServices } from './JobServices.js';
import type { OperatorMetricsSnapshot } from './metrics.js';
import { getOperatorDefinition } from './operatorRegistry.js';
import { SourceOperator } from './operators/SourceOperator.js';
import { SinkOperator } from './operators/SinkOperator.js';
import type { Output } from './Output.js';
import { ChannelOutput } from './ChannelOutput.js';
import { FanOutput } from './FanOutput.js';
import type { StreamOperator } from './StreamOperator.js';
import { DataTap, type TappedRecord } from './DataTap.js';
import { effectiveParallelism } from '../graph/parallelism.js';
import { keyGroupRange } from '../state/keyGroups.js';
import { KeyedStreamOperator } from './KeyedStreamOperator.js';
import { BroadcastOutput, KeyGroupOutput, RoundRobinOutput } from './partitioners.js';
import { rescaleKeyedSnapshots } from './rescaleKeyedSnapshot.js';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { Exchange } from './slots/Exchange.js';
import type { RemoteChannelOutput } from './slots/RemoteChannelOutput.js';
import type { ChannelMessage, SlotProgram, SubtaskMetrics } from './slots/messages.js';
import { SlotCluster } from './slots/SlotCluster.js';
import type { PeerThreads } from './slots/PeerThreadPool.js';

export type JobStatus = 'created' | 'running' | 'finished' | 'failed' | 'cancelled';

export interface JobOptions {
  services?: JobServices;
  processingTimeService?: ProcessingTimeService;
  /** Operator states by node id (and chain index), from a checkpoint or savepoint. */
  restoreFrom?: JobSnapshot;
  /**
   * Run a parallel job in slots: subtask i of every node in slot (i mod p), slot 0 in this thread and p − 1 peer
   * worker threads that load `program` and build the same graph (its `jobIndex`-th job). Without it a parallel job
   * runs all its subtasks in this thread.
   */
  slots?: SlotsOptions;
  /** @internal This job is one peer slot of a job whose slot 0 runs elsewhere (set by the peer entry). */
  peer?: PeerRole;
}

export interface SlotsOptions {
  program: SlotProgram;
  /** Which job of the program this is (0 for the first the program submits). */
  jobIndex: number;
  /** The peer worker's entry module (default: the engine's own peerEntry, through tsx when running from sources). */
  peerEntry?: URL | string;
  execArgv?: string[];
  /** Where the peer threads come from (default: a pool of this thread's own). */
  peerThreads?: PeerThreads;
}

/** @internal */
export interface PeerRole {
  index: number;
  count: number;
  ports: (MessagePort | undefined)[];
  /** The slot's operators are open and restored. */
  ready(): void;
  /** Resolves when slot 0 starts the sources. */
  started: Promise<void>;
  /** Sends this slot's states at the end of a drain. */
  drained(checkpointId: number, operators: Record<string, unknown>): void;
}

/**
 * A consistent snapshot of every operator, keyed by `${nodeId}#${chainIndex}`. Format versioned for savepoints:
 * 2 has keyed state and timers in columns (typed arrays: stored in the binary checkpoint container); 1 (rows, JSON)
 * is still restored.
 */
export const JOB_SNAPSHOT_FORMAT_VERSION = 2;

export interface JobSnapshot {
  formatVersion: 1 | 2;
  checkpointId: number;
  timestamp: number;
  operators: Record<string, unknown>;
  /** Subtasks per node, for nodes that ran with parallelism > 1 (their states are under `node#i@subtask`). */
  parallelism?: Record<string, number>;
}

/** One subtask of a graph node at run time: its chain of operators (usually one). */
interface Task {
  nodeId: string;
  name: string;
  subtask: number;
  chain: StreamOperator[];
  /** The output of the chain's last operator (what a data tap on this node sees). */
  tailOutput?: FanOutput;
  /** Channels feeding the head operator; the task finishes when all have ended. */
  numChannels: number;
  endedChannels: number;
  downstream: { task: Task; channel: number; remote?: RemoteChannelOutput }[];
  /** Runs in this slot (always, unless the job runs in several slots). */
  local: boolean;
  /** Input (0 or 1) of each channel; which channels have ended. */
  channelInputs: number[];
  channelEnded: boolean[];
  ended: boolean;
  /** Aligned checkpoint in progress: the channels that delivered the barrier are blocked, their messages queued. */
  align?: { id: number; seen: boolean[] };
  blocked?: ({ m: ChannelMessage; grant?: () => void }[] | undefined)[];
  snapshotId?: number;
  remoteOutputs: RemoteChannelOutput[];
}

/**
 * Runs a pipeline graph in this thread: operators are chained by direct calls, sources drive them, and
 * processing-time timers run between source batches, so user code never runs concurrently with itself.
 */
export class Job {
  status: JobStatus = 'created';
  readonly graph: PipelineGraph;
  /** Subtasks of each node, by node id (one unless the node runs with parallelism > 1). */
  private readonly tasks = new Map<string, Task[]>();
  private readonly parallelism: Map<string, number>;
  private readonly sources: { task: Task; op: SourceOperator }[] = [];
  private readonly pts: ProcessingTimeService;
  private readonly services: JobServices;
  private failure: unknown;
  private failJob: ((e: unknown) => void) | undefined;
  private startedAt = 0;
  /** This thread's slot and the number of slots (1: every subtask runs here). */
  readonly slotIndex: number = 0;
  readonly slotCount: number = 1;
  private readonly exchange: Exchange | undefined;
  /** Slot 0 of a job in several slots: the peer threads. */
  private readonly cluster: SlotCluster | undefined;
  private localRemaining = 0;
  private localEnded: (() => void) | undefined;
  private nextChannelId = 0;

  constructor(graph: PipelineGraph, private readonly options: JobOptions = {}) {
    assertValidGraph(graph);
    this.graph = graph;
    this.parallelism = effectiveParallelism(graph);
    this.services = options.services ?? {};
    this.pts = options.processingTimeService ?? new SystemProcessingTimeService((e) => this.fail(e));
    const p = Math.max(...this.parallelism.values());
    let ports: (MessagePort | undefined)[] | undefined;
    if (options.peer !== undefined) {
      this.slotIndex = options.peer.index;
      this.slotCount = options.peer.count;
      ports = options.peer.ports;
    } else if (options.slots !== undefined && p > 1) {
      this.slotCount = p;
      // A full mesh of channels between slots, made here and handed to the peers.
      const mesh: (MessagePort | undefined)[][] = Array.from({ length: p }, () => new Array<MessagePort | undefined>(p));
      for (let i = 0; i < p; i++) {
        for (let j = i + 1; j < p; j++) {
          const { port1, port2 } = new MessageChannel();
          mesh[i]![j] = port1;
          mesh[j]![i] = port2;
        }
      }
      ports = mesh[0];
      this.cluster = new SlotCluster(this, mesh, options.slots, this.services, options.restoreFrom);
    }
    if (ports !== undefined) this.exchange = new Exchange(this.slotIndex, ports, (e) => this.fail(e));
    this.build();
  }

  private isLocal(subtask: number): boolean {
    return subtask % this.slotCount === this.slotIndex;
  }

  private build(): void {
    const { graph } = this;
    for (const node of graph.nodes) {
      const def = getOperatorDefinition(node.type)!;
      const config = def.configSchema.parse(node.config);
      const p = this.parallelism.get(node.id)!;
      const subtasks: Task[] = [];
      for (let s = 0; s < p; s++) {
        const create = () => def.create(config as never, node, graph.config);
        const local = this.isLocal(s);
        // Subtasks of other slots are built there: here they only number channels.
        const chain = !local ? [] : s === 0 ? create() : withOwnFunctionCopies(create);
        if (local) this.localRemaining++;
        subtasks.push({
          nodeId: node.id,
          name: node.name ?? node.id,
          subtask: s,
          chain,
          numChannels: 0,
          endedChannels: 0,
          downstream: [],
          local,
          channelInputs: [],
          channelEnded: [],
          ended: false,
          remoteOutputs: [],
        });
      }
      this.tasks.set(node.id, subtasks);
    }
    // Wire edges: every (upstream subtask, edge) pair that can reach a downstream subtask is one input channel of it.
    const outputs = new Map<Task, { main: Output[]; side: Map<string, Output[]> }>();
    for (const t of this.allTasks()) outputs.set(t, { main: [], side: new Map() });
    for (const edge of graph.edges) {
      const sources = this.tasks.get(edge.source)!;
      const targets = this.tasks.get(edge.target)!;
      const forward = edge.partitioning === 'forward' && sources.length === targets.length;
      for (const src of sources) {
        const reached = forward ? [targets[src.subtask]!] : targets;
        const channels = reached.map((target) => {
          const channel = target.numChannels++;
          target.channelInputs.push(edge.targetInput);
          target.channelEnded.push(false);
          // Every slot numbers the channels between slots alike, so an id names the same channel on both ends.
          const id = this.nextChannelId++;
          if (src.local && target.local) {
            src.downstream.push({ task: target, channel });
            return this.exchange === undefined
              ? (new ChannelOutput(target.chain[0]!, channel, edge.targetInput) as Output)
              : new GatedChannelOutput(target, channel, edge.targetInput, (t, c, m) => this.deliver(t, c, m));
          }
          if (src.local) {
            const remote = this.exchange!.output(id, target.subtask % this.slotCount);
            src.downstream.push({ task: target, channel, remote });
            src.remoteOutputs.push(remote);
            return remote;
          }
          // Not sent from here; the entry only orders tasks (topoOrder).
          src.downstream.push({ task: target, channel });
          if (target.local) this.exchange!.input(id, { deliver: (m, grant) => this.deliver(target, channel, m, m.k === 'b' ? grant : undefined) });
          return undefined as unknown as Output;
        });
        if (!src.local) continue;
        const out = channels.length === 1 ? channels[0]! : this.partitioner(edge, channels);
        const o = outputs.get(src)!;
        if (edge.sideOutput !== undefined) {
          const list = o.side.get(edge.sideOutput) ?? [];
          list.push(out);
          o.side.set(edge.sideOutput, list);
        } else o.main.push(out);
      }
    }
    for (const node of graph.nodes) {
      const keySelectors = this.keySelectorsFor(node.id);
      const subtasks = this.tasks.get(node.id)!;
      for (const task of subtasks) {
        if (!task.local) continue;
        const { main, side } = outputs.get(task)!;
        const chain = task.chain;
        for (let i = 0; i < chain.length; i++) {
          const op = chain[i]!;
          const isTail = i === chain.length - 1;
          const out = isTail ? new FanOutput(op, main, side) : new FanOutput(op, [new ChannelOutput(chain[i + 1]!, 0, 0)], side);
          if (isTail) task.tailOutput = out;
          op.setup(
            {
              nodeId: node.id,
              name: task.name,
              processingTimeService: this.pts,
              maxParallelism: graph.config.maxParallelism,
              services: this.services,
              keySelectors: i === 0 ? keySelectors : [],
              subtaskIndex: task.subtask,
              parallelism: subtasks.length,
              checkpointing: graph.config.checkpointInterval !== undefined,
              failJob: (e) => this.fail(e),
              ...(this.exchange !== undefined ? { exchange: this.exchange } : {}),
            },
            out,
            i === 0 ? task.numChannels : 1,
          );
        }
        if (chain[0] instanceof SourceOperator) this.sources.push({ task, op: chain[0] });
      }
    }
    // Operator chaining: per-record operators after each output run in one batch loop (OperatorChain).
    for (const task of this.allTasks()) {
      if (!task.local) continue;
      for (const op of task.chain) (op.output as FanOutput).buildChain();
    }
  }

  /** How one upstream subtask spreads an edge's records over the downstream subtasks. */
  private partitioner(edge: GraphEdge, channels: Output[]): Output {
    if (edge.partitioning === 'hash') {
      const selector = resolveFn<KeySelector<unknown, unknown>>(edge.keySelector!, `keyBy into node "${edge.target}"`);
      return new KeyGroupOutput(channels, selector, this.graph.config.maxParallelism);
    }
    if (edge.partitioning === 'broadcast') return new BroadcastOutput(channels);
    return new RoundRobinOutput(channels);
  }

  private allTasks(): Task[] {
    return [...this.tasks.values()].flat();
  }

  private keySelectorsFor(nodeId: string): (KeySelector<unknown, unknown> | undefined)[] {
    const selectors: (KeySelector<unknown, unknown> | undefined)[] = [undefined, undefined];
    for (const e of this.graph.edges as GraphEdge[]) {
      if (e.target !== nodeId || e.partitioning !== 'hash' || e.keySelector === undefined) continue;
      selectors[e.targetInput] ??= resolveFn<KeySelector<unknown, unknown>>(e.keySelector, `keyBy into node "${nodeId}"`);
    }
    return selectors;
  }

  /** Operators in topological order (sources first). */
  private topoOrder(): Task[] {
    const indeg = new Map<Task, number>();
    for (const t of this.allTasks()) indeg.set(t, t.numChannels);
    const order: Task[] = [];
    const ready = this.allTasks().filter((t) => t.numChannels === 0);
    while (ready.length > 0) {
      const t = ready.shift()!;
      order.push(t);
      for (const d of t.downstream) {
        const n = indeg.get(d.task)! - 1;
        indeg.set(d.task, n);
        if (n === 0) ready.push(d.task);
      }
    }
    return order;
  }

  /** Starts the job; resolves when every source has ended (bounded input) or the job was cancelled; rejects on failure. */
  async run(): Promise<JobStatus> {
    if (this.status !== 'created') throw new Error(`job already ${this.status}`);
    this.status = 'running';
    this.startedAt = this.pts.getCurrentProcessingTime();
    const order = this.topoOrder();
    const failed = new Promise<never>((_, reject) => {
      this.failJob = reject;
    });
    failed.catch(() => {});
    try {
      // Open downstream first so sinks are ready before the first record (as Flink does).
      for (const t of [...order].reverse()) for (const op of [...t.chain].reverse()) op.open();
      if (this.options.restoreFrom) this.restore(this.options.restoreFrom);
      if (this.exchange === undefined) {
        await Promise.race([failed, Promise.all(this.sources.map((s) => this.runSource(s.task, s.op)))]);
        if (this.failure !== undefined) throw this.failure;
        // Stop-with-savepoint --drain: every window and timer has fired; the savepoint is the state after that.
        if (this.drainRequest !== undefined && this.status === 'running') this.drainRequest.resolve(this.snapshot(this.drainRequest.checkpointId));
      } else await this.runSlot(failed);
      this.closeAll();
      await this.drainSinks(order);
      this.status = this.status === 'running' ? 'finished' : this.status;
    } catch (e) {
      this.failure ??= e;
      this.drainRequest?.reject(this.failure);
      this.status = 'failed';
      this.shutdown();
      throw this.failure;
    } finally {
      this.pts.shutdown();
    }
    return this.status;
  }

  /**
   * This slot's part of a job in several slots: slot 0 starts the peers once its operators are open and waits for
   * their end; a peer reports ready and waits for slot 0's start. The slot is done when all its subtasks have ended.
   */
  private async runSlot(failed: Promise<never>): Promise<void> {
    const localEnded = new Promise<void>((resolve) => {
      this.localEnded = resolve;
      if (this.localRemaining === 0) resolve();
    });
    this.exchange!.start();
    if (this.cluster !== undefined) {
      await Promise.race([failed, this.cluster.start()]);
      this.cluster.startSources();
      this.slotsStarted = true;
    } else {
      this.options.peer!.ready();
      await Promise.race([failed, this.options.peer!.started]);
    }
    await Promise.race([failed, Promise.all(this.sources.map((s) => this.runSource(s.task, s.op))).then(() => localEnded)]);
    if (this.failure !== undefined) throw this.failure;
    if (this.status !== 'running') return;
    // The last batches and end-of-input messages may still wait for credit.
    await Promise.race([failed, this.exchange!.drained()]);
    if (this.status !== 'running') return;
    const drain = this.drainRequest;
    if (drain !== undefined && this.status === 'running') {
      const operators = this.localStates(drain.checkpointId);
      if (this.options.peer !== undefined) this.options.peer.drained(drain.checkpointId, operators);
      else {
        const parts = await Promise.race([failed, this.cluster!.states(drain.checkpointId)]);
        drain.resolve(this.mergeSnapshot(drain.checkpointId, [operators, ...parts]));
      }
    }
    if (this.cluster !== undefined) await Promise.race([failed, this.cluster.finished()]);
    if (this.failure !== undefined) throw this.failure;
  }

  private async runSource(task: Task, op: SourceOperator): Promise<void> {
    await op.run();
    if (this.status !== 'running') return;
    // End of input: the final watermark fires every event-time window, then each task finishes in order.
    op.output.emitWatermark(MAX_WATERMARK);
    this.endTask(task);
  }

  private endTask(task: Task): void {
    task.ended = true;
    for (const op of task.chain) {
      op.finish();
      if (op !== task.chain[0]) op.receiveWatermark(0, MAX_WATERMARK);
    }
    for (const d of task.downstream) {
      if (d.remote !== undefined) d.remote.end();
      else this.deliver(d.task, d.channel, END);
    }
    if (this.exchange !== undefined && --this.localRemaining === 0) this.localEnded?.();
  }

  /** One message for an input channel of a subtask of this slot, in channel order (queued while the channel is blocked). */
  private deliver(task: Task, channel: number, m: ChannelMessage, grant?: () => void): void {
    const queue = task.blocked?.[channel];
    if (queue !== undefined) {
      queue.push(grant !== undefined ? { m, grant } : { m });
      return;
    }
    const head = task.chain[0]!;
    switch (m.k) {
      case 'b':
        head.metrics.recordsIn += m.n;
        head.processBatch(m.v!, m.t, m.n, task.channelInputs[channel]!);
        break;
      case 'w':
        head.receiveWatermark(channel, m.w);
        break;
      case 'i':
        head.receiveIdle(channel, m.i);
        break;
      case 'e':
        task.channelEnded[channel] = true;
        task.endedChannels++;
        if (task.align !== undefined) this.checkAligned(task);
        if (task.endedChannels === task.numChannels) this.endTask(task);
        break;
      case 'x':
        this.receiveBarrier(task, channel, m.id);
        break;
    }
    grant?.();
  }

  // ---- Aligned checkpoints across slots (Flink's barriers) ----

  private pendingCheckpoint: { id: number; operators: Record<string, unknown>; remaining: number; done: (ops: Record<string, unknown>) => void; promise: Promise<Record<string, unknown>> } | undefined;

  private beginCheckpoint(id: number): NonNullable<Job['pendingCheckpoint']> {
    const cp = this.pendingCheckpoint;
    if (cp !== undefined && cp.id === id) return cp;
    let done!: (ops: Record<string, unknown>) => void;
    const promise = new Promise<Record<string, unknown>>((resolve) => (done = resolve));
    const remaining = this.allTasks().filter((t) => t.local).length;
    const next = { id, operators: {}, remaining, done, promise };
    this.pendingCheckpoint = next;
    if (remaining === 0) done(next.operators);
    return next;
  }

  /**
   * Checkpoint `id` in this slot: the sources (and subtasks that already ended) snapshot now and emit the barrier;
   * every other subtask snapshots when the barrier came on all its input channels. Resolves with this slot's states.
   */
  checkpointSlot(id: number): Promise<Record<string, unknown>> {
    const cp = this.beginCheckpoint(id);
    for (const t of this.allTasks()) {
      if (!t.local || t.snapshotId === id) continue;
      if (t.ended) this.snapshotTask(t, id);
      else if (t.numChannels === 0) {
        this.snapshotTask(t, id);
        this.forwardBarrier(t, id);
      }
    }
    return cp.promise;
  }

  private receiveBarrier(task: Task, channel: number, id: number): void {
    this.beginCheckpoint(id);
    if (task.numChannels === 1) {
      this.snapshotTask(task, id);
      this.forwardBarrier(task, id);
      return;
    }
    task.align ??= { id, seen: new Array<boolean>(task.numChannels).fill(false) };
    task.blocked ??= new Array(task.numChannels);
    task.align.seen[channel] = true;
    task.blocked[channel] = [];
    this.checkAligned(task);
  }

  /** All channels delivered the barrier (or ended): snapshot, forward the barrier, then release the queued messages. */
  private checkAligned(task: Task): void {
    const a = task.align!;
    for (let c = 0; c < task.numChannels; c++) if (!a.seen[c] && !task.channelEnded[c]) return;
    task.align = undefined;
    this.snapshotTask(task, a.id);
    this.forwardBarrier(task, a.id);
    const queues = task.blocked!;
    task.blocked = undefined;
    for (let c = 0; c < queues.length; c++) for (const q of queues[c] ?? []) this.deliver(task, c, q.m, q.grant);
  }

  private snapshotTask(task: Task, id: number): void {
    const cp = this.pendingCheckpoint;
    if (cp === undefined || cp.id !== id || task.snapshotId === id) return;
    task.snapshotId = id;
    const p = this.parallelism.get(task.nodeId)!;
    task.chain.forEach((op, i) => {
      const s = op.snapshotState(id);
      if (s !== undefined) cp.operators[stateKey(task.nodeId, i, task.subtask, p)] = s;
    });
    if (--cp.remaining === 0) cp.done(cp.operators);
  }

  private forwardBarrier(task: Task, id: number): void {
    for (const d of task.downstream) {
      if (d.remote !== undefined) d.remote.emitBarrier(id);
      else this.deliver(d.task, d.channel, { k: 'x', c: -1, id });
    }
  }

  /** This slot's subtasks' states now (a drained job: nothing is in flight any more). */
  private localStates(checkpointId: number): Record<string, unknown> {
    const operators: Record<string, unknown> = {};
    for (const t of this.allTasks()) {
      if (!t.local) continue;
      const p = this.parallelism.get(t.nodeId)!;
      t.chain.forEach((op, i) => {
        const s = op.snapshotState(checkpointId);
        if (s !== undefined) operators[stateKey(t.nodeId, i, t.subtask, p)] = s;
      });
    }
    return operators;
  }

  private mergeSnapshot(checkpointId: number, parts: Record<string, unknown>[]): JobSnapshot {
    const parallelism: Record<string, number> = {};
    for (const [nodeId, p] of this.parallelism) if (p > 1) parallelism[nodeId] = p;
    return {
      formatVersion: JOB_SNAPSHOT_FORMAT_VERSION,
      checkpointId,
      timestamp: this.pts.getCurrentProcessingTime(),
      operators: Object.assign({}, ...parts) as Record<string, unknown>,
      ...(Object.keys(parallelism).length > 0 ? { parallelism } : {}),
    };
  }

  /**
   * A consistent snapshot of the whole job. In one thread it is taken between two event-loop turns (see snapshot);
   * in several slots by aligned barriers, every slot's part merged by slot 0 into the same format.
   */
  async checkpoint(checkpointId: number): Promise<JobSnapshot> {
    if (this.cluster === undefined) return this.snapshot(checkpointId);
    if (this.status !== 'running') throw new Error(`the job is ${this.status}`);
    // As Flink declines a checkpoint while not all tasks run: the peers have no job to take a barrier yet.
    if (!this.slotsStarted) throw new Error(`checkpoint ${checkpointId} declined: not every slot is running yet`);
    const remote = this.cluster.checkpoint(checkpointId);
    const local = this.checkpointSlot(checkpointId);
    let failed: (e: unknown) => void = () => {};
    const stopped = new Promise<never>((_, reject) => (failed = reject));
    this.onStop.add(failed);
    try {
      const parts = await Promise.race([stopped, Promise.all([local, remote])]);
      return this.mergeSnapshot(checkpointId, [parts[0], ...parts[1]]);
    } finally {
      this.onStop.delete(failed);
    }
  }

  private readonly onStop = new Set<(e: unknown) => void>();
  /** Slot 0 of a job in several slots: every peer has built its part and the sources were started. */
  private slotsStarted = false;

  private async drainSinks(order: Task[]): Promise<void> {
    for (const t of order) for (const op of t.chain) if (op instanceof SinkOperator) await op.drain();
  }

  private drainRequest: { checkpointId: number; resolve(s: JobSnapshot): void; reject(e: unknown): void } | undefined;

  /**
   * Flink's stop-with-savepoint --drain: the sources stop reading, the final watermark fires every event-time window
   * and timer as at the end of a bounded input, and the job finishes. Resolves with the savepoint's snapshot, taken
   * once everything has fired and before the operators close.
   */
  drainWithSavepoint(checkpointId: number): Promise<JobSnapshot> {
    if (this.status !== 'running') return Promise.reject(new Error(`the job is ${this.status}`));
    if (this.drainRequest !== undefined) return Promise.reject(new Error('the job is already draining'));
    const p = new Promise<JobSnapshot>((resolve, reject) => {
      this.drainRequest = { checkpointId, resolve, reject };
    });
    for (const s of this.sources) s.op.cancel();
    this.cluster?.drain(checkpointId);
    return p;
  }

  /** @internal A peer slot: slot 0 drains the job. */
  drainSlot(checkpointId: number): void {
    if (this.status !== 'running' || this.drainRequest !== undefined) return;
    this.drainRequest = { checkpointId, resolve: () => {}, reject: () => {} };
    for (const s of this.sources) s.op.cancel();
  }

  /** Stops the sources; `run()` then resolves with 'cancelled'. */
  cancel(): void {
    if (this.status !== 'running') return;
    this.status = 'cancelled';
    this.drainRequest?.reject(new Error('the job was cancelled while draining'));
    this.shutdown();
  }

  private shutdown(): void {
    for (const s of this.sources) s.op.cancel();
    this.pts.shutdown();
    this.closeAll();
    this.exchange?.close();
    this.cluster?.terminate();
    this.localEnded?.();
    const e = this.failure ?? new Error(`the job is ${this.status}`);
    for (const stop of this.onStop) stop(e);
  }

  private closed = false;
  private closeAll(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.exchange !== undefined && this.status === 'running') {
      // The job ended normally: the peers are done, the ports can go, their threads can take the program's next run.
      this.exchange.close();
      this.cluster?.terminate(true);
    }
    for (const t of this.topoOrder()) {
      for (const op of t.chain) {
        try {
          op.close();
        } catch (e) {
          // Closing after a failure must not hide the failure.
          if (this.status === 'running') this.failure ??= e;
        }
      }
    }
  }

  /** Fails the job (a user function threw in a timer, a sink failed asynchronously). */
  fail(e: unknown): void {
    if (this.status !== 'running') return;
    this.failure = e;
    this.status = 'failed';
    this.shutdown();
    this.failJob?.(e);
  }

  /**
   * Snapshots every operator. Taken between two event-loop turns, nothing is in flight between operators of this
   * thread, so the snapshot is consistent as an aligned barrier checkpoint would make it.
   */
  snapshot(checkpointId: number): JobSnapshot {
    if (this.exchange !== undefined) throw new Error('this job runs in several slots: take its snapshot with checkpoint()');
    const operators: Record<string, unknown> = {};
    const parallelism: Record<string, number> = {};
    for (const [nodeId, subtasks] of this.tasks) {
      if (subtasks.length > 1) parallelism[nodeId] = subtasks.length;
      for (const t of subtasks) {
        t.chain.forEach((op, i) => {
          const s = op.snapshotState(checkpointId);
          if (s !== undefined) operators[stateKey(nodeId, i, t.subtask, subtasks.length)] = s;
        });
      }
    }
    return {
      formatVersion: JOB_SNAPSHOT_FORMAT_VERSION,
      checkpointId,
      timestamp: this.pts.getCurrentProcessingTime(),
      operators,
      ...(Object.keys(parallelism).length > 0 ? { parallelism } : {}),
    };
  }

  notifyCheckpointComplete(checkpointId: number): void {
    for (const t of this.allTasks()) for (const op of t.chain) op.notifyCheckpointComplete(checkpointId);
    this.cluster?.complete(checkpointId);
  }

  /**
   * Gives each subtask its state. When a node's parallelism changed since the snapshot, keyed state and timers move
   * by key group: each new subtask takes the key groups of its range from all old subtasks (Flink's rescaling).
   */
  private restore(snapshot: JobSnapshot): void {
    // Operators read both formats (format 1's keyed state is upgraded as it is restored).
    if (snapshot.formatVersion !== 1 && snapshot.formatVersion !== 2) throw new Error(`snapshot format ${snapshot.formatVersion} is not supported`);
    const maxParallelism = this.graph.config.maxParallelism;
    for (const [nodeId, subtasks] of this.tasks) {
      const before = snapshot.parallelism?.[nodeId] ?? 1;
      const now = subtasks.length;
      for (const t of subtasks) {
        if (!t.local) continue;
        t.chain.forEach((op, i) => {
          if (before === now) return op.initializeState(snapshot.operators[stateKey(nodeId, i, t.subtask, now)]);
          const old = Array.from({ length: before }, (_, s) => snapshot.operators[stateKey(nodeId, i, s, before)]);
          if (old.every((o) => o === undefined)) return op.initializeState(undefined);
          // A split source: each new subtask takes what belongs to its splits from all old states.
          if (op instanceof SourceOperator && op.initializeUnionState(old)) return;
          // A parallel sink: what its old subtasks left to finish (an exactly-once sink's pending transactions).
          if (op instanceof SinkOperator && op.initializeRescaledState(old)) return;
          if (!(op instanceof KeyedStreamOperator)) {
            throw new Error(`the state of "${t.name}" cannot be redistributed from parallelism ${before} to ${now}: only keyed state can`);
          }
          const range = keyGroupRange(maxParallelism, now, t.subtask);
          op.initializeState(rescaleKeyedSnapshots(old, (kg) => kg >= range.start && kg <= range.end));
        });
      }
    }
  }

  /**
   * Opens (or resizes) a data tap on a node's output and returns it; capacity 0 closes it. Sinks emit nothing, so a
   * tap on a sink shows what it receives. One tap shows what every subtask of the node emits: in a job that runs in
   * several slots, the other slots' subtasks send theirs to slot 0's tap (mergeTapped). Undefined when no subtask of
   * the node runs in this slot.
   */
  /** Whether the job runs this node (a scale-out worker's jobs each run one part of the graph). */
  hasNode(nodeId: string): boolean {
    return this.tasks.has(nodeId);
  }

  tap(nodeId: string, capacity: number): DataTap | undefined {
    const subtasks = this.tasks.get(nodeId);
    if (!subtasks) throw new Error(`no node "${nodeId}" in this job`);
    this.cluster?.tap(nodeId, Math.max(0, capacity));
    const local = subtasks.filter((t) => t.local);
    const first = local[0];
    const current = this.taps.get(nodeId);
    if (capacity <= 0) this.taps.delete(nodeId);
    const tap = capacity <= 0 ? undefined : current?.capacity === capacity ? current : new DataTap(capacity);
    if (tap !== undefined) this.taps.set(nodeId, tap);
    // A sink has no output: its tap sees its input.
    if (first?.chain[0] instanceof SinkOperator) for (const t of local) (t.chain[0] as SinkOperator).tap = tap;
    else for (const t of local) if (t.tailOutput !== undefined) t.tailOutput.tap = tap;
    return first === undefined ? undefined : tap;
  }

  /** Open taps by node. */
  private readonly taps = new Map<string, DataTap>();

  /** @internal What another slot's tap on `nodeId` saw, into this slot's tap on it (if still open). */
  mergeTapped(nodeId: string, records: readonly TappedRecord[]): void {
    this.taps.get(nodeId)?.merge(records);
  }

  /** Why the job failed, when it did. */
  get failureCause(): unknown {
    return this.failure;
  }

  uptime(): number {
    return this.status === 'created' ? 0 : this.pts.getCurrentProcessingTime() - this.startedAt;
  }

  /** Raw counters of this slot's subtasks (a peer sends them to slot 0). */
  subtaskMetrics(): SubtaskMetrics[] {
    const out: SubtaskMetrics[] = [];
    for (const t of this.allTasks()) {
      if (!t.local) continue;
      let late = 0;
      let dead = 0;
      let state = 0;
      // A subtask's watermark is the furthest along its chain.
      let wm = Number.NEGATIVE_INFINITY;
      for (const op of t.chain) {
        late += op.metrics.lateRecordsDropped;
        dead += op.metrics.deadLetters;
        state += op.stateSize();
        wm = Math.max(wm, op.metrics.watermark);
      }
      let queuedBatches = 0;
      let creditWaitMs = 0;
      for (const r of t.remoteOutputs) {
        queuedBatches += r.queuedBatches;
        creditWaitMs += r.creditWaitMs;
      }
      out.push({
        nodeId: t.nodeId,
        subtask: t.subtask,
        recordsIn: t.chain[0]!.metrics.recordsIn,
        recordsOut: t.chain[t.chain.length - 1]!.metrics.recordsOut,
        late,
        dead,
        state,
        watermark: wm,
        queuedBatches,
        creditWaitMs,
      });
    }
    return out;
  }

  metrics(): OperatorMetricsSnapshot[] {
    const all = [...this.subtaskMetrics(), ...(this.cluster?.peerMetrics() ?? [])];
    const out: OperatorMetricsSnapshot[] = [];
    for (const [nodeId, subtasks] of this.tasks) {
      let recordsIn = 0;
      let recordsOut = 0;
      let late = 0;
      let dead = 0;
      let state = 0;
      let queuedBatches = 0;
      let creditWaitMs = 0;
      // A node's watermark is its slowest subtask's.
      let nodeWm = Number.POSITIVE_INFINITY;
      for (const m of all) {
        if (m.nodeId !== nodeId) continue;
        recordsIn += m.recordsIn;
        recordsOut += m.recordsOut;
        late += m.late;
        dead += m.dead;
        state += m.state;
        queuedBatches += m.queuedBatches;
        creditWaitMs += m.creditWaitMs;
        nodeWm = Math.min(nodeWm, m.watermark);
      }
      out.push({
        nodeId,
        type: this.graph.nodes.find((n) => n.id === nodeId)!.type,
        name: subtasks[0]!.name,
        ...(subtasks.length > 1 ? { parallelism: subtasks.length } : {}),
        recordsIn,
        recordsOut,
        lateRecordsDropped: late,
        deadLetters: dead,
        watermark: Number.isFinite(nodeWm) ? nodeWm : nodeWm === MAX_WATERMARK ? Number.MAX_SAFE_INTEGER : null,
        stateEntries: state,
        ...(this.exchange !== undefined ? { queuedBatches, creditWaitMs: Math.round(creditWaitMs) } : {}),
      });
    }
    return out;
  }
}

/** Where an operator's state sits in a snapshot: `node#chainIndex`, with `@subtask` when the node ran in parallel. */
function stateKey(nodeId: string, chainIndex: number, subtask: number, parallelism: number): string {
  return parallelism === 1 ? `${nodeId}#${chainIndex}` : `${nodeId}#${chainIndex}@${subtask}`;
}

const END: ChannelMessage = { k: 'e', c: -1 };

/**
 * A channel to a subtask of the same slot in a job that runs in several slots: direct calls as ChannelOutput, but
 * while the channel is blocked by barrier alignment its records and watermarks wait in the channel's queue.
 */
class GatedChannelOutput extends ChannelOutput {
  constructor(
    private readonly task: Task,
    private readonly channelIndex: number,
    input: number,
    private readonly deliver: (t: Task, channel: number, m: ChannelMessage) => void,
  ) {
    super(task.chain[0]!, channelIndex, input);
  }
  override collect(value: unknown, timestamp: number): void {
    if (this.task.blocked?.[this.channelIndex] === undefined) return super.collect(value, timestamp);
    this.deliver(this.task, this.channelIndex, { k: 'b', c: -1, n: 1, v: [value], t: Float64Array.of(timestamp) });
  }
  override collectBatch(values: readonly unknown[], timestamps: Float64Array, length: number): void {
    if (this.task.blocked?.[this.channelIndex] === undefined) return super.collectBatch(values, timestamps, length);
    this.deliver(this.task, this.channelIndex, { k: 'b', c: -1, n: length, v: values.slice(0, length), t: timestamps.slice(0, length) });
  }
  override emitWatermark(watermark: number): void {
    if (this.task.blocked?.[this.channelIndex] === undefined) return super.emitWatermark(watermark);
    this.deliver(this.task, this.channelIndex, { k: 'w', c: -1, w: watermark });
  }
  override emitIdle(idle: boolean): void {
    if (this.task.blocked?.[this.channelIndex] === undefined) return super.emitIdle(idle);
    this.deliver(this.task, this.channelIndex, { k: 'i', c: -1, i: idle });
  }
}
