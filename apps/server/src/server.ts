import { createServer, type Server as HttpServer } from 'node:http';
import path from 'node:path';
import type { ServerToClientEvents } from '@flowbook/protocol';
import type { AddressInfo } from 'node:net';
import type { ServerConfig } from './config.js';
import { createApp } from './http/app.js';
import { JobManager } from './jobs/JobManager.js';
import { TaskManagerPool } from './jobs/taskmanager/TaskManagerPool.js';
import { prepareTaskManagerState } from './jobs/taskmanager/taskManagerUser.js';
import { RunningJobsFile } from './jobs/RunningJobsFile.js';
import { SecretsFile } from './jobs/SecretsFile.js';
import { cellOutputsOf } from './jobs/cellOutputs.js';
import { NotebookStore } from './notebooks/NotebookStore.js';
import { attachHandlers, createSocketServer, endRevokedSockets, roomOf, type FlowbookIo } from './socket/sockets.js';
import { LiveNotebooks } from './collab/LiveNotebooks.js';
import { attachCollab, roomEmitter } from './collab/collabSockets.js';
import { createMetrics } from './http/metrics.js';
import { ShareStore } from './auth/ShareStore.js';
import { Sessions } from './auth/Sessions.js';
import { PermissionStore } from './auth/PermissionStore.js';
import { UserStore } from './auth/UserStore.js';
import type { AuthContext } from './auth/identity.js';

export interface FlowbookServer {
  http: HttpServer;
  jobs: JobManager;
  url: string;
  close(): Promise<void>;
}

/** Wires the notebook store, the job manager, HTTP and socket.io, and starts listening. */
export async function startServer(config: ServerConfig): Promise<FlowbookServer> {
  if (config.taskManagers.user) prepareTaskManagerState(config.stateDir, config.taskManagers.user, config.checkpoints);
  const store = new NotebookStore(config.notebooksDir);
  // The job manager broadcasts through socket.io, which needs the HTTP server, which needs the app: wire lazily.
  let io: FlowbookIo | undefined;
  const live = new LiveNotebooks(store, roomEmitter(() => io), { stateDir: path.join(config.stateDir, 'collab') });
  store.live = live;
  const jobs = new JobManager((notebook, event, payload) => {
    io?.to(roomOf(notebook)).emit(event as keyof ServerToClientEvents, payload as never);
  }, { maxOldGenerationSizeMb: config.workerMemoryMb, maxYoungGenerationSizeMb: config.workerYoungGenerationMb }, new RunningJobsFile(config.stateDir), (run) => {
    void store.saveOutputs(run.ref.notebook, run.ref.cellId, cellOutputsOf(run)).catch((e) => console.error(`saving results of ${run.ref.notebook}/${run.ref.cellId}:`, e));
  }, config.notebooksDir, config.checkpoints, new SecretsFile(config.secretsFile), config.resultPointsPerSeries, new TaskManagerPool(config.taskManagers));
  const metrics = createMetrics(jobs, { clients: () => io?.engine.clientsCount ?? 0 }, config.metricsEndedJobGraceMs);
  const auth: AuthContext = {
    token: config.token,
    shares: new ShareStore(config.stateDir),
    sessions: new Sessions(config.stateDir),
    permissions: new PermissionStore(config.stateDir),
    users: new UserStore(config.stateDir),
  };
  const { users } = auth;
  const app = createApp(config, { store, jobs, metrics, auth, users });
  const http = createServer(app);
  io = createSocketServer(http, auth);
  attachHandlers(io, jobs, auth, store);
  attachCollab(io, auth, live);
  const stopRevoking = endRevokedSockets(io, auth);
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(config.port, config.host, () => resolve());
  });
  const resumed = await jobs.resumeRunningJobs();
  if (resumed.length > 0) console.log(`Resumed ${resumed.length} job(s) that were running when the server stopped.`);
  const { port } = http.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return {
    http,
    jobs,
    url: `http://${host}:${port}/?token=${config.token}`,
    async close() {
      stopRevoking();
      // Co-edited notebooks are written before anything else stops (the file is the server's to write).
      await live.closeAll();
      await jobs.shutdown();
      await new Promise<void>((resolve) => io!.close(() => resolve()));
    },
  };
}
