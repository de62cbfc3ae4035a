// `npm run bench` (checkpoint part): a keyed window job holding 1 M keys, with a checkpoint every second versus none,
// in the same run; checkpoint duration and size; the time to restore the 1 M keys from the last checkpoint; the
// synchronous snapshot of the 1 M keys (the pause a checkpoint makes in the job).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CheckpointCoordinator, FsCheckpointStorage, Job, StreamExecutionEnvironment, TumblingEventTimeWindows, WatermarkStrategy, type PipelineGraph } from '../src/index.js';

const KEYS = Number(process.env.CHECKPOINT_BENCH_KEYS ?? 1_000_000);
const EVENTS = KEYS * 5;

/** Every key gets 5 events in one long event-time window, so all keys are live state until the end. */
function graph(): PipelineGraph {
  const env = new StreamExecutionEnvironment();
  env
    .fromSequence(0, EVENTS - 1)
    .assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<number>().withTimestampAssigner((x) => Math.floor(x / 1000)))
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

const dir = mkdtempSync(path.join(tmpdir(), 'flowbook-chk-bench-'));
try {
  await runOnce(); // warm-up
  const plain = await runOnce();
  const withChk = await runOnce(dir);
  const plain2 = await runOnce();
  const base = Math.max(plain.eventsPerSec, plain2.eventsPerSec);
  const last = withChk.checkpoints.at(-1);

  // Restore: read the newest checkpoint and start a job from it (the source resumes where it was; keyed state is back).
  // The job's graph is built outside the timing: this bench's source carries its 5 M input elements in the graph.
  const t0 = performance.now();
  const snapshot = await new FsCheckpointStorage(dir, 1, () => {}).latest();
  const read = performance.now() - t0;
  const job = new Job(graph(), { services: { collect: () => {} }, restoreFrom: snapshot! });
  const t1 = performance.now();
  const running = job.run(); // opens and restores synchronously, then the source starts
  const restored = read + (performance.now() - t1);
  // The synchronous part of a checkpoint (the job's only pause): snapshotting the 1 M restored keys into columns.
  const t2 = performance.now();
  job.snapshot(0);
  const pause = performance.now() - t2;
  job.cancel();
  await running;

  console.table([
    {
      keys: KEYS,
      events: EVENTS,
      'no checkpoints (events/s)': Math.round(base),
      'checkpoint every 1 s (events/s)': Math.round(withChk.eventsPerSec),
      overhead: `${(((base - withChk.eventsPerSec) / base) * 100).toFixed(1)} %`,
      checkpoints: withChk.checkpoints.length,
      'last checkpoint (ms)': last?.durationMs ?? '—',
      'last checkpoint size (MiB)': last ? +(last.sizeBytes / 2 ** 20).toFixed(1) : '—',
      'snapshot pause (ms)': Math.round(pause),
      'restore: read (ms)': Math.round(read),
      'restore: read + state back (ms)': Math.round(restored),
    },
  ]);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
