import type { KeySelector, RuntimeContext } from '../api/functions.js';
import { normalizeKey } from '../state/keyGroups.js';
import { KeyedStateBackend } from '../state/KeyedStateBackend.js';
import type { StateDescriptor } from '../state/StateDescriptor.js';
import { InternalTimerService, type Triggerable } from '../time/InternalTimerService.js';
import { forEachTimer, timerColumns } from '../time/timerColumns.js';
import type { Timer } from '../time/TimerQueue.js';
import { upgradeKeyedOperatorSnapshot, type KeyedOperatorSnapshot, type KeyedOperatorSnapshotV2 } from './KeyedOperatorSnapshot.js';
import { StreamOperator } from './StreamOperator.js';

export type { KeyedOperatorSnapshot } from './KeyedOperatorSnapshot.js';

/**
 * An operator after keyBy: keyed state and timers scoped to the current key (Flink's AbstractStreamOperator with a
 * keyed state backend). The key of each element comes from its input's key selector.
 */
export abstract class KeyedStreamOperator<OUT = unknown, N = string> extends StreamOperator<OUT> implements Triggerable<N> {
  backend!: KeyedStateBackend;
  timerService!: InternalTimerService<N>;

  /** How timers' namespaces are identified and serialized; window operators override with the window's key. */
  protected namespaceKey(ns: N): string {
    return String(ns);
  }
  protected namespaceFromJSON(o: unknown): N {
    return o as N;
  }

  override open(): void {
    super.open();
    this.backend = new KeyedStateBackend(this.ctx.processingTimeService, this.ctx.maxParallelism);
    this.timerService = new InternalTimerService<N>(this.backend, this.ctx.processingTimeService, this, (ns) => this.namespaceKey(ns));
  }

  /** Sets the current key from the element's input key selector. */
  protected setKeyContextElement(value: unknown, input: number): unknown {
    return this.setKeyContextWith(this.ctx.keySelectors[input], value);
  }

  /** setKeyContextElement with the input's key selector given: a batch loop looks it up once, not per record. */
  protected setKeyContextWith(selector: KeySelector<unknown, unknown> | undefined, value: unknown): unknown {
    const key = selector === undefined ? 0 : normalizeKey(selector(value));
    this.backend.setCurrentKey(key);
    return key;
  }

  override processWatermark(watermark: number): void {
    this.timerService.advanceWatermark(watermark);
    this.output.emitWatermark(watermark);
  }

  abstract onEventTime(timer: Timer<N>): void;
  abstract onProcessingTime(timer: Timer<N>): void;

  /** RuntimeContext for user functions' open(). */
  runtimeContext(): RuntimeContext {
    return {
      getState: <S>(d: StateDescriptor<S>): S => {
        this.backend.attachTtl(d);
        return this.backend.getPartitionedState(d);
      },
      getTaskName: () => this.ctx.name,
      getIndexOfThisSubtask: () => this.ctx.subtaskIndex,
      getNumberOfParallelSubtasks: () => this.ctx.parallelism,
    };
  }

  /** Keyed state and timers in columns (format 2): a private copy, written while the job goes on. */
  override snapshotState(_checkpointId: number): KeyedOperatorSnapshotV2 {
    const timers = this.timerService.timers();
    const nsKey = (ns: N) => this.namespaceKey(ns);
    const nsToJSON = (ns: N) => this.namespaceToJSON(ns);
    const s: KeyedOperatorSnapshotV2 = {
      watermark: Number.isFinite(this.currentWatermark) ? this.currentWatermark : null,
      keyed: this.backend.snapshot(),
      timers: { eventTime: timerColumns(timers.eventTime, nsKey, nsToJSON), processingTime: timerColumns(timers.processingTime, nsKey, nsToJSON) },
    };
    const extra = this.snapshotExtra();
    if (extra !== undefined) s.extra = extra;
    return s;
  }

  protected namespaceToJSON(ns: N): unknown {
    return ns;
  }

  protected snapshotExtra(): unknown {
    return undefined;
  }
  protected restoreExtra(_extra: unknown): void {}

  /** Restores a snapshot of either format (format 1 is upgraded first). */
  override initializeState(state: unknown): void {
    if (state === undefined) return;
    this.restoreSnapshot(upgradeKeyedOperatorSnapshot(state as KeyedOperatorSnapshot));
  }

  protected restoreSnapshot(s: KeyedOperatorSnapshotV2): void {
    this.backend.restore(s.keyed);
    if (typeof s.watermark === 'number') {
      this.restoreWatermark(s.watermark);
      this.timerService.currentWatermark = s.watermark;
    }
    const fromJSON = (o: unknown) => this.namespaceFromJSON(o);
    const eventTime: Timer<N>[] = [];
    const processingTime: Timer<N>[] = [];
    forEachTimer(s.timers.eventTime, fromJSON, (timestamp, key, namespace) => void eventTime.push({ timestamp, key, namespace }));
    forEachTimer(s.timers.processingTime, fromJSON, (timestamp, key, namespace) => void processingTime.push({ timestamp, key, namespace }));
    this.timerService.restore({ eventTime, processingTime });
    this.restoreExtra(s.extra);
  }

  override stateSize(): number {
    return this.backend?.numEntries() ?? 0;
  }

  override close(): void {
    this.timerService?.shutdown();
    super.close();
  }
}
