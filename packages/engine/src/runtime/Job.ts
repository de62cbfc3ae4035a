import type { KeySelector } from '../api/functions.js';
import { resolveFn } from '../graph/fn.js';
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
import { DataTap } from './DataTap.js';

export type JobStatus = 'created' | 'running' | 'finished' | 'failed' | 'cancelled';

export interface JobOptions {
  services?: JobServices;
  processingTimeService?: ProcessingTimeService;
  /** Operator states by node id (and chain index), from a checkpoint or savepoint. */
  restoreFrom?: JobSnapshot;
}

/** A consistent snapshot of every operator, keyed by `${nodeId}#${chainIndex}`. Format versioned for savepoints. */
export interface JobSnapshot {
  formatVersion: 1;
  checkpointId: number;
  timestamp: number;
  operators: Record<string, unknown>;
}

/** One graph node at run time: its chain of operators (usually one). */
interface Task {
  nodeId: string;
  name: string;
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
  private readonly tasks = new Map<string, Task>();
  private readonly sources: { task: Task; op: SourceOperator }[] = [];
  private readonly pts: ProcessingTimeService;
  private readonly services: JobServices;
  private failure: unknown;
  private failJob: ((e: unknown) => void) | undefined;
  private startedAt = 0;

  constructor(graph: PipelineGraph, private readonly options: JobOptions = {}) {
    assertValidGraph(graph);
    this.graph = graph;
    this.services = options.services ?? {};
    this.pts = options.processingTimeService ?? new SystemProcessingTimeService((e) => this.fail(e));
    this.build();
  }

  private build(): void {
    const { graph } = this;
    for (const node of graph.nodes) {
      const def = getOperatorDefinition(node.type)!;
      const config = def.configSchema.parse(node.config);
      const chain = def.create(config as never, node, graph.config);
      const numChannels = graph.edges.filter((e) => e.target === node.id).length;
      this.tasks.set(node.id, { nodeId: node.id, name: node.name ?? node.id, chain, numChannels, endedChannels: 0, downstream: [] });
    }
    // Wire edges: each edge is one input channel of its target.
    const channelCount = new Map<string, number>();
    const outputs = new Map<string, { main: Output[]; side: Map<string, Output[]> }>();
    for (const node of graph.nodes) outputs.set(node.id, { main: [], side: new Map() });
    for (const edge of graph.edges) {
      const target = this.tasks.get(edge.target)!;
      const channel = channelCount.get(edge.target) ?? 0;
      channelCount.set(edge.target, channel + 1);
      const out = new ChannelOutput(target.chain[0]!, channel, edge.targetInput);
      const o = outputs.get(edge.source)!;
      if (edge.sideOutput !== undefined) {
        const list = o.side.get(edge.sideOutput) ?? [];
        list.push(out);
        o.side.set(edge.sideOutput, list);
      } else o.main.push(out);
      this.tasks.get(edge.source)!.downstream.push({ task: target, channel });
    }
    for (const node of graph.nodes) {
      const task = this.tasks.get(node.id)!;
      const keySelectors = this.keySelectorsFor(node.id);
      const { main, side } = outputs.get(node.id)!;
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
            subtaskIndex: 0,
            parallelism: 1,
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
    const indeg = new Map<string, number>();
    for (const t of this.tasks.values()) indeg.set(t.nodeId, t.numChannels);
    const order: Task[] = [];
    const ready = [...this.tasks.values()].filter((t) => t.numChannels === 0);
    while (ready.length > 0) {
      const t = ready.shift()!;
      order.push(t);
      for (const d of t.downstream) {
        const n = indeg.get(d.task.nodeId)! - 1;
        indeg.set(d.task.nodeId, n);
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
      this.closeAll();
      await this.drainSinks(order);
      this.status = this.status === 'running' ? 'finished' : this.status;
    } catch (e) {
      this.failure ??= e;
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

  /** Stops the sources; `run()` then resolves with 'cancelled'. */
  cancel(): void {
    if (this.status !== 'running') return;
    this.status = 'cancelled';
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
    for (const t of this.tasks.values()) {
      t.chain.forEach((op, i) => {
        const s = op.snapshotState(checkpointId);
        if (s !== undefined) operators[`${t.nodeId}#${i}`] = s;
      });
    }
    return { formatVersion: 1, checkpointId, timestamp: this.pts.getCurrentProcessingTime(), operators };
  }

  notifyCheckpointComplete(checkpointId: number): void {
    for (const t of this.tasks.values()) for (const op of t.chain) op.notifyCheckpointComplete(checkpointId);
  }

  private restore(snapshot: JobSnapshot): void {
    if (snapshot.formatVersion !== 1) throw new Error(`snapshot format ${snapshot.formatVersion} is not supported`);
    for (const t of this.tasks.values()) t.chain.forEach((op, i) => op.initializeState(snapshot.operators[`${t.nodeId}#${i}`]));
  }

  /**
   * Opens (or resizes) a data tap on a node's output and returns it; capacity 0 closes it. Sinks emit nothing, so a
   * tap on a sink shows what it receives.
   */
  tap(nodeId: string, capacity: number): DataTap | undefined {
    const task = this.tasks.get(nodeId);
    if (!task) throw new Error(`no node "${nodeId}" in this job`);
    const head = task.chain[0]!;
    if (head instanceof SinkOperator) {
      // A sink has no output: tap its input instead, by wrapping the edges that feed it.
      return this.tapSinkInput(task, capacity);
    }
    const out = task.tailOutput!;
    if (capacity <= 0) return (out.tap = undefined);
    if (out.tap?.capacity !== capacity) out.tap = new DataTap(capacity);
    return out.tap;
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
    for (const t of this.tasks.values()) {
      const head = t.chain[0]!;
      const tail = t.chain[t.chain.length - 1]!;
      let late = 0;
      let dead = 0;
      let state = 0;
      let wm = Number.NEGATIVE_INFINITY;
      for (const op of t.chain) {
        late += op.metrics.lateRecordsDropped;
        dead += op.metrics.deadLetters;
        state += op.stateSize();
        wm = Math.max(wm, op.metrics.watermark);
      }
      out.push({
        nodeId: t.nodeId,
        type: this.graph.nodes.find((n) => n.id === t.nodeId)!.type,
        name: t.name,
        recordsIn: head.metrics.recordsIn,
        recordsOut: tail.metrics.recordsOut,
        lateRecordsDropped: late,
        deadLetters: dead,
        watermark: Number.isFinite(wm) ? wm : wm === MAX_WATERMARK ? Number.MAX_SAFE_INTEGER : null,
        stateEntries: state,
      });
    }
    return out;
  }
}
