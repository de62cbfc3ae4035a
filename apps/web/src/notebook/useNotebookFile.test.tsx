// @vitest-environment jsdom
import '../testing/jsdom.js';
import type { Notebook } from '@flowbook/protocol';
import { act, cleanup, renderHook, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useNotice, NOTICE_MS } from './useNotice.js';
import { SAVE_DELAY_MS, useNotebookFile } from './useNotebookFile.js';

const rest = vi.hoisted(() => ({ getNotebook: vi.fn(), saveNotebook: vi.fn() }));
vi.mock('../api/rest.js', () => rest);

const nb = (title: string): Notebook => ({ version: 1, title, cells: [{ id: 'a', type: 'markdown', source: title }] });

beforeEach(() => {
  rest.getNotebook.mockReset().mockResolvedValue(nb('loaded'));
  rest.saveNotebook.mockReset().mockResolvedValue(undefined);
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe('useNotebookFile', () => {
  it('loads the notebook and tells the page', async () => {
    const onLoad = vi.fn();
    const { result } = renderHook(() => useNotebookFile('nb', () => true, onLoad));
    await waitFor(() => expect(result.current.notebook?.title).toBe('loaded'));
    expect(onLoad).toHaveBeenCalledWith(nb('loaded'));
    expect(result.current.nbRef.current).toBe(result.current.notebook);
  });

  it('saves once after a pause in typing, the newest version', async () => {
    const { result } = renderHook(() => useNotebookFile('nb', () => true, () => {}));
    await waitFor(() => expect(result.current.notebook).toBeDefined());
    vi.useFakeTimers();
    act(() => result.current.commit(nb('one')));
    act(() => vi.advanceTimersByTime(SAVE_DELAY_MS / 2));
    act(() => result.current.commit(nb('two')));
    expect(result.current.saveState).toBe('unsaved');
    await act(async () => vi.advanceTimersByTime(SAVE_DELAY_MS));
    expect(rest.saveNotebook).toHaveBeenCalledOnce();
    expect(rest.saveNotebook).toHaveBeenCalledWith('nb', nb('two'));
    expect(result.current.saveState).toBe('saved');
  });

  it('does not save local-only changes or for readers, and says why a save failed', async () => {
    let write = false;
    const { result, unmount } = renderHook(() => useNotebookFile('nb', () => write, () => {}));
    await waitFor(() => expect(result.current.notebook).toBeDefined());
    act(() => result.current.commit(nb('reader')));
    write = true;
    act(() => result.current.commit(nb('local'), false));
    expect(result.current.notebook?.title).toBe('local');
    rest.saveNotebook.mockRejectedValueOnce(new Error('disk full'));
    act(() => result.current.commit(nb('three')));
    await act(async () => result.current.flushSave());
    expect(rest.saveNotebook).toHaveBeenCalledTimes(1);
    expect(result.current.saveState).toBe('not saved: disk full');
    // Leaving the page saves what waits for the pause.
    act(() => result.current.commit(nb('four')));
    unmount();
    expect(rest.saveNotebook).toHaveBeenLastCalledWith('nb', nb('four'));
  });
});

describe('useNotice', () => {
  it('clears the notice after a while', () => {
    vi.useFakeTimers();
    const { result } = renderHook(() => useNotice());
    act(() => result.current[1]('nothing to undo'));
    expect(result.current[0]).toBe('nothing to undo');
    act(() => vi.advanceTimersByTime(NOTICE_MS));
    expect(result.current[0]).toBeUndefined();
  });
});
