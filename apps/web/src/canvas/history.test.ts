import { describe, expect, it } from 'vitest';
import { emptyHistory, GROUP_MS, HISTORY_LIMIT, record, redo, undo } from './history.js';

describe('undo history', () => {
  it('undoes and redoes snapshots in order; a new edit drops the redo steps', () => {
    let h = emptyHistory<string>();
    h = record(h, 'a', undefined, 0); // a → b
    h = record(h, 'b', undefined, 10); // b → c
    const u1 = undo(h, 'c')!;
    expect(u1.value).toBe('b');
    const u2 = undo(u1.history, 'b')!;
    expect(u2.value).toBe('a');
    expect(undo(u2.history, 'a')).toBeUndefined();
    const r1 = redo(u2.history, 'a')!;
    expect(r1.value).toBe('b');
    expect(redo(r1.history, 'b')!.value).toBe('c');
    const edited = record(r1.history, 'b', undefined, 20);
    expect(edited.future).toEqual([]);
    expect(redo(edited, 'x')).toBeUndefined();
  });

  it('groups quick edits of the same field into one step, not other fields or slow edits', () => {
    let h = emptyHistory<string>();
    h = record(h, '', 'name', 0);
    h = record(h, 'p', 'name', 100);
    h = record(h, 'pa', 'name', 200);
    expect(h.past).toEqual(['']);
    h = record(h, 'par', 'code', 300);
    expect(h.past).toEqual(['', 'par']);
    h = record(h, 'parx', 'code', 300 + GROUP_MS + 1);
    expect(h.past).toEqual(['', 'par', 'parx']);
    // Unkeyed edits (a drop, a connection) never group.
    h = record(h, 'y', undefined, 5000);
    h = record(h, 'z', undefined, 5001);
    expect(h.past.slice(-2)).toEqual(['y', 'z']);
  });

  it('keeps a bounded number of steps', () => {
    let h = emptyHistory<number>();
    for (let i = 0; i < HISTORY_LIMIT + 10; i++) h = record(h, i, undefined, i);
    expect(h.past).toHaveLength(HISTORY_LIMIT);
    expect(h.past[0]).toBe(10);
  });
});
