// @vitest-environment jsdom
import { act, cleanup, renderHook } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { applyNotebook, docToNotebook, notebookToDoc, type Notebook } from '@flowbook/protocol';
import { PipelineGraph } from './engine.js';
import { useGraphHistory } from './useGraphHistory.js';

afterEach(cleanup);

const at = (x: number, name = 'n') => PipelineGraph.parse({ version: 1, nodes: [{ id: 'a', type: 'map', name, config: {}, position: { x, y: 0 } }], edges: [] });

/** The hook with its parent: the parent keeps what onChange gives it, as PipelineCanvas's parents do. */
function setup() {
  let graph = at(0);
  const hook = renderHook(({ g }) => useGraphHistory(g, (next) => (graph = next)), { initialProps: { g: graph } });
  const rerender = () => hook.rerender({ g: graph });
  return { hook, rerender, graph: () => graph };
}

describe('useGraphHistory', () => {
  it('makes typing in one field one undo step, and redoes it', () => {
    const { hook, rerender, graph } = setup();
    for (const name of ['d', 'do', 'dou']) {
      act(() => hook.result.current.commit(at(0, name), 'node:a:name'));
      rerender();
    }
    expect(graph().nodes[0]!.name).toBe('dou');
    act(() => void hook.result.current.step('undo'));
    rerender();
    expect(graph().nodes[0]!.name).toBe('n');
    expect(hook.result.current.canUndo).toBe(false);
    act(() => void hook.result.current.step('redo'));
    rerender();
    expect(graph().nodes[0]!.name).toBe('dou');
  });

  it('makes a drag one undo step, back to where it started', () => {
    const { hook, rerender, graph } = setup();
    for (const x of [10, 20, 30]) {
      act(() => hook.result.current.move(at(x), true));
      rerender();
    }
    expect(hook.result.current.canUndo).toBe(false);
    act(() => hook.result.current.move(at(40), false));
    rerender();
    expect(graph().nodes[0]!.position).toEqual({ x: 40, y: 0 });
    act(() => void hook.result.current.step('undo'));
    rerender();
    expect(graph().nodes[0]!.position).toEqual({ x: 0, y: 0 });
    expect(hook.result.current.step('undo')).toBe(false);
  });

  it('co-edited, undoes this browser\'s own move only: another person\'s move meanwhile stays', () => {
    const two = PipelineGraph.parse({
      version: 1,
      nodes: [
        { id: 'a', type: 'map', config: {}, position: { x: 0, y: 0 } },
        { id: 'b', type: 'map', config: {}, position: { x: 0, y: 0 } },
      ],
      edges: [],
    });
    // Two replicas of one notebook, as two browsers.
    const mine = notebookToDoc({ version: 1, title: 'T', cells: [{ id: 'p', type: 'pipeline', graph: two }] } as Notebook);
    const theirs = new Y.Doc();
    Y.applyUpdate(theirs, Y.encodeStateAsUpdate(mine));
    const sync = () => {
      Y.applyUpdate(theirs, Y.encodeStateAsUpdate(mine, Y.encodeStateVector(theirs)), 'remote');
      Y.applyUpdate(mine, Y.encodeStateAsUpdate(theirs, Y.encodeStateVector(mine)), 'remote');
    };
    const graphOf = (doc: Y.Doc) => (docToNotebook(doc).cells[0] as { graph: PipelineGraph }).graph;
    const setGraph = (doc: Y.Doc, graph: PipelineGraph, origin: unknown) => {
      const n = docToNotebook(doc);
      applyNotebook(doc, { ...n, cells: [{ ...n.cells[0]!, graph } as Notebook['cells'][number]] }, origin);
    };
    const moved = (g: PipelineGraph, id: string, x: number) => ({ ...g, nodes: g.nodes.map((n) => (n.id === id ? { ...n, position: { x, y: 0 } } : n)) });
    // The page writes the canvas's changes into the document with the local origin, and renders what it holds.
    const hook = renderHook(({ g }) => useGraphHistory(g, (next) => setGraph(mine, next, 'local'), { doc: mine, cellId: 'p', origin: 'local' }), { initialProps: { g: graphOf(mine) } });
    const rerender = () => hook.rerender({ g: graphOf(mine) });
    act(() => hook.result.current.move(moved(graphOf(mine), 'a', 10), true));
    act(() => hook.result.current.move(moved(graphOf(mine), 'a', 50), false));
    rerender();
    setGraph(theirs, moved(graphOf(theirs), 'b', 99), 'local');
    sync();
    rerender();
    expect(graphOf(mine).nodes.map((n) => n.position?.x)).toEqual([50, 99]);
    expect(hook.result.current.canUndo).toBe(true);
    act(() => void hook.result.current.step('undo'));
    rerender();
    expect(graphOf(mine).nodes.map((n) => n.position?.x)).toEqual([0, 99]);
    sync();
    expect(graphOf(theirs).nodes.map((n) => n.position?.x)).toEqual([0, 99]);
    act(() => void hook.result.current.step('redo'));
    expect(graphOf(mine).nodes.map((n) => n.position?.x)).toEqual([50, 99]);
  });
});
