import type { z } from 'zod';
import { cloneNodes, type ConnectorSpec } from '../connectors/registry.js';
import { GRAPH_VERSION, type GraphEdge, type GraphNode, type PipelineGraph } from '../graph/PipelineGraph.js';
import type { Job, JobOptions, JobSnapshot, JobStatus } from '../runtime/Job.js';
import type { SlotProgram } from '../runtime/slots/messages.js';
import type { PeerThreads } from '../runtime/slots/PeerThreadPool.js';
import { JobExecution, type RestartInfo } from '../runtime/JobExecution.js';
import { RestartStrategyConfig } from '../restart/RestartStrategy.js';
import type { JobServices } from '../runtime/JobServices.js';
import type { WatermarkStrategy } from '../time/WatermarkStrategy.js';
import { DataStream } from './DataStream.js';
import { toFnSpec } from '../graph/fn.js';
import type { SourceFunction } from '../connectors/SourceFunction.js';

export interface JobExecutionResult {
  jobName: string;
  status: JobStatus;
  netRuntime: number;
}

/** A running job as seen by the program that submitted it (Flink's JobClient). */
export interface JobClient {
  /** The attempt running now (a restart replaces it). */
  readonly job: Job;
  readonly execution: JobExecution;
  cancel(): void;
  /** Resolves when the job ends. */
  getJobExecutionResult(): Promise<JobExecutionResult>;
}

/** Set by a host (the notebook server's worker, the CLI) so that `execute()` runs jobs with the host's services. */
export interface ExecutionHost {
  services?: JobServices;
  /** Called for each attempt of a submitted job; the host may keep it to checkpoint or read metrics. */
  onJobSubmitted?(job: Job, name: string, attempt: number): void;
  /** Called once per submitted job, with the client that cancels it across restarts. */
  onExecution?(client: JobClient, name: string): void;
  /** A failed job is about to restart (restart strategy). */
  onRestart?(info: RestartInfo, name: string): void;
  /** The latest completed checkpoint of the job named `jobName`, which a restart resumes from. */
  latestCheckpoint?(jobName: string): Promise<JobSnapshot | undefined>;
  /** Options of the job named `jobName` (e.g. the snapshot it starts from). */
  jobOptions?(jobName: string): Omit<JobOptions, 'services'>;
  /** Lets a host rewrite the graph before it runs (e.g. the CLI's --input replaces a source with a file). */
  transformGraph?(graph: PipelineGraph): PipelineGraph;
  /**
   * Run parallel jobs in slots (one thread per subtask index, Flink's slot sharing): the program that submits the jobs,
   * which every peer slot loads to build the same graph. Jobs are matched by the order the program submits them.
   * Without it, all subtasks of a parallel job run in this thread.
   */
  slots?: {
    program: SlotProgram;
    /** A module that calls runSlotPeer(engine) (needed when the engine is bundled into the host's own worker). */
    peerEntry?: URL | string;
    execArgv?: string[];
    /** Where the peer threads come from: a host whose job thread ends with the job keeps them in a longer-lived one. */
    peerThreads?: PeerThreads;
  };
  /**
   * @internal Set by hosts that run a submitted job themselves (a peer slot thread; a scale-out worker, see
   * scaleOutHost.ts): submitting a job hands its graph to the host instead of running it here.
   */
  slotPeer?(graph: PipelineGraph, jobName: string): JobClient;
}

/** Jobs submitted so far per program: slot 0 and its peers number the program's jobs alike. */
const jobsSubmitted = new WeakMap<SlotProgram, number>();

let contextHost: ExecutionHost | undefined;

/**
 * Entry point of every pipeline (Flink's StreamExecutionEnvironment). It records the pipeline as a plain,
 * versioned graph as you call the fluent API; `execute` runs that graph.
 */
export class StreamExecutionEnvironment {
  /** @internal */ readonly nodes: GraphNode[] = [];
  /** @internal */ readonly edges: GraphEdge[] = [];
  private nextId = 0;
  private autoWatermarkInterval = 200;
  private maxParallelism = 128;
  private parallelism: number | undefined;
  private checkpointInterval: number | undefined;
  private restartStrategy: z.output<typeof RestartStrategyConfig> | undefined;
  private executedNodes = 0;
  readonly host: ExecutionHost | undefined;

  constructor(host?: ExecutionHost) {
    this.host = host ?? contextHost;
  }

  static getExecutionEnvironment(): StreamExecutionEnvironment {
    return new StreamExecutionEnvironment();
  }

  /** For hosts: every environment created afterwards executes through `host`. */
  static setContextHost(host: ExecutionHost | undefined): void {
    contextHost = host;
  }

  getConfig(): { setAutoWatermarkInterval(ms: number): void; getAutoWatermarkInterval(): number } {
    return {
      setAutoWatermarkInterval: (ms: number) => {
        this.autoWatermarkInterval = ms;
      },
      getAutoWatermarkInterval: () => this.autoWatermarkInterval,
    };
  }

  /** Takes a checkpoint every `intervalMs` (Flink's enableCheckpointing); the host decides where they are stored. */
  enableCheckpointing(intervalMs: number): this {
    if (!(intervalMs > 0)) throw new Error('enableCheckpointing needs an interval > 0 ms');
    this.checkpointInterval = intervalMs;
    return this;
  }

  /** Flink's setRestartStrategy: e.g. `RestartStrategies.fixedDelayRestart(3, 1000)`. */
  setRestartStrategy(strategy: RestartStrategyConfig): this {
    this.restartStrategy = RestartStrategyConfig.parse(strategy);
    return this;
  }

  /**
   * Default number of parallel subtasks of every operator (Flink's setParallelism). Sources whose connector splits its
   * input (collections, files, Kafka) and sinks that write per subtask (files, PostgreSQL, Kafka) run with it too;
   * other connectors run as one subtask.
   */
  setParallelism(n: number): this {
    if (!Number.isInteger(n) || n < 1) throw new Error(`setParallelism: ${n} is not a positive integer`);
    this.parallelism = n;
    return this;
  }

  getParallelism(): number {
    return this.parallelism ?? 1;
  }

  setMaxParallelism(n: number): this {
    this.maxParallelism = n;
    return this;
  }

  /** @internal Adds a node fed by the given edges and returns its id. */
  addNode(type: string, config: Record<string, unknown>, name: string | undefined, inputs: Omit<GraphEdge, 'target'>[]): string {
    const id = `${type}-${++this.nextId}`;
    this.nodes.push({ id, type, config, ...(name !== undefined ? { name } : {}) });
    for (const e of inputs) this.edges.push({ ...e, target: id });
    return id;
  }

  fromSource<T>(source: ConnectorSpec, watermarkStrategy: WatermarkStrategy<T>, sourceName?: string): DataStream<T> {
    const id = this.addNode(
      'source',
      { connector: source.connector, config: source.config, watermarkStrategy: watermarkStrategy.spec },
      sourceName ?? source.connector,
      [],
    );
    return new DataStream<T>(this, id);
  }

  /**
   * A stream from an inline SourceFunction (Flink's addSource): `run(ctx)` emits with ctx.collect(v),
   * ctx.collectWithTimestamp(v, ts) and ctx.emitWatermark(wm), awaiting ctx.sleep()/ctx.yield() between records so
   * timers and checkpoints run; it returns when the input ends. `cancel()` must make run() return. Keep the source's
   * state in its fields (each subtask and restart gets a copy); snapshotState/restoreState make it part of checkpoints.
   */
  addSource<T>(fn: SourceFunction<T>, sourceName = 'Custom Source'): DataStream<T> {
    const id = this.addNode('source', { connector: 'function', config: { fn: toFnSpec(fn) } }, sourceName, []);
    return new DataStream<T>(this, id);
  }

  /** A bounded stream of the given elements, handed over as they are (see fromCollection: do not mutate them). */
  fromElements<T>(...elements: T[]): DataStream<T> {
    return this.fromCollection(elements);
  }

  /** Lines from a TCP server, as in Flink: `socketTextStream('localhost', 9181)`; maxRetry −1 retries forever. */
  socketTextStream(hostname: string, port: number, delimiter = '\n', maxRetry = -1, retryDelayMs = 500): DataStream<string> {
    const id = this.addNode('source', { connector: 'socket-text', config: { host: hostname, port, delimiter, maxRetry, retryDelayMs } }, `Socket ${hostname}:${port}`, []);
    return new DataStream<string>(this, id);
  }

  /** The numbers from..to, inclusive (Flink's fromSequence). */
  fromSequence(from: number, to: number): DataStream<number> {
    if (!(to >= from)) throw new Error(`fromSequence: to (${to}) must be >= from (${from})`);
    return this.fromCollection(Array.from({ length: to - from + 1 }, (_, i) => from + i), 'sequence');
  }

  /**
   * A bounded stream of the array's elements. The elements are handed to the job as they are, not copied (class
   * instances keep their prototype): like Flink with object reuse, the job and the caller must not mutate them while
   * it runs. Where a graph crosses a thread or is shown as JSON, the elements are serialized as any config.
   * With parallelism p, subtask s reads the s-th of p contiguous ranges.
   */
  fromCollection<T>(elements: T[], name = 'elements'): DataStream<T> {
    const id = this.addNode('source', { connector: 'elements', config: { elements } }, name, []);
    return new DataStream<T>(this, id);
  }

  /** The pipeline built so far as plain, versioned JSON data. */
  getPipeline(name?: string): PipelineGraph {
    return {
      version: GRAPH_VERSION,
      ...(name !== undefined ? { name } : {}),
      config: {
        autoWatermarkInterval: this.autoWatermarkInterval,
        maxParallelism: this.maxParallelism,
        ...(this.parallelism !== undefined ? { parallelism: this.parallelism } : {}),
        ...(this.checkpointInterval !== undefined ? { checkpointInterval: this.checkpointInterval } : {}),
        ...(this.restartStrategy !== undefined ? { restartStrategy: this.restartStrategy } : {}),
      },
      nodes: cloneNodes(this.nodes),
      edges: structuredClone(this.edges),
    };
  }

  /** True when sinks were added since the last execute (hosts run such pipelines for the user). */
  hasPendingPipeline(): boolean {
    return this.nodes.length > this.executedNodes && this.nodes.some((n) => n.type === 'sink');
  }

  /** Starts the job and returns at once with a client to cancel it or await its end. */
  executeAsync(jobName = 'Flowbook job', services?: JobServices): JobClient {
    this.executedNodes = this.nodes.length;
    const built = this.getPipeline(jobName);
    const graph = this.host?.transformGraph ? this.host.transformGraph(built) : built;
    return executeGraph(graph, jobName, this.host, services);
  }

  /** Runs the job; resolves when it ends (bounded input) or is cancelled; rejects if it fails. */
  async execute(jobName = 'Flowbook job'): Promise<JobExecutionResult> {
    return this.executeAsync(jobName).getJobExecutionResult();
  }
}

/** Runs a graph through a host, restarting it after failures as its restart strategy allows. */
export function executeGraph(graph: PipelineGraph, jobName: string, host: ExecutionHost | undefined, services?: JobServices): JobClient {
  if (host?.slotPeer !== undefined) return host.slotPeer(graph, jobName);
  const slots = host?.slots;
  let jobIndex = 0;
  if (slots !== undefined) {
    jobIndex = jobsSubmitted.get(slots.program) ?? 0;
    jobsSubmitted.set(slots.program, jobIndex + 1);
  }
  const execution = new JobExecution(
    graph,
    {
      ...(host?.jobOptions?.(jobName) ?? {}),
      services: { ...(host?.services ?? {}), ...(services ?? {}) },
      ...(slots !== undefined ? { slots: { ...slots, jobIndex } } : {}),
    },
    {
      onAttempt: (job, attempt) => host?.onJobSubmitted?.(job, jobName, attempt),
      onRestart: (info) => host?.onRestart?.(info, jobName),
      ...(host?.latestCheckpoint ? { latestCheckpoint: () => host.latestCheckpoint!(jobName) } : {}),
    },
  );
  const client: JobClient = {
    get job() {
      return execution.job;
    },
    execution,
    cancel: () => execution.cancel(),
    getJobExecutionResult: () => result,
  };
  const result = execution.run().then((status) => ({ jobName, status, netRuntime: execution.job.uptime() }));
  result.catch(() => {});
  host?.onExecution?.(client, jobName);
  return client;
}
