// @vitest-environment jsdom
import '../testing/jsdom.js';
import { applyNotebook, docToNotebook, notebookToDoc, type Notebook } from '@flowbook/protocol';
import { act, cleanup, renderHook, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { useNotebookFile } from './useNotebookFile.js';
import { useCellHistory } from './useCellHistory.js';

/** The server's side of co-editing, in memory: one document, the socket.io events of collab/, connect and disconnect. */
const fake = vi.hoisted(() => {
  type Fn = (...args: unknown[]) => void;
  const handlers = new Map<string, Set<Fn>>();
  return {
    handlers,
    server: undefined as unknown as import('yjs').Doc,
    canWrite: true,
    received: [] as Uint8Array[],
    socket: {
      connected: true,
      on(event: string, fn: Fn) {
        if (!handlers.has(event)) handlers.set(event, new Set());
        handlers.get(event)!.add(fn);
      },
      off(event: string, fn: Fn) {
        handlers.get(event)?.delete(fn);
      },
      emit: vi.fn(),
      emitWithAck: vi.fn(),
    },
    fire(event: string, ...args: unknown[]) {
      for (const fn of handlers.get(event) ?? []) fn(...args);
    },
  };
});
vi.mock('../api/socket.js', () => ({ getSocket: () => fake.socket }));
// jsdom has no /api/whoami
globalThis.fetch = vi.fn(async () => new Response(JSON.stringify({ role: 'owner' }))) as typeof fetch;

const nb = (title: string): Notebook => ({ version: 1, title, cells: [{ id: 'a', type: 'markdown', source: title }] });

function serve(initial: Notebook) {
  fake.server = notebookToDoc(initial);
  fake.received = [];
  fake.socket.connected = true;
  fake.socket.emitWithAck.mockImplementation(async (event: string, msg: { stateVector?: Uint8Array }) => {
    if (event === 'doc.sync') return { ok: true, update: Y.encodeStateAsUpdate(fake.server, msg.stateVector), stateVector: Y.encodeStateVector(fake.server), canWrite: fake.canWrite };
    return { ok: true };
  });
  fake.socket.emit.mockImplementation((event: string, msg: { update?: Uint8Array }, ack?: (r: unknown) => void) => {
    if (event === 'doc.update' && msg.update) {
      fake.received.push(msg.update);
      Y.applyUpdate(fake.server, msg.update, 'client');
    }
    ack?.({ ok: true });
  });
}
/** Someone else's edit, made on the server's document and sent to this browser. */
function remoteEdit(fn: (n: Notebook) => Notebook) {
  const before = Y.encodeStateVector(fake.server);
  applyNotebook(fake.server, fn(docToNotebook(fake.server)));
  fake.fire('doc.update', { notebook: 'nb', update: Y.encodeStateAsUpdate(fake.server, before) });
}

afterEach(() => {
  cleanup();
  fake.handlers.clear();
  fake.canWrite = true;
});

describe('useNotebookFile (co-edited)', () => {
  it('loads the notebook once the document is synced, and tells the page', async () => {
    serve(nb('loaded'));
    const onLoad = vi.fn();
    const { result } = renderHook(() => useNotebookFile('nb', () => true, onLoad));
    await waitFor(() => expect(result.current.notebook?.title).toBe('loaded'));
    expect(onLoad).toHaveBeenCalledWith(nb('loaded'));
    expect(result.current.nbRef.current).toEqual(nb('loaded'));
  });

  it('sends the page\'s changes as document updates and shows everyone else\'s', async () => {
    serve(nb('one'));
    const { result } = renderHook(() => useNotebookFile('nb', () => true, () => {}));
    await waitFor(() => expect(result.current.notebook).toBeDefined());
    act(() => result.current.commit({ ...nb('one'), cells: [{ id: 'a', type: 'markdown', source: 'one and mine' }] }));
    expect(docToNotebook(fake.server).cells[0]).toMatchObject({ source: 'one and mine' });
    act(() => remoteEdit((n) => ({ ...n, cells: [...n.cells, { id: 'b', type: 'markdown', source: 'theirs' }] })));
    // The ref follows at once (keyboard commands read it), the render on the next frame.
    expect(result.current.nbRef.current?.cells.map((c) => c.id)).toEqual(['a', 'b']);
    await waitFor(() => expect(result.current.notebook?.cells.map((c) => c.id)).toEqual(['a', 'b']));
  });

  it('keeps edits made offline and sends them when the connection is back, merged with what others did meanwhile', async () => {
    serve(nb('base'));
    const { result } = renderHook(() => useNotebookFile('nb', () => true, () => {}));
    await waitFor(() => expect(result.current.notebook).toBeDefined());
    fake.socket.connected = false;
    act(() => fake.fire('disconnect'));
    const sent = fake.received.length;
    act(() => result.current.commit({ ...result.current.nbRef.current!, cells: [{ id: 'a', type: 'markdown', source: 'base, offline' }] }));
    expect(fake.received.length).toBe(sent);
    await waitFor(() => expect(result.current.saveState).toMatch(/^offline/));
    // Meanwhile someone else changed the title on the server (not delivered: this browser is offline).
    applyNotebook(fake.server, { ...docToNotebook(fake.server), title: 'theirs' });
    fake.socket.connected = true;
    await act(async () => fake.fire('connect'));
    await waitFor(() => expect(result.current.notebook?.title).toBe('theirs'));
    expect(docToNotebook(fake.server)).toMatchObject({ title: 'theirs', cells: [{ source: 'base, offline' }] });
  });

  it('undoes this browser\'s own change only', async () => {
    serve({ ...nb('x'), cells: [{ id: 'a', type: 'markdown', source: 'a' }] });
    const { result } = renderHook(() => useNotebookFile('nb', () => true, () => {}));
    await waitFor(() => expect(result.current.doc?.synced).toBe(true));
    const doc = result.current.doc!;
    doc.undo.stopCapturing();
    act(() => result.current.commit({ ...result.current.nbRef.current!, cells: [...result.current.nbRef.current!.cells, { id: 'mine', type: 'markdown', source: 'm' }] }));
    act(() => remoteEdit((n) => ({ ...n, cells: [...n.cells, { id: 'theirs', type: 'markdown', source: 't' }] })));
    act(() => void doc.undo.undo());
    expect(docToNotebook(doc.doc).cells.map((c) => c.id)).toEqual(['a', 'theirs']);
  });

  it('the page\'s undo (cell operations) brings back a deleted cell and the selection of then, keeping others\' cells', async () => {
    serve({ ...nb('x'), cells: [{ id: 'a', type: 'markdown', source: 'a' }, { id: 'b', type: 'markdown', source: 'b' }] });
    const { result } = renderHook(() => {
      const file = useNotebookFile('nb', () => true, () => {});
      return { file, history: useCellHistory(file.doc) };
    });
    await waitFor(() => expect(result.current.file.doc?.synced).toBe(true));
    const cur = () => result.current.file.nbRef.current!;
    act(() => {
      result.current.history.record({ cells: cur().cells, selected: 'b' });
      result.current.file.commit({ ...cur(), cells: cur().cells.filter((c) => c.id !== 'b') });
    });
    act(() => remoteEdit((n) => ({ ...n, cells: [...n.cells, { id: 'theirs', type: 'markdown', source: 't' }] })));
    await waitFor(() => expect(result.current.history.canUndo).toBe(true));
    let state: ReturnType<typeof result.current.history.step>;
    act(() => void (state = result.current.history.step('undo', { cells: cur().cells, selected: 'a' })));
    // b is back after a (where Yjs puts it relative to a cell inserted meanwhile at the same place is its choice).
    expect(state?.cells.map((c) => c.id).sort()).toEqual(['a', 'b', 'theirs']);
    expect(state?.cells[0]?.id).toBe('a');
    expect(state?.selected).toBe('b');
    act(() => void (state = result.current.history.step('redo', { cells: cur().cells, selected: 'b' })));
    expect(state?.cells.map((c) => c.id)).toEqual(['a', 'theirs']);
  });
});
