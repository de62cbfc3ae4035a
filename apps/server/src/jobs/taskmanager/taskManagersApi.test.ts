import { describe, expect, it } from 'vitest';
import { waitFor } from '../../testing.js';
import { endlessCell, useTaskManagerServer } from './testServer.js';

// One slot per TaskManager and at most two: the third job over-subscribes one of them.
const { server, headers, api, list, runCell } = useTaskManagerServer({
  taskManagers: { slots: 1, max: 2, memoryMb: 512, heartbeatTimeoutMs: 10_000, idleMs: 60_000 },
  notebook: 'tms',
  cells: { a: endlessCell(200), b: endlessCell(200), c: endlessCell(200) },
});

describe('GET /api/v1/taskmanagers', () => {
  it('lists the processes with their slots, memory, CPU and jobs; a job goes where slots are free', async () => {
    const a = await runCell('a');
    const first = await waitFor(list, (l) => l.length === 1 && l[0]!.rssBytes > 0 && l[0]!.jobs.length === 1);
    expect(first[0]).toMatchObject({ id: 'tm-1', slots: 1, slotsUsed: 1, slotsFree: 0, oversubscribed: false, memoryLimitBytes: 512 * 1024 * 1024, jobs: [{ jobId: a, slots: 1 }] });
    expect(first[0]!.pid).not.toBe(process.pid);
    expect((await (await api(`/jobs/${a}`)).json()).taskManager).toBe('tm-1');
    const b = await runCell('b');
    const two = await waitFor(list, (l) => l.length === 2);
    expect(two.find((t) => t.id === 'tm-2')!.jobs.map((j) => j.jobId)).toEqual([b]);
    const c = await runCell('c');
    const over = await waitFor(list, (l) => l.some((t) => t.oversubscribed));
    expect(over).toHaveLength(2);
    expect(over.find((t) => t.oversubscribed)!.jobs.map((j) => j.jobId)).toContain(c);
    // The same figures for Prometheus.
    const metrics = await (await fetch(`${server.origin}/metrics`, { headers })).text();
    expect(metrics).toMatch(/flowbook_taskmanager_slots_used\{taskmanager="tm-1"\} 2/);
    expect(metrics).toMatch(/flowbook_taskmanager_resident_memory_bytes\{taskmanager="tm-1"\} [1-9]/);
    // Without the token: refused like every /api/v1 route.
    expect((await fetch(`${server.origin}/api/v1/taskmanagers`)).status).toBe(401);
  }, 30_000);
});
