import { validatePipeline } from './validation.js';
import { describe, expect, it } from 'vitest';
import { catalog, catalogEntryFor, toCode, type GraphNode, type PipelineGraph } from './engine.js';
import {
  addNode,
  connect,
  connectionProblem,
  copyFragment,
  edgeKey,
  edgeToKey,
  keyEdge,
  EMPTY_GRAPH,
  newNodeId,
  normalizeGraph,
  pasteFragment,
  removeElements,
  setPositions,
  syncWindowAll,
  updateEdge,
  updateNode,
} from './graphOps.js';

const entry = (id: string) => catalog.entries.find((e) => e.id === id)!;
const entryOf = (n: GraphNode) => catalogEntryFor(catalog, n);

/** Adds palette items in order and returns the graph and their ids. */
function build(...ids: string[]): { g: PipelineGraph; ids: string[] } {
  let g = EMPTY_GRAPH;
  const out: string[] = [];
  ids.forEach((id, i) => {
    const r = addNode(g, entry(id), { x: i * 250, y: 0 });
    g = r.graph;
    out.push(r.id);
  });
  return { g, ids: out };
}

describe('graph editing', () => {
  it('adds palette items as engine nodes with API-style ids, default configs and API default names', () => {
    const { g, ids } = build('source:sales-generator', 'map', 'window', 'sink:print');
    expect(ids).toEqual(['source-1', 'map-2', 'window-3', 'sink-4']);
    expect(g.nodes[0]).toMatchObject({ type: 'source', name: 'sales-generator', config: { connector: 'sales-generator', watermarkStrategy: { kind: 'noWatermarks' } }, position: { x: 0, y: 0 } });
    // map has no API default name; a window's is Window(<assigner kind>), print()'s is Print.
    expect(g.nodes.map((n) => n.name)).toEqual(['sales-generator', undefined, 'Window(tumbling)', 'Print']);
    expect(newNodeId(g, 'filter')).toBe('filter-5');
  });

  it('connects outputs to inputs, with keyBy into keyed operators, and refuses impossible connections', () => {
    let { g, ids } = build('source:sales-generator', 'map', 'reduce', 'sink:print');
    const [src, map, reduce, sink] = ids as [string, string, string, string];
    g = connect(g, { source: src, target: map, targetInput: 0 }, entry('map'));
    g = connect(g, { source: map, target: reduce, targetInput: 0 }, entry('reduce'));
    expect(g.edges[0]).toEqual({ source: src, target: map, targetInput: 0, partitioning: 'forward' });
    expect(g.edges[1]).toEqual({ source: map, target: reduce, targetInput: 0, partitioning: 'hash', keySelector: { code: '(value) => value' } });
    expect(connectionProblem(g, { source: sink, target: map, targetInput: 0 }, entryOf)).toBe('a sink has no output');
    expect(connectionProblem(g, { source: map, target: src, targetInput: 0 }, entryOf)).toBe('a source has no input');
    expect(connectionProblem(g, { source: src, target: map, targetInput: 1 }, entryOf)).toBe('no such input');
    expect(connectionProblem(g, { source: reduce, target: map, targetInput: 0 }, entryOf)).toBe('the connection would make a cycle');
    expect(connectionProblem(g, { source: map, target: map, targetInput: 0 }, entryOf)).toBe('a node cannot feed itself');
    expect(connectionProblem(g, { source: src, target: map, targetInput: 0 }, entryOf)).toBe('already connected');
    expect(connectionProblem(g, { source: reduce, target: sink, targetInput: 0 }, entryOf)).toBeUndefined();
    // A second stream into a one-input operator replaces the first; a union merges them.
    const again = connect(g, { source: src, target: reduce, targetInput: 0 }, entry('reduce'));
    expect(again.edges.filter((e) => e.target === reduce).map((e) => e.source)).toEqual([src]);
    let u = build('source:elements', 'source:elements', 'union');
    u.g = connect(u.g, { source: u.ids[0]!, target: u.ids[2]!, targetInput: 0 }, entry('union'));
    u.g = connect(u.g, { source: u.ids[1]!, target: u.ids[2]!, targetInput: 0 }, entry('union'));
    expect(u.g.edges).toHaveLength(2);
  });

  it('uses both inputs of two-input operators', () => {
    let { g, ids } = build('source:elements', 'source:elements', 'windowJoin');
    expect(connectionProblem(g, { source: ids[1]!, target: ids[2]!, targetInput: 1 }, entryOf)).toBeUndefined();
    g = connect(g, { source: ids[0]!, target: ids[2]!, targetInput: 0 }, entry('windowJoin'));
    g = connect(g, { source: ids[1]!, target: ids[2]!, targetInput: 1 }, entry('windowJoin'));
    expect(g.edges.map((e) => [e.targetInput, e.partitioning])).toEqual([
      [0, 'hash'],
      [1, 'hash'],
    ]);
  });

  it('leaves a window over a plain stream to the user (All window or keyBy), and clears windowAll once keyed', () => {
    let { g, ids } = build('source:sales-generator', 'window', 'sink:print');
    g = connect(g, { source: ids[0]!, target: ids[1]!, targetInput: 0 }, entry('window'));
    g = connect(g, { source: ids[1]!, target: ids[2]!, targetInput: 0 }, entry('sink:print'));
    expect(g.nodes[1]!.config.allWindow).toBeUndefined();
    expect(validatePipeline(g).byNode.get(ids[1]!)).toEqual([expect.stringMatching(/^the window has no key/)]);
    g = updateNode(g, ids[1]!, { config: { ...g.nodes[1]!.config, allWindow: true } });
    expect(validatePipeline(g).issues).toEqual([]);
    expect(toCode(g)).toContain('.windowAll(TumblingProcessingTimeWindows.of(Time.seconds(5)))');
    const key = edgeKey(g.edges[0]!);
    g = updateEdge(g, key, { partitioning: 'hash', keySelector: { code: '(line) => line.split(",")[1]' } });
    expect(g.nodes[1]!.config.allWindow).toBeUndefined();
    expect(toCode(g)).toContain('.keyBy((line) => line.split(",")[1])\n  .window(TumblingProcessingTimeWindows.of(Time.seconds(5)))');
    // Back to forward drops the key selector.
    g = updateEdge(g, edgeKey(g.edges[0]!), { partitioning: 'forward' });
    expect(g.edges[0]).toEqual({ source: ids[0], target: ids[1], targetInput: 0, partitioning: 'forward' });
    expect(syncWindowAll(g)).toBe(g);
  });

  it('removes nodes with their edges, and single edges', () => {
    let { g, ids } = build('source:sales-generator', 'map', 'sink:print');
    g = connect(g, { source: ids[0]!, target: ids[1]!, targetInput: 0 }, entry('map'));
    g = connect(g, { source: ids[1]!, target: ids[2]!, targetInput: 0 }, entry('sink:print'));
    const withoutMap = removeElements(g, new Set([ids[1]!]), new Set());
    expect(withoutMap.nodes.map((n) => n.id)).toEqual([ids[0], ids[2]]);
    expect(withoutMap.edges).toEqual([]);
    const withoutEdge = removeElements(g, new Set(), new Set([edgeKey(g.edges[1]!)]));
    expect(withoutEdge.edges.map((e) => e.target)).toEqual([ids[1]]);
  });

  it('copies nodes with the edges between them and pastes them with new ids, shifted', () => {
    let { g, ids } = build('source:sales-generator', 'map', 'sink:print');
    g = connect(g, { source: ids[0]!, target: ids[1]!, targetInput: 0 }, entry('map'));
    g = connect(g, { source: ids[1]!, target: ids[2]!, targetInput: 0 }, entry('sink:print'));
    const fragment = copyFragment(g, new Set([ids[1]!, ids[2]!]));
    expect(fragment.edges).toHaveLength(1);
    const { graph, ids: pasted } = pasteFragment(g, fragment, { x: 40, y: 40 });
    expect(pasted).toEqual(['map-4', 'sink-5']);
    expect(graph.nodes.find((n) => n.id === 'map-4')!.position).toEqual({ x: 290, y: 40 });
    expect(graph.edges.at(-1)).toMatchObject({ source: 'map-4', target: 'sink-5' });
    // The copy is independent of the original.
    fragment.nodes[0]!.config.fn = { code: 'changed' };
    expect(graph.nodes.find((n) => n.id === 'map-4')!.config.fn).toEqual({ code: '(value) => value' });
  });

  it('edits names, configs and positions immutably; an empty name is no name', () => {
    const { g, ids } = build('map');
    const named = updateNode(g, ids[0]!, { name: 'parse' });
    expect(named.nodes[0]!.name).toBe('parse');
    expect(g.nodes[0]!.name).toBeUndefined();
    expect('name' in updateNode(named, ids[0]!, { name: '' }).nodes[0]!).toBe(false);
    const moved = setPositions(g, new Map([[ids[0]!, { x: 10.6, y: -3.2 }]]));
    expect(moved.nodes[0]!.position).toEqual({ x: 11, y: -3 });
  });

  it('fills in graph defaults and keeps what it can of a malformed graph', () => {
    expect(normalizeGraph({ version: 1, nodes: [{ id: 'a', type: 'map' }], edges: [{ source: 'a', target: 'b' }] })).toEqual({
      version: 1,
      config: { autoWatermarkInterval: 200, maxParallelism: 128 },
      nodes: [{ id: 'a', type: 'map', config: {} }],
      edges: [{ source: 'a', target: 'b', targetInput: 0, partitioning: 'forward' }],
    });
    expect(normalizeGraph({ version: 1, nodes: [{ id: '', type: 'map' }], edges: [] }).nodes).toEqual([{ id: '', type: 'map', config: {} }]);
  });

  it('finds the edge the palette\'s Key by keys: the selected edge, or the one input of the selected node', () => {
    let { g, ids } = build('source:sales-generator', 'window', 'sink:print');
    g = connect(g, { source: ids[0]!, target: ids[1]!, targetInput: 0 }, entry('window'));
    g = connect(g, { source: ids[1]!, target: ids[2]!, targetInput: 0 }, entry('sink:print'));
    const into = edgeKey(g.edges[0]!);
    expect(edgeToKey(g, new Set([ids[1]!]), new Set())).toBe(into);
    expect(edgeToKey(g, new Set(), new Set([into]))).toBe(into);
    expect(edgeToKey(g, new Set([ids[0]!]), new Set())).toBeUndefined();
    expect(edgeToKey(g, new Set([ids[1]!, ids[2]!]), new Set())).toBeUndefined();
    const keyed = keyEdge(g, into);
    expect(keyed.edges[0]).toMatchObject({ partitioning: 'hash', keySelector: { code: '(value) => value' } });
    expect(validatePipeline(keyed).byNode.get(ids[1]!)).toBeUndefined();
  });
});
