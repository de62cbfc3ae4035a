import { describe, expect, it } from 'vitest';
import { waitFor } from '../../testing.js';
import { endlessCell, useTaskManagerServer } from './testServer.js';

const { api, list, runCell } = useTaskManagerServer({
  taskManagers: { slots: 1, max: 2, memoryMb: 512, heartbeatTimeoutMs: 10_000, idleMs: 1000 },
  notebook: 'idle',
  cells: { a: endlessCell(100), b: endlessCell(100) },
});

describe('idle TaskManagers', () => {
  it('an extra TaskManager with no job stops after FLOWBOOK_TASKMANAGER_IDLE_MS; the first one stays', async () => {
    const ids: string[] = [];
    for (const cellId of ['a', 'b']) ids.push(await runCell(cellId));
    await waitFor(list, (l) => l.length === 2 && l.every((t) => t.jobs.length === 1));
    for (const id of ids) await api(`/jobs/${id}/cancel`, { method: 'POST' });
    const left = await waitFor(list, (l) => l.length === 1, 10_000);
    expect(left[0]).toMatchObject({ id: 'tm-1', jobs: [] });
    await new Promise((r) => setTimeout(r, 1500));
    expect((await list()).map((t) => t.id)).toEqual(['tm-1']);
  }, 30_000);
});
