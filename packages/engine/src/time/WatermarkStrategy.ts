import { resolveFn, toFnSpec } from '../graph/fn.js';
import type { FnSpec } from '../graph/PipelineGraph.js';
import { MIN_WATERMARK } from './Watermark.js';

export interface WatermarkOutput {
  emitWatermark(watermark: number): void;
  markIdle(): void;
  markActive(): void;
}

/** Generates watermarks from events and/or periodically (Flink's WatermarkGenerator). */
export interface WatermarkGenerator<T = unknown> {
  onEvent(event: T, eventTimestamp: number, output: WatermarkOutput): void;
  onPeriodicEmit(output: WatermarkOutput): void;
  /**
   * Optional, for generators whose onEvent never emits: onEvent for events[i] at timestamps[i], i < length, in one
   * call; `maxTimestamp` is the largest of those timestamps (−∞ for none), which the caller found while checking them.
   * Without it, batches of records go through onEvent one by one.
   */
  onEventBatch?(events: readonly T[], timestamps: Float64Array, length: number, maxTimestamp: number): void;
}

/** Extracts an event's timestamp; `recordTimestamp` is the timestamp the source attached, if any. */
export type TimestampAssigner<T> = (event: T, recordTimestamp: number) => number;

export type WatermarkStrategySpec = {
  kind: 'boundedOutOfOrderness' | 'noWatermarks' | 'generator';
  maxOutOfOrderness?: number;
  /** kind 'generator': the supplier given to forGenerator. */
  generator?: FnSpec;
  timestampAssigner?: FnSpec;
  idleness?: number;
};

/** Emits maxTimestamp − maxOutOfOrderness − 1 (Flink's BoundedOutOfOrdernessWatermarks). */
export class BoundedOutOfOrdernessWatermarks<T> implements WatermarkGenerator<T> {
  private maxTimestamp: number;
  constructor(private readonly outOfOrderness: number) {
    if (!(outOfOrderness >= 0)) throw new Error('maxOutOfOrderness must be >= 0');
    this.maxTimestamp = MIN_WATERMARK;
  }
  onEvent(_e: T, ts: number): void {
    if (ts > this.maxTimestamp) this.maxTimestamp = ts;
  }
  onEventBatch(_events: readonly T[], _timestamps: Float64Array, _length: number, maxTimestamp: number): void {
    if (maxTimestamp > this.maxTimestamp) this.maxTimestamp = maxTimestamp;
  }
  onPeriodicEmit(output: WatermarkOutput): void {
    if (this.maxTimestamp !== MIN_WATERMARK) output.emitWatermark(this.maxTimestamp - this.outOfOrderness - 1);
  }
}

export class NoWatermarksGenerator<T> implements WatermarkGenerator<T> {
  onEvent(): void {}
  onPeriodicEmit(): void {}
  onEventBatch(): void {}
}

/** Marks the output idle when no event arrived for `idleTimeout` ms of processing time (Flink's WatermarksWithIdleness). */
export class WatermarksWithIdleness<T> implements WatermarkGenerator<T> {
  private lastEvent: number;
  private idle = false;
  constructor(
    private readonly inner: WatermarkGenerator<T>,
    private readonly idleTimeout: number,
    private readonly now: () => number,
  ) {
    this.lastEvent = now();
  }
  onEvent(event: T, ts: number, output: WatermarkOutput): void {
    this.inner.onEvent(event, ts, output);
    this.lastEvent = this.now();
    if (this.idle) {
      this.idle = false;
      output.markActive();
    }
  }
  onPeriodicEmit(output: WatermarkOutput): void {
    if (!this.idle && this.now() - this.lastEvent >= this.idleTimeout) {
      this.idle = true;
      output.markIdle();
      return;
    }
    if (!this.idle) this.inner.onPeriodicEmit(output);
  }
}

/** What a WatermarkGeneratorSupplier gets when a subtask creates its generator (Flink's WatermarkGeneratorSupplier.Context). */
export interface WatermarkGeneratorSupplierContext {
  /** The subtask's processing time (ms), e.g. for generators that track idleness themselves. */
  getCurrentProcessingTime(): number;
}

/** Creates one WatermarkGenerator per subtask (Flink's WatermarkGeneratorSupplier). */
export type WatermarkGeneratorSupplier<T> = (ctx: WatermarkGeneratorSupplierContext) => WatermarkGenerator<T>;

/** How a stream gets event timestamps and watermarks (Flink's WatermarkStrategy). Immutable: `with…` returns a new one. */
export class WatermarkStrategy<T = unknown> {
  private constructor(readonly spec: WatermarkStrategySpec) {}

  static forBoundedOutOfOrderness<T>(maxOutOfOrderness: number): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>({ kind: 'boundedOutOfOrderness', maxOutOfOrderness });
  }
  static forMonotonousTimestamps<T>(): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>({ kind: 'boundedOutOfOrderness', maxOutOfOrderness: 0 });
  }
  static noWatermarks<T>(): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>({ kind: 'noWatermarks' });
  }
  /**
   * A custom WatermarkGenerator (Flink's forGenerator): onEvent(event, timestamp, output) may emit per event (punctuated
   * watermarks), onPeriodicEmit(output) every autoWatermarkInterval ms. Emitted watermarks that do not advance are dropped.
   */
  static forGenerator<T>(supplier: WatermarkGeneratorSupplier<T>): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>({ kind: 'generator', generator: toFnSpec(supplier) });
  }
  static fromSpec<T>(spec: WatermarkStrategySpec): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>(spec);
  }

  withTimestampAssigner(assigner: TimestampAssigner<T>): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>({ ...this.spec, timestampAssigner: toFnSpec(assigner) });
  }
  withIdleness(idleTimeout: number): WatermarkStrategy<T> {
    if (!(idleTimeout > 0)) throw new Error('withIdleness needs a timeout > 0 ms');
    return new WatermarkStrategy<T>({ ...this.spec, idleness: idleTimeout });
  }

  isEventTime(): boolean {
    return this.spec.kind !== 'noWatermarks';
  }

  createTimestampAssigner(): TimestampAssigner<T> | undefined {
    return this.spec.timestampAssigner ? resolveFn<TimestampAssigner<T>>(this.spec.timestampAssigner, 'timestamp assigner') : undefined;
  }

  createWatermarkGenerator(now: () => number): WatermarkGenerator<T> {
    const base: WatermarkGenerator<T> =
      this.spec.kind === 'noWatermarks'
        ? new NoWatermarksGenerator<T>()
        : this.spec.kind === 'generator'
          ? this.customGenerator(now)
          : new BoundedOutOfOrdernessWatermarks<T>(this.spec.maxOutOfOrderness ?? 0);
    return this.spec.idleness !== undefined ? new WatermarksWithIdleness(base, this.spec.idleness, now) : base;
  }

  private customGenerator(now: () => number): WatermarkGenerator<T> {
    if (this.spec.generator === undefined) throw new Error('watermark strategy of kind "generator" needs a generator');
    const supplier = resolveFn<WatermarkGeneratorSupplier<T>>(this.spec.generator, 'watermark generator');
    if (typeof supplier !== 'function') throw new Error('watermark generator: forGenerator expects a function (ctx) => WatermarkGenerator');
    const g = supplier({ getCurrentProcessingTime: now });
    if (g === null || typeof g !== 'object' || typeof g.onEvent !== 'function' || typeof g.onPeriodicEmit !== 'function') {
      throw new Error('watermark generator: the supplier must return an object with onEvent and onPeriodicEmit');
    }
    // A user's generator may emit from onEvent: strip a batch method so its records go one by one (see processBatch).
    return { onEvent: (e, ts, out) => g.onEvent(e, ts, out), onPeriodicEmit: (out) => g.onPeriodicEmit(out) };
  }
}
