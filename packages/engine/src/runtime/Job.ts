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
import { FilterOperator } from './operators/FilterOperator.js';
import { MapOperator } from './operators/MapOperator.js';
import type { Output } from './Output.js';
import { ChannelOutput } from './ChannelOutput.js';
import { FanOutput } from './FanOutput.js';
import type { StreamOperator } from './StreamOperator.js';
import { DataTap } from './DataTap.js';
import { effectiveParallelism } from '../graph/parallelism.js';
import { keyGroupRange } from '../state/keyGroups.js';
import { KeyedStreamOperator } from './KeyedStreamOperator.js';
import { BroadcastOutput, KeyGroupOutput, RoundRobinOutput } from './partitioners.js';
import { rescaleKeyedSnapshots } from './rescaleKeyedSnapshot.js';

export type JobStatus = 'created' | 'running' | 'finished' | 'failed' | 'cancelled';

export interface JobOptions {
  services?: JobServices;
  processingTimeService?: ProcessingTimeService;
  /** Operator states by node id (and chain index), from a checkpoint or savepoint. */
  restoreFrom?: JobSnapshot;
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
  downstream: { task: Task; channel: number }[];
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

  constructor(graph: PipelineGraph, private readonly options: JobOptions = {}) {
    assertValidGraph(graph);
    this.graph = graph;
    this.parallelism = effectiveParallelism(graph);
    this.services = options.services ?? {};
    this.pts = options.processingTimeService ?? new SystemProcessingTimeService((e) => this.fail(e));
    this.build();
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
        const chain = s === 0 ? create() : withOwnFunctionCopies(create);
        subtasks.push({ nodeId: node.id, name: node.name ?? node.id, subtask: s, chain, numChannels: 0, endedChannels: 0, downstream: [] });
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
          src.downstream.push({ task: target, channel });
          return new ChannelOutput(target.chain[0]!, channel, edge.targetInput) as Output;
        });
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
            },
            out,
            i === 0 ? task.numChannels : 1,
          );
        }
        if (chain[0] instanceof SourceOperator) this.sources.push({ task, op: chain[0] });
      }
    }
    // A filter whose records all go to a map fed by nothing else runs both functions in one loop (FilterOperator.fuseMap).
    for (const task of this.allTasks()) {
      const tail = task.chain[task.chain.length - 1];
      const next = task.tailOutput?.soleTarget();
      if (tail instanceof FilterOperator && next instanceof MapOperator && next.numInputChannels === 1) tail.fuseMap(next, task.tailOutput!);
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
      await Promise.race([failed, Promise.all(this.sources.map((s) => this.runSource(s.task, s.op)))]);
      if (this.failure !== undefined) throw this.failure;
      // Stop-with-savepoint --drain: every window and timer has fired; the savepoint is the state after that.
      if (this.drainRequest !== undefined && this.status === 'running') this.drainRequest.resolve(this.snapshot(this.drainRequest.checkpointId));
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

  private async runSource(task: Task, op: SourceOperator): Promise<void> {
    await op.run();
    if (this.status !== 'running') return;
    // End of input: the final watermark fires every event-time window, then each task finishes in order.
    op.output.emitWatermark(MAX_WATERMARK);
    this.endTask(task);
  }

  private endTask(task: Task): void {
    for (const op of task.chain) {
      op.finish();
      if (op !== task.chain[0]) op.receiveWatermark(0, MAX_WATERMARK);
    }
    for (const d of task.downstream) {
      d.task.endedChannels++;
      if (d.task.endedChannels === d.task.numChannels) this.endTask(d.task);
    }
  }

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
    return p;
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
  }

  private closed = false;
  private closeAll(): void {
    if (this.closed) return;
    this.closed = true;
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
        t.chain.forEach((op, i) => {
          if (before === now) return op.initializeState(snapshot.operators[stateKey(nodeId, i, t.subtask, now)]);
          const old = Array.from({ length: before }, (_, s) => snapshot.operators[stateKey(nodeId, i, s, before)]);
          if (old.every((o) => o === undefined)) return op.initializeState(undefined);
          // A split source: each new subtask takes what belongs to its splits from all old states.
          if (op instanceof SourceOperator && op.initializeUnionState(old)) return;
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
   * tap on a sink shows what it receives.
   */
  tap(nodeId: string, capacity: number): DataTap | undefined {
    const subtasks = this.tasks.get(nodeId);
    if (!subtasks) throw new Error(`no node "${nodeId}" in this job`);
    const task = subtasks[0]!;
    if (task.chain[0] instanceof SinkOperator) {
      // A sink has no output: tap its input instead, by wrapping the edges that feed it.
      return this.tapSinkInput(task, capacity);
    }
    // One tap shows what every subtask of the node emits.
    const tap = capacity <= 0 ? undefined : task.tailOutput!.tap?.capacity === capacity ? task.tailOutput!.tap : new DataTap(capacity);
    for (const t of subtasks) t.tailOutput!.tap = tap;
    return tap;
  }

  private readonly sinkTaps = new Map<string, DataTap>();
  private tapSinkInput(task: Task, capacity: number): DataTap | undefined {
    const sink = task.chain[0] as SinkOperator;
    if (capacity <= 0) {
      this.sinkTaps.delete(task.nodeId);
      sink.tap = undefined;
      return undefined;
    }
    let tap = this.sinkTaps.get(task.nodeId);
    if (tap?.capacity !== capacity) this.sinkTaps.set(task.nodeId, (tap = new DataTap(capacity)));
    sink.tap = tap;
    return tap;
  }

  /** Why the job failed, when it did. */
  get failureCause(): unknown {
    return this.failure;
  }

  uptime(): number {
    return this.status === 'created' ? 0 : this.pts.getCurrentProcessingTime() - this.startedAt;
  }

  metrics(): OperatorMetricsSnapshot[] {
    const out: OperatorMetricsSnapshot[] = [];
    for (const [nodeId, subtasks] of this.tasks) {
      let recordsIn = 0;
      let recordsOut = 0;
      let late = 0;
      let dead = 0;
      let state = 0;
      // A node's watermark is its slowest subtask's; a subtask's is the furthest along its chain.
      let nodeWm = Number.POSITIVE_INFINITY;
      for (const t of subtasks) {
        recordsIn += t.chain[0]!.metrics.recordsIn;
        recordsOut += t.chain[t.chain.length - 1]!.metrics.recordsOut;
        let wm = Number.NEGATIVE_INFINITY;
        for (const op of t.chain) {
          late += op.metrics.lateRecordsDropped;
          dead += op.metrics.deadLetters;
          state += op.stateSize();
          wm = Math.max(wm, op.metrics.watermark);
        }
        nodeWm = Math.min(nodeWm, wm);
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
      });
    }
    return out;
  }
}

/** Where an operator's state sits in a snapshot: `node#chainIndex`, with `@subtask` when the node ran in parallel. */
function stateKey(nodeId: string, chainIndex: number, subtask: number, parallelism: number): string {
  return parallelism === 1 ? `${nodeId}#${chainIndex}` : `${nodeId}#${chainIndex}@${subtask}`;
}
