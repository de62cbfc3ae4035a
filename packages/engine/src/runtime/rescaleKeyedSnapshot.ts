import { assignToKeyGroup } from '../state/keyGroups.js';
import type { KeyedStateSnapshot } from '../state/KeyedStateBackend.js';
import type { KeyedOperatorSnapshot } from './KeyedStreamOperator.js';

/**
 * Rescaling (Flink's state redistribution by key-group range): merges the snapshots of a keyed operator's old
 * subtasks into the snapshot of one new subtask, keeping only keyed state and timers of the key groups it owns.
 * The new subtask starts from the smallest of the old watermarks, so nothing its keys had not yet seen counts as late.
 */
export function rescaleKeyedSnapshots(states: unknown[], owns: (keyGroup: number) => boolean): KeyedOperatorSnapshot<unknown> | undefined {
  const snaps = states.filter((s): s is KeyedOperatorSnapshot<unknown> => s !== undefined && s !== null);
  if (snaps.length === 0) return undefined;
  const maxParallelism = snaps[0]!.keyed.maxParallelism;
  const keyGroups: KeyedStateSnapshot['keyGroups'] = {};
  const eventTime: KeyedOperatorSnapshot<unknown>['timers']['eventTime'] = [];
  const processingTime: KeyedOperatorSnapshot<unknown>['timers']['processingTime'] = [];
  let watermark: number | null = null;
  for (const s of snaps) {
    if (s.keyed.maxParallelism !== maxParallelism) throw new Error('subtask snapshots disagree on maxParallelism');
    for (const [kg, rows] of Object.entries(s.keyed.keyGroups)) if (owns(Number(kg))) (keyGroups[Number(kg)] ??= []).push(...rows);
    for (const t of s.timers.eventTime) if (owns(assignToKeyGroup(t.key, maxParallelism))) eventTime.push(t);
    for (const t of s.timers.processingTime) if (owns(assignToKeyGroup(t.key, maxParallelism))) processingTime.push(t);
    if (s.watermark !== null) watermark = watermark === null ? s.watermark : Math.min(watermark, s.watermark);
  }
  eventTime.sort((a, b) => a.timestamp - b.timestamp);
  processingTime.sort((a, b) => a.timestamp - b.timestamp);
  return {
    watermark,
    keyed: { formatVersion: snaps[0]!.keyed.formatVersion, maxParallelism, keyGroups },
    timers: { eventTime, processingTime },
    ...(snaps[0]!.extra !== undefined ? { extra: snaps[0]!.extra } : {}),
  };
}
