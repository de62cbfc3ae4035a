import { parentPort, type MessagePort } from 'node:worker_threads';
import type { JobClient } from '../../api/StreamExecutionEnvironment.js';
import type { PipelineGraph } from '../../graph/PipelineGraph.js';
import type { JobServices } from '../JobServices.js';
import type { JobSnapshot } from '../Job.js';
import type { DataTap } from '../DataTap.js';
import type { FromPeer, PeerData, ToPeer } from './messages.js';
import { graphShape } from './SlotCluster.js';

/** What a host's peer entry adds to the engine's: the same set-up as its slot 0 (see ExecutionHost.slots). */
export interface SlotPeerOptions {
  /** Runs first, with the program's `hostData` (e.g. secrets for connector configs). */
  init?(hostData: unknown): void;
  /** The host's ExecutionHost.transformGraph, so peers build the graph slot 0 runs. */
  transformGraph?(graph: PipelineGraph): PipelineGraph;
}

/** How often a peer sends its subtasks' metrics to slot 0. */
const METRICS_INTERVAL_MS = 500;
/** How often a peer sends what its open data taps saw (as the web polls a tap a few times a second). */
const TAP_INTERVAL_MS = 200;

/**
 * The body of a peer slot thread (Flink's TaskExecutor running user code through its class loader): loads the same
 * program as slot 0, lets it build its jobs, runs the `jobIndex`-th one as this slot's part of the job, and leaves
 * the other jobs unrun. The program's own console output is dropped (slot 0 prints it); what operators here log and
 * emit to the host's services goes to slot 0.
 */
export async function runSlotPeer(engine: Record<string, unknown>, options: SlotPeerOptions = {}): Promise<void> {
  const control = parentPort!;
  process.setSourceMapsEnabled(true);
  const mute = muteConsole();
  for (;;) {
    // A warm thread: the engine is loaded; the job comes with the next message, from the thread that owns this one or
    // (a lease from a pool served to another thread, see PeerThreadPool.serve) on a port of its own.
    const { data, port } = await nextJob();
    const done = await runJob(engine, options, data, mute, port);
    if (port !== control) port.close();
    // Loading the engine costs a new thread ~0.3–0.5 s of CPU (bench/README.md, slots): after a clean end the thread
    // tells its owner it can take another job of the same program, as a TaskManager's slot outlives one job.
    if (done) control.postMessage({ type: 'idle' } satisfies FromPeer);
  }
}

type JobPort = MessagePort | NonNullable<typeof parentPort>;

/** The next job for this thread: its data, and the port its messages go over. */
function nextJob(): Promise<{ data: PeerData; port: JobPort }> {
  const owner = parentPort!;
  return new Promise((resolve) => {
    const onJob = (port: JobPort) => {
      const listener = (m: { type: string; data?: PeerData; port?: MessagePort }) => {
        if (m.type === 'lease' && port === owner) {
          owner.off('message', listener);
          return onJob(m.port!);
        }
        if (m.type !== 'job') return;
        port.off('message', listener);
        resolve({ data: m.data!, port });
      };
      port.on('message', listener);
    };
    onJob(owner);
  });
}

/** Runs one job's part in this slot; true when the program and its job ended cleanly (the thread can be reused). */
async function runJob(engine: Record<string, unknown>, options: SlotPeerOptions, data: PeerData, mute: MutedConsole, control: JobPort): Promise<boolean> {
  const send = (m: FromPeer) => control.postMessage(m);
  const failed = (e: unknown) => {
    const err = e instanceof Error ? e : new Error(String(e));
    send({ type: 'failed', message: err.message, ...(err.stack !== undefined ? { stack: err.stack } : {}) });
  };
  options.init?.(data.program.hostData);
  const services: JobServices = {};
  for (const name of data.services) services[name] = (...args: unknown[]) => send({ type: 'service', name, args });

  const { Job, StreamExecutionEnvironment, runCellCode, runCompiledCell, migrateGraph, executeGraph } = engine as unknown as typeof import('../../index.js');
  let startSources!: () => void;
  const started = new Promise<void>((resolve) => (startSources = resolve));
  let job: InstanceType<typeof Job> | undefined;
  const onControl = (m: ToPeer) => {
    if (m.type === 'start') return startSources();
    if (job === undefined) return;
    if (m.type === 'cancel') job.cancel();
    else if (m.type === 'drain') job.drainSlot(m.id);
    else if (m.type === 'checkpoint') void job.checkpointSlot(m.id).then((operators) => send({ type: 'state', id: m.id, operators }));
    else if (m.type === 'complete') job.notifyCheckpointComplete(m.id);
    else if (m.type === 'tap') taps.open(job, m.nodeId, m.capacity);
  };
  control.on('message', onControl);
  const taps = peerTaps(send);

  let submitted = 0;
  let result: Promise<{ status: string }> | undefined;
  const submit = (graph: PipelineGraph, jobName: string): JobClient => {
    const index = submitted++;
    if (index !== data.jobIndex) return notRun(jobName, graph, Job);
    const shape = graphShape(graph);
    if (shape !== data.shape) {
      const e = new Error(`slot ${data.slot}: the program built a different graph for job #${index + 1} than slot 0 (slot 0: ${data.shape}; here: ${shape}); a program must build the same job in every slot`);
      failed(e);
      throw e;
    }
    job = new Job(graph, {
      services,
      ...(data.restoreFrom !== undefined ? { restoreFrom: data.restoreFrom as JobSnapshot } : {}),
      peer: {
        index: data.slot,
        count: data.count,
        ports: data.ports,
        ready: () => {
          // Operators of this slot now run: their console output goes to slot 0's log.
          mute.forwardTo(services.log as ((line: string) => void) | undefined);
          send({ type: 'ready' });
        },
        started,
        drained: (id, operators) => send({ type: 'state', id, operators }),
      },
    });
    const j = job;
    const metrics = setInterval(() => send({ type: 'metrics', metrics: j.subtaskMetrics() }), METRICS_INTERVAL_MS);
    metrics.unref();
    const tapped = setInterval(() => taps.flush(), TAP_INTERVAL_MS);
    tapped.unref();
    const run = j.run().then(
      (status) => {
        clearInterval(metrics);
        clearInterval(tapped);
        taps.flush();
        send({ type: 'finished', metrics: j.subtaskMetrics() });
        return { jobName, status, netRuntime: j.uptime() };
      },
      (e: unknown) => {
        clearInterval(metrics);
        clearInterval(tapped);
        failed(e);
        throw e;
      },
    );
    run.catch(() => {});
    result = run;
    // A peer never restarts on its own: slot 0's JobExecution restarts the whole job with new peers.
    return { job: j, execution: undefined as never, cancel: () => j.cancel(), getJobExecutionResult: () => run };
  };

  const transformGraph = options.transformGraph;
  StreamExecutionEnvironment.setContextHost({ services, slotPeer: submit, ...(transformGraph ? { transformGraph } : {}) });
  Object.assign(globalThis, data.program.globals ?? {});
  try {
    if (data.program.compiled !== undefined) await runCompiledCell(data.program.compiled, engine);
    else if (data.program.source !== undefined) await runCellCode(data.program.source, engine, data.program.sourcefile);
    else if (data.program.graph !== undefined) {
      const graph = migrateGraph(data.program.graph);
      await executeGraph(transformGraph ? transformGraph(graph) : graph, 'job', { services, slotPeer: submit }).getJobExecutionResult();
    }
    else throw new Error('a peer slot needs the program (source or graph)');
    if (job === undefined) throw new Error(`slot ${data.slot}: the program submitted ${submitted} job(s); slot 0 runs job #${data.jobIndex + 1}`);
  } catch (e) {
    if (job === undefined) failed(e);
    return false;
  } finally {
    StreamExecutionEnvironment.setContextHost(undefined);
  }
  try {
    // The program may not wait for its job (executeAsync): the slot is free once the job has ended too.
    return (await result)?.status === 'finished';
  } catch {
    return false;
  } finally {
    control.off('message', onControl);
    mute.forwardTo(undefined);
  }
}

/**
 * This slot's open data taps: what each saw since the last flush goes to slot 0, whose tap on the node merges the
 * records of every slot. Values are structured-cloned; a batch that cannot be (a value holding a function) goes as JSON.
 */
function peerTaps(send: (m: FromPeer) => void) {
  const open = new Map<string, { tap: DataTap; sent: number }>();
  return {
    open(job: { tap(nodeId: string, capacity: number): DataTap | undefined }, nodeId: string, capacity: number): void {
      const tap = job.tap(nodeId, capacity);
      if (tap === undefined) open.delete(nodeId);
      else if (open.get(nodeId)?.tap !== tap) open.set(nodeId, { tap, sent: tap.seq - 1 });
    },
    flush(): void {
      for (const [nodeId, o] of open) {
        const records = o.tap.records(o.sent);
        if (records.length === 0) continue;
        o.sent = o.tap.seq - 1;
        try {
          send({ type: 'tapped', nodeId, records });
        } catch {
          send({ type: 'tapped', nodeId, records: records.map((r) => ({ ...r, value: plainValue(r.value) })) });
        }
      }
    },
  };
}

/** A job of the program that another job's peer does not run: it ends at once, as "finished". */
function notRun(jobName: string, graph: PipelineGraph, JobClass: typeof import('../Job.js').Job): JobClient {
  const job = new JobClass(graph);
  const result = Promise.resolve({ jobName, status: 'finished' as const, netRuntime: 0 });
  return { job, execution: undefined as never, cancel: () => {}, getJobExecutionResult: () => result };
}

interface MutedConsole {
  forwardTo(log: ((line: string) => void) | undefined): void;
}

/** Drops console output until a job runs; then forwards it to slot 0's log service, if there is one. */
function muteConsole(): MutedConsole {
  let sink: ((line: string) => void) | undefined;
  const write = (...args: unknown[]) => sink?.(args.map((a) => (typeof a === 'string' ? a : safeInspect(a))).join(' '));
  for (const k of ['log', 'info', 'warn', 'error', 'debug'] as const) console[k] = write;
  return {
    forwardTo(log) {
      sink = log;
    },
  };
}

/** A value as JSON would carry it (functions dropped), or its string when it has no JSON form. */
function plainValue(v: unknown): unknown {
  try {
    const json = JSON.stringify(v);
    return json === undefined ? String(v) : (JSON.parse(json) as unknown);
  } catch {
    return String(v);
  }
}

function safeInspect(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
