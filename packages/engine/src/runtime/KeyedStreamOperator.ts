import type { RuntimeContext } from '../api/functions.js';
import { normalizeKey } from '../state/keyGroups.js';
import { KeyedStateBackend, type KeyedStateSnapshot } from '../state/KeyedStateBackend.js';
import type { StateDescriptor } from '../state/StateDescriptor.js';
import { InternalTimerService, type TimerSnapshot, type Triggerable } from '../time/InternalTimerService.js';
import type { Timer } from '../time/TimerQueue.js';
import { StreamOperator } from './StreamOperator.js';

export interface KeyedOperatorSnapshot<N> {
  /** The operator's watermark at the checkpoint (null before the first one). */
  watermark: number | null;
  keyed: KeyedStateSnapshot;
  timers: TimerSnapshot<N>;
  extra?: unknown;
}

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
    const selector = this.ctx.keySelectors[input];
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

  override snapshotState(_checkpointId: number): KeyedOperatorSnapshot<unknown> {
    const timers = this.timerService.snapshot();
    const plain = (t: { timestamp: number; key: unknown; namespace: N }) => ({ ...t, namespace: this.namespaceToJSON(t.namespace) });
    return {
      watermark: Number.isFinite(this.currentWatermark) ? this.currentWatermark : null,
      keyed: this.backend.snapshot(),
      timers: { eventTime: timers.eventTime.map(plain), processingTime: timers.processingTime.map(plain) },
      extra: this.snapshotExtra(),
    };
  }

  protected namespaceToJSON(ns: N): unknown {
    return ns;
  }

  protected snapshotExtra(): unknown {
    return undefined;
  }
  protected restoreExtra(_extra: unknown): void {}

  override initializeState(state: unknown): void {
    if (state === undefined) return;
    const s = state as KeyedOperatorSnapshot<unknown>;
    this.backend.restore(s.keyed);
    if (typeof s.watermark === 'number') {
      this.restoreWatermark(s.watermark);
      this.timerService.currentWatermark = s.watermark;
    }
    const back = (t: { timestamp: number; key: unknown; namespace: unknown }) => ({ ...t, namespace: this.namespaceFromJSON(t.namespace) });
    this.timerService.restore({ eventTime: s.timers.eventTime.map(back), processingTime: s.timers.processingTime.map(back) });
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
