// @vitest-environment jsdom
import { cleanup, renderHook } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { catalog } from './engine.js';
import { addNode, connect, EMPTY_GRAPH } from './graphOps.js';
import { useCanvasClipboard } from './useCanvasClipboard.js';

afterEach(cleanup);

const entry = (id: string) => catalog.entries.find((e) => e.id === id)!;

/** source → map, at known positions. */
function pipeline() {
  const s = addNode(EMPTY_GRAPH, entry('source:sales-generator'), { x: 0, y: 0 });
  const m = addNode(s.graph, entry('map'), { x: 250, y: 0 });
  return { g: connect(m.graph, { source: s.id, target: m.id, targetInput: 0 }, entry('map')), source: s.id, map: m.id };
}

describe('useCanvasClipboard', () => {
  it('pastes a copy with fresh ids and its inner edge, each paste a step further', () => {
    const { result } = renderHook(() => useCanvasClipboard());
    const { g, source, map } = pipeline();
    expect(result.current.copy(g, new Set([source, map]))).toBe(true);
    const first = result.current.paste(g)!;
    expect(first.ids).toHaveLength(2);
    expect(first.ids).not.toContain(source);
    const pastedNodes = first.graph.nodes.filter((n) => first.ids.includes(n.id));
    expect(pastedNodes.map((n) => n.position)).toEqual([
      { x: 40, y: 40 },
      { x: 290, y: 40 },
    ]);
    expect(first.graph.edges.some((e) => e.source === first.ids[0] && e.target === first.ids[1])).toBe(true);
    const second = result.current.paste(first.graph)!;
    expect(second.graph.nodes.find((n) => n.id === second.ids[0])!.position).toEqual({ x: 80, y: 80 });
    // A new copy starts the steps again.
    result.current.copy(g, new Set([map]));
    expect(result.current.paste(g)!.graph.nodes.find((n) => n.type === 'map' && n.id !== map)!.position).toEqual({ x: 290, y: 40 });
  });

  it('is shared by the canvases of a page, and an empty selection copies nothing', () => {
    const a = renderHook(() => useCanvasClipboard()).result;
    const b = renderHook(() => useCanvasClipboard()).result;
    const { g, map } = pipeline();
    a.current.copy(g, new Set([map]));
    expect(a.current.copy(g, new Set())).toBe(false);
    const pasted = b.current.paste(EMPTY_GRAPH)!;
    expect(pasted.graph.nodes.map((n) => n.type)).toEqual(['map']);
  });
});
