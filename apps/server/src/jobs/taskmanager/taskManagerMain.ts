// A TaskManager: a child process of the server that runs each deployed job in a worker thread (a slot), so a job that
// kills its process, exits it or exhausts its memory takes this process down, never the server (the JobManager).
import { MessageChannel, Worker } from 'node:worker_threads';
import { PeerThreadPool } from '@flowbook/engine/slots';
import type { FromTaskManager, ToTaskManager } from './messages.js';

const workers = new Map<string, Worker>();
/**
 * The peer slot threads of parallel jobs live here, not in the job's thread (which ends with the job): a thread whose
 * job ended cleanly serves the next run of the same program warm, as the engine's pool does for CLI runs; threads of a
 * failed or cancelled job are stopped (PeerThreadPool).
 */
const peers = new PeerThreadPool();

function send(m: FromTaskManager): void {
  // The server is gone (IPC closed): nothing left to run for.
  if (!process.connected) process.exit(0);
  process.send!(m);
}

function deploy(m: Extract<ToTaskManager, { type: 'deploy' }>): void {
  const pool = new MessageChannel();
  const stopServing = peers.serve(pool.port1);
  const worker = new Worker(new URL(m.workerUrl), {
    workerData: { ...m.input, peerThreads: pool.port2 },
    transferList: [pool.port2],
    resourceLimits: m.resourceLimits,
    stdout: true,
    stderr: true,
  });
  workers.set(m.jobId, worker);
  const out = (chunk: Buffer) => send({ type: 'output', jobId: m.jobId, text: chunk.toString('utf8') });
  worker.stdout.on('data', out);
  worker.stderr.on('data', out);
  worker.on('message', (message) => send({ type: 'fromWorker', jobId: m.jobId, message }));
  worker.on('error', (e: Error & { code?: string }) => send({ type: 'workerError', jobId: m.jobId, message: e.message, ...(e.stack ? { stack: e.stack } : {}), ...(e.code ? { code: e.code } : {}) }));
  worker.on('exit', (code) => {
    workers.delete(m.jobId);
    // Peers still leased by the job's thread (it failed, or was stopped) are stopped with it.
    stopServing();
    send({ type: 'workerExit', jobId: m.jobId, code });
  });
}

process.on('message', (m: ToTaskManager) => {
  if (m.type === 'deploy') deploy(m);
  else if (m.type === 'toWorker') workers.get(m.jobId)?.postMessage(m.message);
  else if (m.type === 'terminate') void workers.get(m.jobId)?.terminate();
});
process.on('disconnect', () => process.exit(0));

// Heartbeats run on this main thread, which runs no user code: a job busy in an endless loop does not stop them.
let lastCpu = process.cpuUsage();
let lastAt = performance.now();
function heartbeat(): void {
  const cpu = process.cpuUsage(lastCpu);
  const now = performance.now();
  const cpuPercent = ((cpu.user + cpu.system) / 1000 / Math.max(1, now - lastAt)) * 100;
  lastCpu = process.cpuUsage();
  lastAt = now;
  const mem = process.memoryUsage();
  send({ type: 'heartbeat', pid: process.pid, rssBytes: mem.rss, heapUsedBytes: mem.heapUsed, cpuPercent, uptimeMs: Math.round(process.uptime() * 1000), jobs: [...workers.keys()] });
}
setInterval(heartbeat, Number(process.env.FLOWBOOK_TASKMANAGER_HEARTBEAT_MS ?? 1000));
send({ type: 'ready', pid: process.pid });
heartbeat();
