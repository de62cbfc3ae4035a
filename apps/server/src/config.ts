import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { availableParallelism } from 'node:os';
import { youngGenerationMb } from '@flowbook/engine';
import type { TaskManagerPoolOptions } from './jobs/taskmanager/TaskManagerPool.js';
import { resolveTaskManagerUser } from './jobs/taskmanager/taskManagerUser.js';

export interface ServerConfig {
  host: string;
  port: number;
  token: string;
  notebooksDir: string;
  /** Server state: running jobs, checkpoints (`.flowbook/` by default). */
  stateDir: string;
  webDir: string;
  /** A separate token for Prometheus scrapes of /metrics. */
  metricsToken: string | undefined;
  /** How long /metrics keeps the series of an ended job (FLOWBOOK_METRICS_ENDED_JOB_GRACE_SECONDS, 300 by default). */
  metricsEndedJobGraceMs: number;
  /** Where checkpoints go: `<stateDir>/checkpoints` by default, or a postgresql:// URL (FLOWBOOK_CHECKPOINTS) shared across machines. */
  checkpoints: string;
  /** Rows kept per chart series of each live sink for clients that join later (memory bound). */
  resultPointsPerSeries: number;
  /** JSON file of secrets for `${secret:NAME}` in connector configs. */
  secretsFile: string;
  /** Heap limits of each job's worker thread: the old generation, and the young one (see the engine's youngGeneration.ts). */
  workerMemoryMb: number;
  workerYoungGenerationMb: number;
  /** TaskManager processes the jobs run in (FLOWBOOK_TASKMANAGER_*). */
  taskManagers: TaskManagerPoolOptions;
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Reads configuration from the environment; defaults are safe: loopback only, a fresh random token. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const port = env.PORT === undefined ? 8888 : Number(env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got "${env.PORT}"`);
  const stateDir = path.resolve(env.FLOWBOOK_STATE_DIR ?? path.join(repoRoot, '.flowbook'));
  const tmUser = env.FLOWBOOK_TASKMANAGER_USER
    ? resolveTaskManagerUser(env.FLOWBOOK_TASKMANAGER_USER, path.resolve(env.FLOWBOOK_TASKMANAGER_STATE_DIR || `${stateDir}-taskmanager`))
    : undefined;
  return {
    host: env.HOST ?? '127.0.0.1',
    port,
    token: env.FLOWBOOK_TOKEN || randomBytes(24).toString('hex'),
    metricsToken: env.FLOWBOOK_METRICS_TOKEN || undefined,
    metricsEndedJobGraceMs: positive(env, 'FLOWBOOK_METRICS_ENDED_JOB_GRACE_SECONDS', 300) * 1000,
    notebooksDir: path.resolve(env.FLOWBOOK_NOTEBOOKS ?? path.join(repoRoot, 'notebooks')),
    stateDir,
    webDir: path.resolve(env.FLOWBOOK_WEB_DIR ?? path.join(repoRoot, 'apps/web/dist')),
    // TaskManagers running as another user write checkpoints into their own folder (see taskManagerUser.ts).
    checkpoints: env.FLOWBOOK_CHECKPOINTS || path.join(tmUser?.stateDir ?? stateDir, 'checkpoints'),
    resultPointsPerSeries: env.FLOWBOOK_RESULT_POINTS_PER_SERIES ? Number(env.FLOWBOOK_RESULT_POINTS_PER_SERIES) : 1000,
    secretsFile: path.resolve(env.FLOWBOOK_SECRETS_FILE ?? path.join(path.resolve(env.FLOWBOOK_STATE_DIR ?? path.join(repoRoot, '.flowbook')), 'secrets.json')),
    workerMemoryMb: env.FLOWBOOK_WORKER_MEMORY_MB ? Number(env.FLOWBOOK_WORKER_MEMORY_MB) : 1024,
    workerYoungGenerationMb: youngGenerationMb(env),
    taskManagers: {
      slots: positive(env, 'FLOWBOOK_TASKMANAGER_SLOTS', availableParallelism()),
      max: positive(env, 'FLOWBOOK_TASKMANAGERS_MAX', 4),
      memoryMb: positive(env, 'FLOWBOOK_TASKMANAGER_MEMORY_MB', 1024),
      heartbeatTimeoutMs: positive(env, 'FLOWBOOK_TASKMANAGER_HEARTBEAT_TIMEOUT_MS', 10_000),
      idleMs: positive(env, 'FLOWBOOK_TASKMANAGER_IDLE_MS', 60_000),
      ...(tmUser ? { user: tmUser } : {}),
    },
  };
}

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const v = env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got "${v}"`);
  return n;
}
