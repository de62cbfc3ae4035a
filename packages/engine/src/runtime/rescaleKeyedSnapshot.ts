import { KeyedStateTableBuilder, type KeyedStateTable } from '../state/KeyedStateSnapshot.js';
import { valueReader } from '../state/columns.js';
import { assignToKeyGroup } from '../state/keyGroups.js';
import { TimerColumnsBuilder, type TimerColumns } from '../time/timerColumns.js';
import { upgradeKeyedOperatorSnapshot, type KeyedOperatorSnapshot, type KeyedOperatorSnapshotV2 } from './KeyedOperatorSnapshot.js';

/**
 * The keyed state of one subtask after a change of parallelism (Flink redistributes keyed state by key group): from
 * the snapshots of the old subtasks of one keyed operator (either format; undefined entries are ignored), one
 * snapshot holding only the state entries, window contents and timers whose key's key group `owns` accepts. Its
 * watermark is the smallest of theirs (null if none had one), so no element is judged late that would not have been.
 * `extra` (operator-wide, not keyed) is taken from the first snapshot that has one. Returns undefined when there is
 * no snapshot.
 */
export function rescaleKeyedSnapshots(states: unknown[], owns: (keyGroup: number) => boolean): KeyedOperatorSnapshot<unknown> | undefined {
  const inputs = states.filter((s) => s !== undefined && s !== null).map((s) => upgradeKeyedOperatorSnapshot(s as KeyedOperatorSnapshot));
  if (inputs.length === 0) return undefined;
  const maxParallelism = inputs[0]!.keyed.maxParallelism;
  for (const s of inputs) {
    if (s.keyed.maxParallelism !== maxParallelism) throw new Error(`snapshots of one operator have different maxParallelism (${maxParallelism}, ${s.keyed.maxParallelism})`);
  }
  const keep = (key: unknown) => owns(assignToKeyGroup(key, maxParallelism));

  const byName = new Map<string, KeyedStateTable[]>();
  for (const s of inputs) {
    for (const t of s.keyed.tables) {
      const same = byName.get(t.name);
      if (same === undefined) byName.set(t.name, [t]);
      else if (same[0]!.kind !== t.kind) throw new Error(`state "${t.name}" is ${same[0]!.kind} state in one snapshot and ${t.kind} state in another`);
      else same.push(t);
    }
  }
  const tables: KeyedStateTable[] = [];
  for (const [name, parts] of byName) {
    const table = selectRows(name, parts, keep);
    if (table !== undefined) tables.push(table);
  }

  let watermark: number | null = null;
  for (const s of inputs) if (s.watermark !== null && (watermark === null || s.watermark < watermark)) watermark = s.watermark;
  const out: KeyedOperatorSnapshotV2 = {
    watermark,
    keyed: { formatVersion: 2, maxParallelism, tables },
    timers: {
      eventTime: selectTimers(inputs.map((s) => s.timers.eventTime), keep),
      processingTime: selectTimers(inputs.map((s) => s.timers.processingTime), keep),
    },
  };
  // Subtasks of one operator run the same window path; a generic path's explicit timers would be re-registered anyway.
  if (inputs.some((s) => s.windowsImplyTimers)) out.windowsImplyTimers = true;
  const extra = inputs.find((s) => s.extra !== undefined)?.extra;
  if (extra !== undefined) out.extra = extra;
  return out;
}

/** The rows of `parts` (one state's tables) whose key `keep` accepts, as one table; undefined when none. */
function selectRows(name: string, parts: KeyedStateTable[], keep: (key: unknown) => boolean): KeyedStateTable | undefined {
  const selected = parts.map((t) => {
    const rows: number[] = [];
    for (let i = 0; i < t.size; i++) if (keep(t.keys[i])) rows.push(i);
    return rows;
  });
  const total = selected.reduce((n, rows) => n + rows.length, 0);
  if (total === 0) return undefined;
  // Values come from snapshots, which nobody changes: no copies.
  const b = new KeyedStateTableBuilder(name, parts[0]!.kind, total, parts.some((t) => t.lastAccess !== undefined), false);
  parts.forEach((t, p) => {
    const value = valueReader(t.values);
    const { dict, index } = t.namespaces;
    // Only the namespaces of rows kept enter the new dictionary.
    const namespaces = new Array<number | undefined>(dict.length);
    for (const i of selected[p]!) {
      const d = index[i]!;
      const ns = namespaces[d] ?? (namespaces[d] = b.namespace(dict[d]!));
      b.add(t.keys[i], ns, value(i), t.lastAccess?.[i] ?? Number.NaN);
    }
  });
  return b.finish();
}

function selectTimers(parts: TimerColumns[], keep: (key: unknown) => boolean): TimerColumns {
  const selected = parts.map((c) => {
    const rows: number[] = [];
    for (let i = 0; i < c.size; i++) if (keep(c.keys[i])) rows.push(i);
    return rows;
  });
  const b = new TimerColumnsBuilder(selected.reduce((n, rows) => n + rows.length, 0));
  const merged: { timestamp: number; part: number; row: number }[] = [];
  parts.forEach((c, p) => {
    for (const i of selected[p]!) merged.push({ timestamp: c.timestamps[i]!, part: p, row: i });
  });
  // In firing order, as a timer service writes them (stable: equal timestamps keep their order).
  merged.sort((a, b) => a.timestamp - b.timestamp);
  const namespaces = parts.map((c) => new Array<number | undefined>(c.namespaces.dict.length));
  for (const { timestamp, part, row } of merged) {
    const c = parts[part]!;
    const d = c.namespaces.index[row]!;
    const seen = namespaces[part]!;
    const ns = seen[d] ?? (seen[d] = b.namespace(JSON.stringify(c.namespaces.dict[d]) ?? '', c.namespaces.dict[d]));
    b.add(timestamp, c.keys[row], ns);
  }
  return b.finish();
}
