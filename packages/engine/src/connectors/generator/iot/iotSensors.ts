import { z } from 'zod';
import type { ConnectorDefinition, ConnectorSpec } from '../../registry.js';
import { SourceBatch } from '../../SourceBatch.js';
import type { SourceContext, SourceFunction } from '../../SourceFunction.js';
import { IotSensorGenerator, type IotGeneratorSnapshot, type IotReading } from './IotSensorGenerator.js';

export const IotSensorsConfig = z
  .object({
    seed: z.number().int().default(42),
    sensors: z.number().int().min(1).max(100_000).default(10),
    sites: z.number().int().min(1).max(1000).default(3),
    eventsPerSecond: z.number().positive().default(10).describe('Readings per second of event time, over all sensors'),
    ratePerSecond: z.number().nonnegative().optional().describe('Wall-clock rate limit; defaults to eventsPerSecond (real time); 0 = as fast as possible'),
    startTime: z
      .union([z.number().int(), z.literal('now')])
      .default(1_700_000_000_000)
      .describe("Event time of the first reading: epoch ms, or 'now' (fixed at the first start and kept in checkpoints)"),
    outOfOrderFraction: z.number().min(0).max(1).default(0).describe('Share of readings older than the newest so far, by at most maxOutOfOrdernessMs'),
    maxOutOfOrdernessMs: z.number().int().nonnegative().default(2000),
    lateFraction: z.number().min(0).max(1).default(0).describe('Share of readings older than newest − maxOutOfOrdernessMs: late for a watermark with that bound'),
    maxLatenessMs: z.number().int().positive().default(60_000).describe('Late readings lie up to this far beyond maxOutOfOrdernessMs'),
    malformedFraction: z.number().min(0).max(1).default(0).describe('Share of readings whose temperature is null or an error string'),
    count: z.number().int().positive().optional().describe('Stop after this many readings (bounded); omit for an endless stream'),
  })
  .refine((c) => c.outOfOrderFraction + c.lateFraction <= 1, { message: 'outOfOrderFraction + lateFraction must be <= 1', path: ['lateFraction'] })
  .refine((c) => c.outOfOrderFraction === 0 || c.maxOutOfOrdernessMs >= 1, { message: 'out-of-order readings need maxOutOfOrdernessMs >= 1', path: ['maxOutOfOrdernessMs'] });
export type IotSensorsConfig = z.input<typeof IotSensorsConfig>;

/** Snapshot of the source: the generator's state; before the first run, what was restored (or nothing). */
type SourceState = IotGeneratorSnapshot;

/**
 * The `iot-sensors` source: emits IotSensorGenerator readings with their event timestamps, throttled to
 * ratePerSecond of wall-clock time (as the sales and nexmark generators). Its whole state is checkpointed, so a job
 * restored from a checkpoint emits exactly the readings a failure-free run would have. In parallel, each subtask emits
 * its share of the readings (see run); its state is its generator's, so it restores at the same parallelism only.
 * With startTime 'now' each subtask fixes the time when it starts (subtasks in other slots start a few ms apart).
 */
export class IotSensorsSource implements SourceFunction<IotReading> {
  private running = true;
  private gen: IotSensorGenerator | undefined;
  private restored: SourceState | undefined;
  private readonly c: z.output<typeof IotSensorsConfig>;

  constructor(config: IotSensorsConfig) {
    this.c = IotSensorsConfig.parse(config);
  }

  async run(ctx: SourceContext<IotReading>): Promise<void> {
    const c = this.c;
    // 'now' is resolved once; after a restore the checkpointed start keeps the sequence identical.
    const startTime = this.restored?.startTime ?? (c.startTime === 'now' ? ctx.getCurrentProcessingTime() : c.startTime);
    const gen = new IotSensorGenerator({ ...c, startTime });
    if (this.restored) gen.restore(this.restored);
    this.gen = gen;
    const rate = c.ratePerSecond ?? c.eventsPerSecond;
    // A split per subtask: subtask s of p emits the readings n ≡ s (mod p). Each reading depends on the walks of the
    // readings before it, so every subtask generates the whole sequence and emits its share (p times the generator's
    // work, exact at any parallelism); the rate stays the whole source's.
    const s = ctx.subtaskIndex ?? 0;
    const p = ctx.parallelism ?? 1;
    const startedAt = ctx.getCurrentProcessingTime();
    const from = gen.position;
    const batch = new SourceBatch(ctx);
    while (this.running && ctx.isRunning() && (c.count === undefined || gen.position < c.count)) {
      const due = rate === 0 ? gen.position + 4096 : from + Math.floor(((ctx.getCurrentProcessingTime() - startedAt) * rate) / 1000) + 1;
      const end = c.count === undefined ? due : Math.min(due, c.count);
      while (gen.position < end) {
        const n = gen.position;
        const r = gen.next();
        if (n % p === s) batch.add(r, r.timestamp);
      }
      batch.flush();
      if (rate === 0) await ctx.yield();
      else await ctx.sleep(Math.max(5, Math.min(50, 1000 / rate)));
    }
  }

  cancel(): void {
    this.running = false;
  }

  snapshotState(): unknown {
    return this.gen?.snapshot() ?? this.restored;
  }

  restoreState(state: unknown): void {
    this.restored = state as SourceState;
  }
}

export const iotSensorsConnector: ConnectorDefinition<IotSensorsConfig> = {
  name: 'iot-sensors',
  recordTimestamps: true,
  outputFields: ['sensorId', 'site', 'temperature', 'humidity', 'timestamp'],
  description: 'Generated IoT sensor readings (temperature, humidity) with optional out-of-order, late and malformed readings',
  configSchema: IotSensorsConfig as z.ZodType<IotSensorsConfig>,
  createSource: (c) => new IotSensorsSource(c),
  bounded: (c) => c.count !== undefined,
  splittable: true,
};

/** `env.fromSource<IotReading>(new IotSensors({ sensors: 20, lateFraction: 0.02 }), WatermarkStrategy.forBoundedOutOfOrderness(2000), 'sensors')` */
export class IotSensors implements ConnectorSpec<IotSensorsConfig> {
  readonly connector = 'iot-sensors';
  constructor(readonly config: IotSensorsConfig = {}) {}
}

export { IotSensorGenerator, Mulberry32, type IotGeneratorOptions, type IotGeneratorSnapshot, type IotReading } from './IotSensorGenerator.js';
