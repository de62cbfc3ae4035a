import { upgradeKeyedStateSnapshot, type KeyedStateSnapshot, type KeyedStateSnapshotV2 } from '../state/KeyedStateSnapshot.js';
import { timerColumnsFromList, type TimerColumnsSnapshot, type TimerList } from '../time/timerColumns.js';

/** What a keyed operator writes at a checkpoint (either format). */
export interface KeyedOperatorSnapshot<N = unknown> {
  /** The operator's watermark at the checkpoint (null before the first one). */
  watermark: number | null;
  keyed: KeyedStateSnapshot;
  /** Format 2: columns; format 1: one object per timer. */
  timers: TimerColumnsSnapshot | { eventTime: { timestamp: number; key: unknown; namespace: N }[]; processingTime: { timestamp: number; key: unknown; namespace: N }[] };
  /**
   * Written by the window fast paths instead of their timers: the default trigger's timers (and for session windows
   * the merging window sets, each session being its own state window) follow from the windows in the
   * window-contents state. A generic window operator restoring it registers them as Flink's WindowOperator would have.
   */
  windowsImplyTimers?: boolean;
  extra?: unknown;
}

/** A keyed operator snapshot in format 2. */
export interface KeyedOperatorSnapshotV2 {
  watermark: number | null;
  keyed: KeyedStateSnapshotV2;
  timers: TimerColumnsSnapshot;
  windowsImplyTimers?: boolean;
  extra?: unknown;
}

/** A snapshot of either format in format 2 (a format 2 one is returned as it is). */
export function upgradeKeyedOperatorSnapshot(s: KeyedOperatorSnapshot): KeyedOperatorSnapshotV2 {
  const keyed = upgradeKeyedStateSnapshot(s.keyed);
  const t = s.timers;
  const timers: TimerColumnsSnapshot = Array.isArray(t.eventTime)
    ? { eventTime: timerColumnsFromList(t.eventTime as TimerList), processingTime: timerColumnsFromList(t.processingTime as TimerList) }
    : (t as TimerColumnsSnapshot);
  if (keyed === s.keyed && timers === t) return s as KeyedOperatorSnapshotV2;
  return { ...s, keyed, timers };
}
