import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { KeyedProcessFunction } from '../api/functions.js';
import { toFnSpec } from '../graph/fn.js';
import { forEachRow } from '../state/KeyedStateSnapshot.js';
import { assignToKeyGroup, DEFAULT_MAX_PARALLELISM, keyGroupRange } from '../state/keyGroups.js';
import { ListStateDescriptor, MapStateDescriptor, ValueStateDescriptor, type ListStateLike, type MapStateLike, type ValueStateLike } from '../state/StateDescriptor.js';
import { StateTtlConfig } from '../state/StateTtlConfig.js';
import { OperatorTestHarness } from '../testing/OperatorTestHarness.js';
import { forEachTimer } from '../time/timerColumns.js';
import { EventTimeSessionWindows } from '../windows/assigners/SessionWindows.js';
import { TumblingEventTimeWindows, TumblingProcessingTimeWindows } from '../windows/assigners/TumblingWindows.js';
import { CountTrigger } from '../windows/triggers/CountTrigger.js';
import { WindowOperator } from '../windows/WindowOperator.js';
import { upgradeKeyedOperatorSnapshot, type KeyedOperatorSnapshot } from './KeyedOperatorSnapshot.js';
import { KeyedProcessOperator } from './operators/KeyedProcessOperator.js';
import { rescaleKeyedSnapshots } from './rescaleKeyedSnapshot.js';
import type { StreamOperator } from './StreamOperator.js';

interface Ev {
  k: number | string;
  n: number;
}
/** Number keys and string keys (the key column falls back to plain values). */
const element = (n: number): Ev => ({ k: n % 3 === 0 ? `s${n % 29}` : n % 53, n });
const keyOf = (e: unknown) => (e as Ev).k;

function profile(): KeyedProcessFunction<unknown, Ev, string> {
  const ttl = StateTtlConfig.newBuilder(10_000).updateTtlOnReadAndWrite().build();
  let count: ValueStateLike<{ n: number; sum: number }>;
  let recent: ListStateLike<number>;
  let parity: MapStateLike<string, number>;
  return {
    open(ctx) {
      count = ctx.getState(new ValueStateDescriptor<{ n: number; sum: number }>('count').enableTimeToLive(ttl));
      recent = ctx.getState(new ListStateDescriptor<number>('recent'));
      parity = ctx.getState(new MapStateDescriptor<string, number>('parity'));
    },
    processElement(e, ctx, out) {
      const c = count.value() ?? { n: 0, sum: 0 };
      count.update({ n: c.n + 1, sum: c.sum + e.n });
      recent.add(e.n);
      parity.put(e.n % 2 ? 'odd' : 'even', e.n);
      ctx.timerService().registerEventTimeTimer(Math.ceil((ctx.timestamp()! + 1) / 40) * 40);
      ctx.timerService().registerProcessingTimeTimer(1000 + Math.ceil(e.n / 100) * 100);
      out.collect(`${String(ctx.getCurrentKey())} #${c.n + 1}`);
    },
    onTimer(time, ctx, out) {
      out.collect(`${String(ctx.getCurrentKey())} ${ctx.timeDomain()} ${time}: ${JSON.stringify(count.value())} ${recent.get()?.join(',')} ${JSON.stringify(parity.entries())}`);
    },
  };
}

const operators: [string, () => StreamOperator][] = [
  ['a KeyedProcessFunction with value (TTL), list and map state and both kinds of timers', () => new KeyedProcessOperator(profile())],
  ['tumbling windows (fast path)', () => new WindowOperator({ assigner: TumblingEventTimeWindows.of(25), allowedLateness: 10, fn: { kind: 'reduce', reduce: toFnSpec((a: Ev, b: Ev) => ({ k: a.k, n: a.n + b.n })) } })],
  ['tumbling windows (generic path, count trigger)', () => new WindowOperator({ assigner: TumblingEventTimeWindows.of(300), trigger: CountTrigger.of(2), fn: { kind: 'process', process: toFnSpec({ process: (k: unknown, _c: unknown, xs: Ev[], out: { collect(v: unknown): void }) => out.collect(`${String(k)}:${xs.map((x) => x.n).join(',')}`) }) } })],
  ['session windows (fast path)', () => new WindowOperator({ assigner: EventTimeSessionWindows.withGap(15), fn: { kind: 'aggregate', aggregate: toFnSpec({ createAccumulator: () => ({ c: 0, s: 0 }), add: (e: Ev, a: { c: number; s: number }) => ({ c: a.c + 1, s: a.s + e.n }), getResult: (a: unknown) => a, merge: (a: { c: number; s: number }, b: { c: number; s: number }) => ({ c: a.c + b.c, s: a.s + b.s }) }) } })],
  ['session windows (generic path)', () => new WindowOperator({ assigner: EventTimeSessionWindows.withGap(15), genericPath: true, fn: { kind: 'reduce', reduce: toFnSpec((a: Ev, b: Ev) => ({ k: a.k, n: a.n * 31 + b.n })) } })],
  ['processing-time windows', () => new WindowOperator({ assigner: TumblingProcessingTimeWindows.of(300), fn: { kind: 'reduce', reduce: toFnSpec((a: Ev, b: Ev) => ({ k: a.k, n: a.n + b.n })) } })],
];

/** Every state row and timer of a snapshot, as sortable strings. */
function contentsOf(state: unknown): string[] {
  const s = upgradeKeyedOperatorSnapshot(state as KeyedOperatorSnapshot);
  const out: string[] = [];
  for (const t of s.keyed.tables) forEachRow(t, (key, ns, value, lastAccess) => out.push(JSON.stringify([t.name, t.kind, key, ns, value, lastAccess])));
  for (const domain of ['eventTime', 'processingTime'] as const) forEachTimer(s.timers[domain], (o) => o, (ts, key, ns) => out.push(JSON.stringify([domain, ts, key, ns])));
  return out.sort();
}

/** The key of every row and timer (third in both kinds of lines of contentsOf). */
const keysOf = (state: unknown) => contentsOf(state).map((r) => (JSON.parse(r) as unknown[])[2]);

/** Runs the first part of the input through one operator and snapshots it. */
function snapshotAfterInput(make: () => StreamOperator): { snapshot: unknown; time: number } {
  const h = new OperatorTestHarness(make(), { keySelectors: [keyOf], startTime: 1000 }).open();
  for (let n = 0; n < 400; n++) {
    h.processElement(element(n), n * 2);
    if (n % 50 === 49) h.processWatermark(n * 2 - 30);
    if (n % 100 === 99) h.setProcessingTime(1000 + n);
  }
  return { snapshot: h.snapshot(), time: h.clock.getCurrentProcessingTime() };
}

/** Restores `snapshot`, feeds the rest of the input (only the keys `owns` accepts, as keyBy would route it), fires everything. */
function finish(make: () => StreamOperator, snapshot: unknown, time: number, owns: (kg: number) => boolean): string[] {
  const h = new OperatorTestHarness(make(), { keySelectors: [keyOf], startTime: time }).open(snapshot);
  for (let n = 400; n < 600; n++) {
    const e = element(n);
    if (owns(assignToKeyGroup(e.k))) h.processElement(e, n * 2);
    if (n % 50 === 49) h.processWatermark(n * 2 - 30);
  }
  h.processWatermark(Number.POSITIVE_INFINITY);
  h.setProcessingTime(time + 100_000);
  return h.extractOutputValues().map((v) => JSON.stringify(v));
}

const rangeOf = (parallelism: number, i: number) => {
  const { start, end } = keyGroupRange(DEFAULT_MAX_PARALLELISM, parallelism, i);
  return (kg: number) => kg >= start && kg <= end;
};

describe('rescaleKeyedSnapshots', () => {
  for (const [name, make] of operators) {
    it(`${name}: split into 2 and 3 key-group ranges and merged back, nothing is lost or duplicated, and the pieces fire what the whole does`, () => {
      const { snapshot, time } = snapshotAfterInput(make);
      const all = contentsOf(snapshot);
      expect(all.length).toBeGreaterThan(20);
      const whole = finish(make, snapshot, time, () => true).sort();
      expect(whole.length).toBeGreaterThan(0);
      for (const parallelism of [2, 3]) {
        const owns = Array.from({ length: parallelism }, (_, i) => rangeOf(parallelism, i));
        const pieces = owns.map((o) => rescaleKeyedSnapshots([snapshot], o)!);
        pieces.forEach((piece, i) => {
          for (const key of keysOf(piece)) expect(owns[i]!(assignToKeyGroup(key))).toBe(true);
          expect((piece as KeyedOperatorSnapshot).watermark).toBe((snapshot as KeyedOperatorSnapshot).watermark);
        });
        expect(pieces.flatMap(contentsOf).sort()).toEqual(all);
        expect(contentsOf(rescaleKeyedSnapshots([pieces[1], undefined, ...pieces.filter((_, i) => i !== 1)], () => true))).toEqual(all);
        const fired = pieces.flatMap((piece, i) => finish(make, piece, time, owns[i]!)).sort();
        expect(fired).toEqual(whole);
      }
    });
  }

  it('splits and merges format 1 snapshots (and mixes them with format 2)', () => {
    const fixture = path.join(path.dirname(fileURLToPath(import.meta.url)), '../checkpoint/fixtures/v1/chk-1/state.json');
    const legacy = JSON.parse(readFileSync(fixture, 'utf8')) as { operators: Record<string, KeyedOperatorSnapshot> };
    for (const [id, state] of Object.entries(legacy.operators)) {
      if (!('keyed' in (state as object))) continue;
      expect(state.keyed.formatVersion, id).toBe(1);
      const all = contentsOf(state);
      const low = rescaleKeyedSnapshots([state], (kg) => kg < 64)!;
      const high = rescaleKeyedSnapshots([state], (kg) => kg >= 64)!;
      expect(low.keyed.formatVersion).toBe(2);
      expect([...contentsOf(low), ...contentsOf(high)].sort(), id).toEqual(all);
      // A format 1 piece merged with a format 2 piece.
      expect(contentsOf(rescaleKeyedSnapshots([rescaleKeyedSnapshots([state], (kg) => kg < 64), high], () => true)), id).toEqual(all);
    }
  });

  it('takes the smallest watermark, null when none had one, and nothing for no snapshots', () => {
    const { snapshot } = snapshotAfterInput(operators[0]![1]);
    const at = (watermark: number | null) => ({ ...(snapshot as KeyedOperatorSnapshot), watermark });
    expect(rescaleKeyedSnapshots([at(500), at(null), at(300)], () => true)!.watermark).toBe(300);
    expect(rescaleKeyedSnapshots([at(null), undefined], () => true)!.watermark).toBeNull();
    expect(rescaleKeyedSnapshots([undefined, undefined], () => true)).toBeUndefined();
  });
});
