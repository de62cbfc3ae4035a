import { describe, expect, it } from 'vitest';
import type { CoGroupFunction, KeySelector } from '../../api/functions.js';
import { GraphConfig } from '../../graph/PipelineGraph.js';
import { OperatorTestHarness, type HarnessOutput } from '../../testing/OperatorTestHarness.js';
import { getOperatorDefinition } from '../operatorRegistry.js';
import { EventTimeSessionWindows } from '../../windows/assigners/SessionWindows.js';
import { TumblingEventTimeWindows } from '../../windows/assigners/TumblingWindows.js';
import { CountTrigger } from '../../windows/triggers/CountTrigger.js';
import { WindowCoGroupOperator } from './WindowCoGroupOperator.js';
import { WindowJoinOperator } from './WindowJoinOperator.js';

type L = { k: string; n: number };
type R = { id: string; s: string };

// The two sides are keyed by different selectors, as where()/equalTo() allow.
const keySelectors = [(l: L) => l.k, (r: R) => r.id] as KeySelector<unknown, unknown>[];
const left = (k: string, n: number): L => ({ k, n });
const right = (id: string, s: string): R => ({ id, s });

/** Shows each call as `key first second`, so a missing side reads as `[]`. */
const show: CoGroupFunction<L, R, string> = (first, second, out) => {
  const key = first[0]?.k ?? second[0]!.id;
  out.collect(`${key} [${first.map((l) => l.n).join(',')}] [${second.map((r) => r.s).join(',')}]`);
};

const records = (out: HarnessOutput[]) => out.flatMap((o) => ('value' in o ? [`${String(o.value)} @${o.timestamp}`] : []));

const harness = (op: WindowCoGroupOperator, snapshot?: unknown) => new OperatorTestHarness(op, { keySelectors }).open(snapshot);

describe('WindowCoGroupOperator', () => {
  it('fires each key of a tumbling event-time window with both sides in arrival order, stamped with maxTimestamp', () => {
    const h = harness(new WindowCoGroupOperator(TumblingEventTimeWindows.of(1000), show as CoGroupFunction<unknown, unknown, unknown>));
    h.processElement(left('a', 1), 300, 0);
    h.processElement(right('a', 'x'), 200, 1);
    h.processElement(left('a', 2), 100, 0); // earlier timestamp, later arrival: stays second
    h.processElement(left('b', 3), 400, 0);
    h.processElement(right('c', 'y'), 500, 1);
    h.processElement(right('a', 'z'), 1500, 1);
    h.processWatermark(998);
    expect(records(h.output)).toEqual([]);
    h.processWatermark(999);
    expect(records(h.output).sort()).toEqual(['a [1,2] [x] @999', 'b [3] [] @999', 'c [] [y] @999']);
    h.processWatermark(1999);
    expect(records(h.output).slice(3)).toEqual(['a [] [z] @1999']);
  });

  it('fires again for a late element within allowed lateness and drops one beyond it', () => {
    const h = harness(new WindowCoGroupOperator(TumblingEventTimeWindows.of(1000), show as CoGroupFunction<unknown, unknown, unknown>, undefined, 500));
    h.processElement(left('a', 1), 100, 0);
    h.processWatermark(999);
    expect(records(h.output)).toEqual(['a [1] [] @999']);
    // Within lateness (cleanup at 999 + 500): the window fires at once with everything it holds.
    h.processElement(right('a', 'x'), 900, 1);
    expect(records(h.output)).toEqual(['a [1] [] @999', 'a [1] [x] @999']);
    h.processWatermark(1499);
    h.processElement(left('a', 2), 800, 0);
    h.processElement(right('b', 'y'), 50, 1);
    expect(records(h.output)).toHaveLength(2);
    expect(h.numLateRecordsDropped).toBe(2);
  });

  it('restores its windows midway from a snapshot', () => {
    const make = () => new WindowCoGroupOperator(TumblingEventTimeWindows.of(1000), show as CoGroupFunction<unknown, unknown, unknown>);
    const before = harness(make());
    before.processElement(left('a', 1), 100, 0);
    before.processElement(right('a', 'x'), 200, 1);
    before.processElement(right('b', 'y'), 300, 1);
    before.processWatermark(500);
    const snapshot = before.snapshot();
    before.close();
    const after = harness(make(), snapshot);
    after.processElement(left('a', 2), 600, 0);
    after.processElement(left('c', 3), 700, 0);
    after.processWatermark(999);
    expect(records(after.output).sort()).toEqual(['a [1,2] [x] @999', 'b [] [y] @999', 'c [3] [] @999']);
  });

  it('works with a custom trigger (the generic path) and with merging session windows', () => {
    const counted = harness(new WindowCoGroupOperator(TumblingEventTimeWindows.of(1000), show as CoGroupFunction<unknown, unknown, unknown>, CountTrigger.of(2)));
    counted.processElement(left('a', 1), 100, 0);
    counted.processElement(right('a', 'x'), 200, 1);
    counted.processElement(left('a', 2), 300, 0);
    counted.processElement(left('a', 3), 400, 0);
    // CountTrigger fires without purging: the second firing sees all four elements.
    expect(records(counted.output)).toEqual(['a [1] [x] @999', 'a [1,2,3] [x] @999']);

    const sessions = harness(new WindowCoGroupOperator(EventTimeSessionWindows.withGap(100), show as CoGroupFunction<unknown, unknown, unknown>));
    sessions.processElement(left('a', 1), 0, 0);
    sessions.processElement(right('a', 'x'), 150, 1);
    sessions.processElement(left('a', 2), 80, 0); // bridges the two sessions into [0, 250)
    sessions.processElement(right('a', 'y'), 1000, 1);
    sessions.processWatermark(2000);
    expect(records(sessions.output)).toEqual(['a [1,2] [x] @249', 'a [] [y] @1099']);
  });

  it('is built from graph JSON, its function compiled from source text', () => {
    const def = getOperatorDefinition('windowCoGroup')!;
    const config = {
      assigner: { kind: 'tumbling', time: 'event', size: 1000, offset: 0 },
      allowedLateness: 100,
      fn: { code: '(first, second, out) => out.collect(first.length + ":" + second.length)' },
    };
    const [op] = def.create(def.configSchema.parse(config) as never, { id: 'cg', type: 'windowCoGroup', config }, GraphConfig.parse({}));
    const h = new OperatorTestHarness(op!, { keySelectors }).open();
    h.processElement(left('a', 1), 100, 0);
    h.processElement(right('a', 'x'), 200, 1);
    h.processElement(right('a', 'y'), 300, 1);
    h.processWatermark(999);
    expect(records(h.output)).toEqual(['1:2 @999']);
  });

  it('is what the window join is built on: every (left, right) pair, nothing for a one-sided key', () => {
    const h = harness(new WindowJoinOperator(TumblingEventTimeWindows.of(1000), (l, r) => `${(l as L).n}${(r as R).s}`));
    h.processElement(left('a', 1), 100, 0);
    h.processElement(left('a', 2), 200, 0);
    h.processElement(right('a', 'x'), 300, 1);
    h.processElement(right('a', 'y'), 400, 1);
    h.processElement(left('b', 3), 500, 0);
    h.processWatermark(999);
    expect(records(h.output)).toEqual(['1x @999', '1y @999', '2x @999', '2y @999']);
  });
});
