import { describe, expect, it } from 'vitest';
import type { RuntimeContext, TimerService } from '../api/functions.js';
import type { StateDescriptor } from '../state/StateDescriptor.js';
import { RowTimeBuffer, type AdvanceLastTriggered } from './RowTimeBuffer.js';
import type { Row } from './tableConnectors.js';

/** One key's value states by name, and the timers registered: what the buffer sees of a keyed operator. */
function harness(advance: AdvanceLastTriggered, names = ['rows', 'last']) {
  const states = new Map<string, unknown>();
  const ctx = {
    getState: (d: StateDescriptor) => ({ value: () => states.get(d.name), update: (v: unknown) => void (v === undefined ? states.delete(d.name) : states.set(d.name, v)), clear: () => void states.delete(d.name) }),
  } as unknown as RuntimeContext;
  const timers: number[] = [];
  const timerService = { registerEventTimeTimer: (t: number) => void timers.push(t) } as unknown as TimerService;
  const buffer = new RowTimeBuffer(names[0]!, names[1]!, advance);
  buffer.open(ctx);
  const fired: [number, Row[]][] = [];
  return {
    states,
    timers,
    add: (v: number, t: number) => buffer.add({ v }, t, timerService),
    fire: (ts: number) => buffer.fire(ts, (rows, t) => void fired.push([t, rows.map((r) => ({ ...r }))])),
    fired,
  };
}

describe('RowTimeBuffer (rows by rowtime until the watermark, Flink lastTriggeringTsState)', () => {
  it('hands out every time up to the timer, oldest first, rows of one time in arrival order, and forgets them', () => {
    const h = harness('always');
    h.add(1, 20);
    h.add(2, 10);
    h.add(3, 20);
    h.add(4, 30);
    expect(h.timers).toEqual([20, 10, 20, 30]);
    h.fire(25);
    expect(h.fired).toEqual([
      [10, [{ v: 2 }]],
      [20, [{ v: 1 }, { v: 3 }]],
    ]);
    expect(h.states.get('rows')).toEqual({ 30: [{ v: 4 }] });
    expect(h.states.get('last')).toBe(25);
    // late: not after the last time that fired
    expect(h.add(5, 25)).toBe(false);
    expect(h.add(6, 26)).toBe(true);
    h.fire(40);
    expect(h.fired.slice(2)).toEqual([
      [26, [{ v: 6 }]],
      [30, [{ v: 4 }]],
    ]);
    expect(h.states.has('rows')).toBe(false);
  });

  it("'always' (Flink's bounded OVER functions) moves the last time on a timer that finds no row", () => {
    const h = harness('always');
    h.add(1, 50);
    h.fire(30);
    expect(h.fired).toEqual([]);
    expect(h.states.get('last')).toBe(30);
    expect(h.add(2, 30)).toBe(false);
    expect(h.add(3, 31)).toBe(true);
  });

  it("'whenRowsFired' (Flink's RowTimeSortOperator) moves it only when the timer emitted rows", () => {
    const h = harness('whenRowsFired');
    h.add(1, 50);
    h.fire(30);
    expect(h.states.has('last')).toBe(false);
    expect(h.add(2, 30)).toBe(true);
    h.fire(30);
    expect(h.fired).toEqual([[30, [{ v: 2 }]]]);
    expect(h.states.get('last')).toBe(30);
  });

  it("keeps the caller's state names, so checkpoints of the OVER and sort operators taken before it restore", () => {
    const h = harness('always', ['sql-over-pending', 'sql-over-last-triggering-ts']);
    h.add(1, 5);
    h.fire(5);
    expect([...h.states.keys()]).toEqual(['sql-over-last-triggering-ts']);
    const restored = harness('whenRowsFired', ['sql-sort-rows', 'sql-sort-last-triggering-ts']);
    restored.states.set('sql-sort-rows', { 7: [{ v: 9 }] });
    restored.states.set('sql-sort-last-triggering-ts', 3);
    expect(restored.add(0, 3)).toBe(false);
    restored.fire(7);
    expect(restored.fired).toEqual([[7, [{ v: 9 }]]]);
  });
});
