// @vitest-environment jsdom
import '../testing/jsdom.js';
import type { JobDetail } from '@flowbook/protocol';
import { act, cleanup, fireEvent, render, renderHook, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { JobActions } from './JobActions.js';
import { JobCheckpoints } from './JobCheckpoints.js';
import { JobExceptions } from './JobExceptions.js';
import { JobOperators } from './JobOperators.js';
import { WorkersTables } from './JobWorkers.js';
import { useJobActions, type JobActions as Actions } from './useJobActions.js';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const job = (over: Partial<JobDetail> = {}): JobDetail => ({
  jobId: 'j1',
  name: 'job',
  kind: 'cell',
  notebook: 'nb',
  cellId: 'c',
  status: 'running',
  startedAt: 0,
  durationMs: 1000,
  recordsIn: 0,
  recordsOut: 0,
  lateRecordsDropped: 0,
  deadLetters: 0,
  restarts: 0,
  operators: [],
  logs: [],
  timeline: [],
  resumed: false,
  exceptions: [],
  ...over,
});

const noActions: Actions = { cancel: vi.fn(async () => {}), takeSavepoint: vi.fn(async () => {}), restart: vi.fn(async () => {}), joinScaleOut: vi.fn(async () => {}) };

/** fetch answering every call with `body` and `status`, recording what was asked. */
function stubFetch(status: number, body: unknown) {
  const calls: { url: string; body?: unknown }[] = [];
  vi.stubGlobal('fetch', async (url: string, init?: RequestInit) => {
    calls.push({ url, ...(init?.body ? { body: JSON.parse(String(init.body)) } : {}) });
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  });
  return calls;
}

describe('useJobActions', () => {
  it('takes a savepoint and keeps where it went; stopping refreshes the job', async () => {
    const calls = stubFetch(200, { path: '/sp/1' });
    const refresh = vi.fn();
    const { result } = renderHook(() => useJobActions('j1', refresh, () => {}));
    await act(() => result.current.takeSavepoint(false));
    expect(result.current.savepoint).toBe('/sp/1');
    expect(refresh).not.toHaveBeenCalled();
    await act(() => result.current.takeSavepoint(true, true));
    expect(refresh).toHaveBeenCalledOnce();
    expect(calls.map((c) => c.body)).toEqual([
      { stop: false, drain: false },
      { stop: true, drain: true },
    ]);
  });

  it("keeps the server's error, and opens the new job after a restart", async () => {
    stubFetch(409, { error: 'job is not running' });
    const { result } = renderHook(() => useJobActions('j1', () => {}, () => {}));
    await act(() => result.current.cancel());
    expect(result.current.error).toBe('job is not running');
    stubFetch(201, { jobId: 'j2' });
    const navigate = vi.fn();
    const { result: r2 } = renderHook(() => useJobActions('j1', () => {}, navigate));
    await act(() => r2.current.restart('chk-3'));
    expect(navigate).toHaveBeenCalledWith('/jobs/j2');
    expect(r2.current.error).toBeUndefined();
  });
});

describe('scale-out workers', () => {
  it("runs an ended cell job's cell as a worker of the named scale-out job, and opens the new job", async () => {
    render(<JobActions job={job({ status: 'finished' })} actions={noActions} restorePoints={[]} />);
    const join = screen.getByTestId('job-scale-out-join') as HTMLButtonElement;
    expect(join.disabled).toBe(true);
    fireEvent.change(screen.getByTestId('job-scale-out-name'), { target: { value: 'orders' } });
    fireEvent.click(join);
    expect(noActions.joinScaleOut).toHaveBeenCalledWith('nb', 'c', 'orders');
    const calls = stubFetch(201, { jobId: 'j9' });
    const navigate = vi.fn();
    const { result } = renderHook(() => useJobActions('j1', () => {}, navigate));
    await act(() => result.current.joinScaleOut('nb', 'c', 'orders'));
    expect(calls).toEqual([{ url: '/api/v1/jobs', body: { notebook: 'nb', cellId: 'c', scaleOutJob: 'orders' } }]);
    expect(navigate).toHaveBeenCalledWith('/jobs/j9');
  });

  it('lists each worker with its partitions and their key groups, and each partition with its owner and checkpoint', () => {
    render(
      <WorkersTables
        workers={{
          job: 'orders',
          group: 'flowbook-orders',
          topic: 'events',
          state: 'Stable',
          rebalances: [],
          workers: [
            { memberId: 'member-111111', clientId: 'worker-a', clientHost: '/10.0.0.1', partitions: [0, 1], self: true },
            { memberId: 'member-222222', clientId: 'worker-b', clientHost: '/10.0.0.2', partitions: [2], self: false },
          ],
          partitions: [
            { partition: 0, keyGroups: { start: 0, end: 42 }, owner: 'member-111111', checkpoint: { id: 7, timestamp: 0 } },
            { partition: 1, keyGroups: { start: 43, end: 85 }, owner: 'member-111111', checkpoint: null },
            { partition: 2, keyGroups: { start: 86, end: 127 }, owner: 'member-222222', checkpoint: { id: 6, timestamp: 0 } },
          ],
        }}
      />,
    );
    const rows = screen.getAllByTestId('job-worker').map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent));
    expect(rows).toEqual([
      ['worker-a …111111 (this server)', '/10.0.0.1', '0, 1', '0–42, 43–85'],
      ['worker-b …222222 ', '/10.0.0.2', '2', '86–127'],
    ]);
    const partitions = [...screen.getByTestId('job-worker-partitions-table').querySelectorAll('tbody tr')].map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent));
    expect(partitions.map((p) => p.slice(0, 3))).toEqual([
      ['0', '0–42', 'worker-a …111111'],
      ['1', '43–85', 'worker-a …111111'],
      ['2', '86–127', 'worker-b …222222'],
    ]);
    expect(partitions[1]![3]).toBe('none yet');
    expect(partitions[0]![3]).toMatch(/^7 at /);
  });
});

describe('job page sections', () => {
  it('offers cancel while running (asked first), savepoints only with checkpoints', () => {
    const { rerender } = render(<JobActions job={job()} actions={noActions} restorePoints={[]} />);
    fireEvent.click(screen.getByTestId('job-cancel'));
    expect(noActions.cancel).not.toHaveBeenCalled();
    fireEvent.click(screen.getByTestId('job-cancel-keep'));
    expect(noActions.cancel).not.toHaveBeenCalled();
    fireEvent.click(screen.getByTestId('job-cancel'));
    fireEvent.click(screen.getByTestId('job-cancel-confirm'));
    expect(noActions.cancel).toHaveBeenCalled();
    expect(screen.queryByTestId('job-savepoint')).toBeNull();
    rerender(<JobActions job={job({ checkpoints: { history: [], declined: 0 } })} actions={noActions} restorePoints={[]} />);
    fireEvent.click(screen.getByTestId('job-drain-savepoint'));
    expect(noActions.takeSavepoint).toHaveBeenCalledWith(true, true);
  });

  it('restarts an ended cell job from the chosen restore point', () => {
    render(
      <JobActions
        job={job({ status: 'finished' })}
        actions={{ ...noActions, savepoint: '/sp/9', error: 'oops' }}
        restorePoints={[{ kind: 'savepoint', name: 'savepoint-9', id: 9, timestamp: 0, sizeBytes: 2048 }]}
      />,
    );
    expect(screen.queryByTestId('job-cancel')).toBeNull();
    fireEvent.change(screen.getByTestId('job-restart-from'), { target: { value: 'savepoint-9' } });
    fireEvent.click(screen.getByTestId('job-restart'));
    expect(noActions.restart).toHaveBeenCalledWith('savepoint-9');
    expect(screen.getByTestId('job-savepoint-path').textContent).toContain('/sp/9');
    expect(screen.getByText('oops')).toBeTruthy();
  });

  it('restarts a job stopped with a savepoint from that savepoint unless another is picked', () => {
    const restart = vi.fn(async () => {});
    const points = [
      { kind: 'checkpoint' as const, name: 'chk-12', id: 12, timestamp: 2, sizeBytes: 10 },
      { kind: 'savepoint' as const, name: 'savepoint-11-1', id: 11, timestamp: 1, sizeBytes: 10 },
    ];
    render(<JobActions job={job({ status: 'finished', stoppedWithSavepoint: 'savepoint-11-1' })} actions={{ ...noActions, restart }} restorePoints={points} />);
    expect((screen.getByTestId('job-restart-from') as HTMLSelectElement).value).toBe('savepoint-11-1');
    fireEvent.click(screen.getByTestId('job-restart'));
    expect(restart).toHaveBeenCalledWith('savepoint-11-1');
  });

  it('folds internal stack frames and keeps the cell frames', () => {
    render(<JobExceptions exceptions={[{ at: 0, attempt: 0, message: 'x', stack: 'Error: x\n    at f (cell.ts:3:1)\n    at g (file:///w/worker.js:1:1)\n    at h (node:internal/x:1:1)' }]} />);
    const stack = screen.getByTestId('job-stack');
    expect(stack.querySelector('.stack-user')!.textContent).toContain('cell.ts:3');
    expect(stack.querySelector('.stack-internal summary')!.textContent).toBe('2 internal frames');
  });

  it('lists exceptions newest first, checkpoints newest first, and every operator', () => {
    render(
      <>
        <JobExceptions
          exceptions={[
            { at: 0, attempt: 1, message: 'first', line: 2 },
            { at: 1, attempt: 2, message: 'second' },
          ]}
        />
        <JobCheckpoints
          checkpoints={{
            history: [
              { id: 1, status: 'completed', triggeredAt: 0, durationMs: 5, sizeBytes: 1024 },
              { id: 2, status: 'failed', triggeredAt: 1, durationMs: 7, sizeBytes: 0, error: 'disk full' },
            ],
            declined: 1,
          }}
        />
        <JobOperators operators={[{ nodeId: 'n', type: 'map', name: 'double', parallelism: 2, recordsIn: 10, recordsOut: 10, lateRecordsDropped: 0, deadLetters: 1, watermark: null, stateEntries: 0 }]} />
      </>,
    );
    const summaries = [...screen.getByTestId('job-exceptions').querySelectorAll('summary')].map((s) => s.textContent);
    expect(summaries[0]).toContain('second');
    expect(summaries[1]).toContain('first (cell line 2)');
    const rows = [...screen.getByTestId('job-checkpoints').querySelectorAll('tbody tr')].map((r) => r.firstElementChild!.textContent);
    expect(rows).toEqual(['2', '1']);
    expect(screen.getByText(/1 completed, 1 declined/)).toBeTruthy();
    expect(screen.getByTestId('job-operators').querySelector('tbody tr')!.textContent).toContain('double');
    expect(screen.getByText('×2')).toBeTruthy();
  });
});
