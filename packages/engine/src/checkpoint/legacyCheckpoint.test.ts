// A checkpoint written by the first checkpoint format (JobSnapshot 1, keyed state as rows, state.json), checked in
// under fixtures/v1 (see fixtures/generateLegacyCheckpoint.ts), restored by today's code.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { JobSnapshot } from '../runtime/Job.js';
import { FsCheckpointStorage } from './CheckpointStorage.js';
import { LEGACY_START_TIME, LEGACY_TTL_MS, runLegacyJob } from './fixtures/legacyPipeline.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/v1');
const SINKS = ['tumbling', 'sessions', 'counted', 'profiles'];

const readLegacy = () => new FsCheckpointStorage(FIXTURES, 3, (w) => expect.fail(w)).latest();
const counts = (out: Map<string, string[]>) => new Map(SINKS.map((s) => [s, out.get(s)?.length ?? 0]));
const sorted = (xs: string[] | undefined) => [...(xs ?? [])].sort();

/** What a run that never stopped emits after the checkpoint, per sink (order within a sink aside). */
async function expectedAfterCheckpoint(): Promise<Map<string, string[]>> {
  let at = new Map<string, number>();
  const full = await runLegacyJob({ atCheckpoint: (_job, out) => (at = counts(out)) });
  return new Map(SINKS.map((s) => [s, sorted(full.get(s)?.slice(at.get(s)))]));
}

describe('checkpoints of format 1', () => {
  it('restore: windows on the fast paths and the generic path, value/list/map state with TTL, and timers go on as before', async () => {
    const legacy = (await readLegacy())!;
    expect(legacy.formatVersion).toBe(1);
    const window = legacy.operators['window-3#0'] as { keyed: { formatVersion: number }; timers: { eventTime: unknown[] } };
    expect(window.keyed.formatVersion).toBe(1);
    expect(window.timers.eventTime.length).toBeGreaterThan(0);

    const expected = await expectedAfterCheckpoint();
    const restored = await runLegacyJob({ restoreFrom: legacy });
    for (const sink of SINKS) expect(sorted(restored.get(sink)), sink).toEqual(expected.get(sink));
    expect(expected.get('counted')!.length).toBeGreaterThan(0);
  });

  it('a job restored from format 1 writes format 2, which restores to the same results', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'flowbook-legacy-'));
    let written: Promise<unknown> | undefined;
    let at = new Map<string, number>();
    const first = await runLegacyJob({
      restoreFrom: (await readLegacy())!,
      atCheckpoint: (job, out) => {
        at = counts(out);
        written = new FsCheckpointStorage(dir).write(job.snapshot(2));
      },
    });
    await written;
    const v2 = (await new FsCheckpointStorage(dir).latest()) as JobSnapshot;
    expect(v2.formatVersion).toBe(2);
    expect((v2.operators['keyedProcess-9#0'] as { keyed: { formatVersion: number } }).keyed.formatVersion).toBe(2);
    const second = await runLegacyJob({ restoreFrom: v2 });
    for (const sink of SINKS) expect(sorted(second.get(sink)), sink).toEqual(sorted(first.get(sink)?.slice(at.get(sink))));
  });

  it('keeps TTL last-access times: restored later than the TTL, value and map state with TTL have expired, list state has not', async () => {
    const legacy = (await readLegacy())!;
    const late = await runLegacyJob({ restoreFrom: legacy, clockAt: LEGACY_START_TIME + 200 + LEGACY_TTL_MS });
    const onTime = await runLegacyJob({ restoreFrom: legacy });
    const firstOf = (out: Map<string, string[]>, user: string) => out.get('profiles')!.find((l) => l.startsWith(`${user} #`))!;
    // user-3 had state before the checkpoint: on time its count goes on; late, count and sums start again.
    expect(firstOf(onTime, 'user-3')).toMatch(/^user-3 #(\d{2,}) /);
    const [, recentOnTime] = /recent=([\d,]+)/.exec(firstOf(onTime, 'user-3'))!;
    const lateLine = firstOf(late, 'user-3');
    expect(lateLine).toMatch(/^user-3 #1 recent=/);
    // The list state (no TTL) still holds the values from before the checkpoint.
    expect(/recent=([\d,]+)/.exec(lateLine)![1]).toBe(recentOnTime);
    const n = Number(recentOnTime!.split(',').at(-1));
    expect(lateLine).toContain(n % 2 === 0 ? `even=${n} odd=0` : `even=0 odd=${n}`);
    // Windows hold no TTL state: their results do not change.
    for (const sink of ['tumbling', 'sessions', 'counted']) expect(sorted(late.get(sink)), sink).toEqual(sorted(onTime.get(sink)));
  });
});
