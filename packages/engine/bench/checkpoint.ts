// `npm run bench` (checkpoint part): a keyed window job holding 1 M keys, with a checkpoint every second versus none,
// alternating in the same run (medians of 3 rounds); checkpoint duration and size; the time to restore the 1 M keys
// from the last checkpoint; the synchronous snapshot of the 1 M keys (the pause a checkpoint makes in the job).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { CheckpointCoordinator, FsCheckpointStorage, Job, registerConnector, StreamExecutionEnvironment, TumblingEventTimeWindows, WatermarkStrategy, type PipelineGraph } from '../src/index.js';

const KEYS = Number(process.env.CHECKPOINT_BENCH_KEYS ?? 1_000_000);
/** Enough events that a run lasts several seconds and takes several checkpoints. */
const EVENTS = KEYS * Number(process.env.CHECKPOINT_BENCH_EVENTS_PER_KEY ?? 20);
const ROUNDS = Number(process.env.CHECKPOINT_BENCH_ROUNDS ?? 3);

/** The numbers 0..events−1 (event time: one ms per 1000), resettable: its position is in every checkpoint. */
registerConnector({
  name: 'bench-sequence',
  description: 'numbers for the checkpoint benchmark',
  configSchema: z.object({ events: z.number() }),
  createSource: ({ events }) => {
    let next = 0;
    let running = true;
    return {
      async run(ctx) {
        while (next < events && running) {
          const end = Math.min(events, next + 8192);
          for (; next < end; next++) ctx.collectWithTimestamp(next, Math.floor(next / 1000));
          await ctx.yield();
        }
      },
      cancel() {
        running = false;
      },
      snapshotState: () => ({ next }),
      restoreState(s) {
        next = (s as { next: number }).next;
      },
    };
  },
});

/** Every key gets its events in one long event-time window, so all keys are live state until the end. */
function graph(): PipelineGraph {
  const env = new StreamExecutionEnvironment();
  env
    .fromSource({ connector: 'bench-sequence', config: { events: EVENTS } }, WatermarkStrategy.forMonotonousTimestamps<number>(), 'sequence')
    .keyBy((x) => x % KEYS)
    .window(TumblingEventTimeWindows.of(3_600_000))
    .aggregate({ createAccumulator: () => 0, add: (_x: number, n: number) => n + 1, getResult: (n: number) => n, merge: (a: number, b: number) => a + b })
    .sinkTo({ connector: 'collect', config: { name: 'out' } });
  return env.getPipeline('checkpoint bench');
}

async function runOnce(checkpointDir?: string): Promise<{ eventsPerSec: number; checkpoints: { durationMs: number; sizeBytes: number }[] }> {
  let results = 0;
  const job = new Job(graph(), { services: { collect: () => results++ } });
  const coordinator = checkpointDir ? new CheckpointCoordinator(job, new FsCheckpointStorage(checkpointDir, 1, () => {}), { intervalMs: 1000 }) : undefined;
  coordinator?.start();
  const started = performance.now();
  await job.run();
  const ms = performance.now() - started;
  // The last checkpoint may still be writing when the input ends: wait for it so its duration is reported.
  await coordinator?.stop();
  if (results !== KEYS) throw new Error(`expected ${KEYS} window results, got ${results}`);
  return { eventsPerSec: (EVENTS / ms) * 1000, checkpoints: (coordinator?.history ?? []).filter((h) => h.status === 'completed') };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const dir = mkdtempSync(path.join(tmpdir(), 'flowbook-chk-bench-'));
try {
  await runOnce(); // warm-up
  const plain: number[] = [];
  const checkpointed: number[] = [];
  const checkpoints: { durationMs: number; sizeBytes: number }[] = [];
  // Alternating, so a noisy neighbour slows both kinds of run alike.
  for (let r = 0; r < ROUNDS; r++) {
    plain.push((await runOnce()).eventsPerSec);
    const c = await runOnce(dir);
    checkpointed.push(c.eventsPerSec);
    checkpoints.push(...c.checkpoints);
  }
  const base = median(plain);
  const withChk = median(checkpointed);
  const last = checkpoints.at(-1);

  // Restore: read the newest checkpoint and start a job from it (the source resumes where it was; keyed state is back).
  const t0 = performance.now();
  const snapshot = await new FsCheckpointStorage(dir, 1, () => {}).latest();
  const read = performance.now() - t0;
  const job = new Job(graph(), { services: { collect: () => {} }, restoreFrom: snapshot! });
  const t1 = performance.now();
  const running = job.run(); // opens and restores synchronously, then the source starts
  const restored = read + (performance.now() - t1);
  // The synchronous part of a checkpoint (the job's only pause): snapshotting the restored keys into columns.
  const t2 = performance.now();
  job.snapshot(0);
  const pause = performance.now() - t2;
  job.cancel();
  await running;

  console.table([
    {
      keys: KEYS,
      'events per run': EVENTS,
      'no checkpoints (events/s, median)': Math.round(base),
      'checkpoint every 1 s (events/s, median)': Math.round(withChk),
      overhead: `${(((base - withChk) / base) * 100).toFixed(1)} %`,
      'checkpoints per run': Math.round(checkpoints.length / ROUNDS),
      'checkpoint (ms, median)': checkpoints.length > 0 ? median(checkpoints.map((c) => c.durationMs)) : '—',
      'checkpoint size (MiB)': last ? +(last.sizeBytes / 2 ** 20).toFixed(1) : '—',
      'snapshot pause (ms)': Math.round(pause),
      'restore: read (ms)': Math.round(read),
      'restore: read + state back (ms)': Math.round(restored),
    },
  ]);
  console.log(`rounds: no checkpoints ${plain.map((x) => Math.round(x)).join(', ')}; with ${checkpointed.map((x) => Math.round(x)).join(', ')} events/s`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
