import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import '../connectors/index.js';
import { CheckpointCoordinator } from '../checkpoint/CheckpointCoordinator.js';
import { FsCheckpointStorage } from '../checkpoint/CheckpointStorage.js';
import type { SourceContext, SourceFunction } from '../connectors/SourceFunction.js';
import { Job, type JobSnapshot } from '../runtime/Job.js';
import { WatermarkStrategy, type WatermarkGenerator, type WatermarkOutput } from '../time/WatermarkStrategy.js';
import { TumblingEventTimeWindows } from '../windows/assigners/TumblingWindows.js';
import { StreamExecutionEnvironment } from './StreamExecutionEnvironment.js';
import type { Collector } from './functions.js';

interface Reading {
  sensor: string;
  value: number;
  ts: number;
}

/** A Flink-style SourceFunction: emits with timestamps and its own watermarks, checkpoints its position. */
class Readings implements SourceFunction<Reading> {
  running = true;
  next = 0;
  constructor(
    readonly count: number,
    readonly pauseMs = 0,
    readonly watermarks = true,
  ) {}
  async run(ctx: SourceContext<Reading>): Promise<void> {
    while (this.running && this.next < this.count) {
      const i = this.next++;
      ctx.collectWithTimestamp({ sensor: `s${i % 3}`, value: i, ts: i * 100 }, i * 100);
      if (this.watermarks && i % 10 === 9) ctx.emitWatermark(i * 100);
      if (this.pauseMs > 0) await ctx.sleep(this.pauseMs);
      else if (i % 50 === 49) await ctx.yield();
    }
  }
  cancel(): void {
    this.running = false;
  }
  snapshotState(): number {
    return this.next;
  }
  restoreState(state: unknown): void {
    this.next = state as number;
  }
}

const sumPerSecond = (env: StreamExecutionEnvironment, source: SourceFunction<Reading>) =>
  env
    .addSource(source, 'readings')
    .keyBy((r) => r.sensor)
    .window(TumblingEventTimeWindows.of(1000))
    .aggregate(
      { createAccumulator: () => 0, add: (r: Reading, acc: number) => acc + r.value, getResult: (acc: number) => acc },
      {
        process(key, ctx, [sum], out: Collector<string>) {
          out.collect(`${key}@${ctx.window.start}=${sum}`);
        },
      },
    );

/** What the windows must hold for readings 0..n-1. */
function expected(n: number): string[] {
  const sums = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const k = `s${i % 3}@${Math.floor((i * 100) / 1000) * 1000}`;
    sums.set(k, (sums.get(k) ?? 0) + i);
  }
  return [...sums].map(([k, v]) => `${k}=${v}`).sort();
}

describe('env.addSource(SourceFunction)', () => {
  it('runs an inline source whose timestamps and watermarks drive event-time windows', async () => {
    const env = new StreamExecutionEnvironment();
    const out = await sumPerSecond(env, new Readings(95)).executeAndCollect();
    expect(out.sort()).toEqual(expected(95));
    expect(env.getPipeline().nodes[0]).toMatchObject({ type: 'source', name: 'readings', config: { connector: 'function' } });
  });

  it('fails with a clear error when the object is not a SourceFunction', async () => {
    const env = new StreamExecutionEnvironment();
    const bad = { run: async () => {} } as unknown as SourceFunction<number>;
    await expect(env.addSource(bad).executeAndCollect()).rejects.toThrow(/addSource: expected a SourceFunction/);
  });

  it('is checkpointed with the rest of the job: a job restored midway ends with the results of a run without failure', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'flowbook-addsource-'));
    const storage = new FsCheckpointStorage(dir, 2);
    const graphOf = (count: number, pauseMs: number) => {
      const env = new StreamExecutionEnvironment();
      sumPerSecond(env, new Readings(count, pauseMs)).sinkTo({ connector: 'collect', config: { name: 'out' } });
      return env.getPipeline('readings');
    };
    const first: string[] = [];
    const job = new Job(graphOf(300, 2), { services: { collect: (_s: string, v: unknown) => first.push(v as string) } });
    const coordinator = new CheckpointCoordinator(job, storage, { intervalMs: 40 });
    coordinator.start();
    const running = job.run();
    await new Promise((r) => setTimeout(r, 300));
    job.cancel();
    await running;
    await coordinator.stop();
    expect(coordinator.history.filter((h) => h.status === 'completed').length).toBeGreaterThanOrEqual(1);
    const latest = (await storage.latest()) as JobSnapshot;
    expect(first.length).toBeLessThan(expected(300).length);

    const second: string[] = [];
    const restored = new Job(graphOf(300, 0), { services: { collect: (_s: string, v: unknown) => second.push(v as string) }, restoreFrom: latest });
    await restored.run();
    // The source resumed at its checkpointed position (it did not emit everything again) and the windows from their
    // state: every window's sum is right, none is lost. A window may fire in both runs if it fired after the checkpoint.
    expect(second.length).toBeLessThan(expected(300).length);
    expect([...new Set([...first, ...second])].sort()).toEqual(expected(300));
  }, 60_000);
});

describe('WatermarkStrategy.forGenerator', () => {
  /** A punctuated generator: a watermark at every event whose value is a multiple of 10; nothing periodic. */
  class Punctuated implements WatermarkGenerator<Reading> {
    periodicCalls = 0;
    onEvent(event: Reading, ts: number, output: WatermarkOutput): void {
      if (event.value % 10 === 0) output.emitWatermark(ts - 1);
    }
    onPeriodicEmit(): void {
      this.periodicCalls++;
    }
  }

  it('emits the watermarks of a custom WatermarkGenerator from onEvent', async () => {
    const env = new StreamExecutionEnvironment();
    const readings = Array.from({ length: 25 }, (_, i) => ({ sensor: 'a', value: i, ts: i * 100 }));
    const seen: number[] = [];
    const out = await env
      .fromCollection(readings)
      .assignTimestampsAndWatermarks(WatermarkStrategy.forGenerator<Reading>(() => new Punctuated()).withTimestampAssigner((r) => r.ts))
      .process({
        processElement(r: Reading, ctx, o: Collector<string>) {
          seen.push(ctx.timerService().currentWatermark());
          o.collect(`${r.value}`);
        },
      })
      .executeAndCollect();
    expect(out).toHaveLength(25);
    // onEvent runs before the record goes on: record 10 already sees the watermark 999 its punctuation emitted.
    expect([seen[0], seen[9], seen[10], seen[19], seen[20], seen[24]]).toEqual([-1, -1, 999, 999, 1999, 1999]);
  });

  it('calls onPeriodicEmit every autoWatermarkInterval and fires windows with its watermarks', async () => {
    const env = new StreamExecutionEnvironment();
    env.getConfig().setAutoWatermarkInterval(10);
    let periodic = 0;
    let processingTime: unknown;
    const strategy = WatermarkStrategy.forGenerator<Reading>((ctx) => {
      processingTime = ctx.getCurrentProcessingTime();
      let max = -Infinity;
      return {
        onEvent: (_e, ts) => {
          max = Math.max(max, ts);
        },
        onPeriodicEmit: (output) => {
          periodic++;
          if (max > -Infinity) output.emitWatermark(max - 1);
        },
      };
    });
    const fired: { at: number; window: string }[] = [];
    const started = Date.now();
    await env
      .addSource(new Readings(60, 3, false))
      .assignTimestampsAndWatermarks(strategy)
      .windowAll(TumblingEventTimeWindows.of(1000))
      .process({
        process(ctx, elements, out: Collector<string>) {
          fired.push({ at: Date.now() - started, window: `${ctx.window.start}:${elements.length}` });
          out.collect('');
        },
      })
      .executeAndCollect();
    expect(typeof processingTime).toBe('number');
    expect(periodic).toBeGreaterThan(1);
    expect(fired.map((f) => f.window)).toEqual(['0:10', '1000:10', '2000:10', '3000:10', '4000:10', '5000:10']);
    // Windows fired while the source ran (periodic watermarks), not all at the end of input.
    expect(fired[0]!.at).toBeLessThan(fired.at(-1)!.at);
  });
});
