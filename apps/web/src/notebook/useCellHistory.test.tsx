// @vitest-environment jsdom
import type { Cell } from '@flowbook/protocol';
import { act, cleanup, renderHook } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { useCellHistory } from './useCellHistory.js';

afterEach(cleanup);

const md = (id: string, source = id): Cell => ({ id, type: 'markdown', source });

describe('useCellHistory', () => {
  it('undoes and redoes cell operations, keeping what was typed since', () => {
    const { result } = renderHook(() => useCellHistory());
    expect(result.current.canUndo).toBe(false);
    // Deleting b: remember the cells before.
    act(() => result.current.record({ cells: [md('a'), md('b')], selected: 'b' }));
    expect(result.current.canUndo).toBe(true);
    let state: ReturnType<typeof result.current.step>;
    // Meanwhile a was edited: undo brings b back and keeps a's new text.
    act(() => void (state = result.current.step('undo', { cells: [md('a', 'typed')], selected: 'a' })));
    expect(state).toEqual({ cells: [md('a', 'typed'), md('b')], selected: 'b' });
    expect(result.current.canRedo).toBe(true);
    act(() => void (state = result.current.step('redo', state!)));
    expect(state!.cells.map((c) => c.id)).toEqual(['a']);
    act(() => void (state = result.current.step('redo', state!)));
    expect(state).toBeUndefined();
  });
});
