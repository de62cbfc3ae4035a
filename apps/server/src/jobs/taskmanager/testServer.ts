import type { TaskManagerInfo } from '@flowbook/protocol';
import { beforeAll } from 'vitest';
import type { ServerConfig } from '../../config.js';
import { useTestServer } from '../../testing.js';

/** A cell that runs until cancelled: sales lines at `ratePerSecond` into a live sink. */
export const endlessCell = (ratePerSecond: number): string => `import { StreamExecutionEnvironment, SalesGenerator, WatermarkStrategy, LiveSink } from '@flowbook/engine';
const env = StreamExecutionEnvironment.getExecutionEnvironment();
env.fromSource(new SalesGenerator({ ratePerSecond: ${ratePerSecond} }), WatermarkStrategy.noWatermarks<string>(), 'sales').sinkTo(new LiveSink('out'));
await env.execute('endless');`;

/**
 * The set-up the TaskManager tests share: a test server for the file (with these TaskManager options), a notebook
 * saved on it with the given code cells, and helpers for the REST API (token auth), the TaskManagers list and
 * running a cell as a job.
 */
export function useTaskManagerServer(options: { taskManagers?: ServerConfig['taskManagers']; notebook: string; cells: Record<string, string> }) {
  const server = useTestServer(options.taskManagers !== undefined ? { taskManagers: options.taskManagers } : {});
  const headers = { authorization: 'token test-token', 'content-type': 'application/json' };
  const api = (p: string, init: RequestInit = {}) => fetch(`${server.origin}/api/v1${p}`, { ...init, headers });
  beforeAll(async () => {
    const cells = Object.entries(options.cells).map(([id, source]) => ({ id, type: 'code', source, charts: {} }));
    await fetch(`${server.origin}/api/notebooks/${options.notebook}`, { method: 'PUT', headers, body: JSON.stringify({ version: 1, title: options.notebook, cells }) });
  });
  return {
    server,
    headers,
    api,
    /** The TaskManagers as GET /api/v1/taskmanagers lists them. */
    list: async () => ((await (await api('/taskmanagers')).json()) as { taskManagers: TaskManagerInfo[] }).taskManagers,
    /** Starts a cell of the notebook as a job; its id. */
    runCell: async (cellId: string) => ((await (await api('/jobs', { method: 'POST', body: JSON.stringify({ notebook: options.notebook, cellId }) })).json()) as { jobId: string }).jobId,
  };
}
