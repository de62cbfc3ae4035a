// @vitest-environment jsdom
import { act, cleanup, renderHook } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
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
});
