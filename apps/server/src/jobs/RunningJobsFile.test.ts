import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { RestartBackoff } from '@flowbook/engine';
import { describe, expect, it } from 'vitest';
import { crashLoopStrategy, RESUMES_AFTER_CRASH_MAX, RunningJobsFile } from './RunningJobsFile.js';

const resumes = (saved: Record<string, unknown> | undefined) => {
  const b = new RestartBackoff(crashLoopStrategy(saved));
  let n = 0;
  while (n < 100 && b.onFailure(Date.now()).restart) n++;
  return n;
};

describe('RunningJobsFile', () => {
  it('keeps failures and the restart strategy, and says whether the last server stopped cleanly', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'flowbook-running-'));
    const f = new RunningJobsFile(dir);
    f.set({ notebook: 'n', cellId: 'c', source: 'x', jobId: 'j', startedAt: 1 });
    f.update({ notebook: 'n', cellId: 'c' }, { failures: [5, 6], restartStrategy: { type: 'none' } });
    expect(new RunningJobsFile(dir).loadState()).toMatchObject({ cleanShutdown: false, jobs: [{ cellId: 'c', failures: [5, 6], restartStrategy: { type: 'none' } }] });
    f.markCleanShutdown();
    expect(new RunningJobsFile(dir).loadState().cleanShutdown).toBe(true);
  });

  it('resumes after crashes as the strategy says, and at most a few times when it has no bound', () => {
    expect(resumes({ type: 'fixed-delay', attempts: 1, delayMs: 0 })).toBe(1);
    expect(resumes({ type: 'none' })).toBe(RESUMES_AFTER_CRASH_MAX);
    expect(resumes(undefined)).toBe(RESUMES_AFTER_CRASH_MAX);
    expect(resumes({ type: 'exponential-delay', initialBackoffMs: 1, maxBackoffMs: 1, backoffMultiplier: 1, resetBackoffThresholdMs: 3_600_000, jitterFactor: 0 })).toBe(RESUMES_AFTER_CRASH_MAX);
  });
});
