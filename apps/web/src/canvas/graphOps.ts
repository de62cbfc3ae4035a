import { defaultNodeName, PipelineGraph, type CatalogEntry, type GraphEdge, type GraphNode, type PipelineGraphInput } from './engine.js';

/** Editing operations on the engine's PipelineGraph: pure functions, each returning a new graph. */

export type XY = { x: number; y: number };

export const EMPTY_GRAPH: PipelineGraph = { version: 1, config: { autoWatermarkInterval: 200, maxParallelism: 128 }, nodes: [], edges: [] };

/** The graph with the schema's defaults filled in; a malformed graph keeps what can be kept rather than failing the editor. */
export function normalizeGraph(input: PipelineGraphInput): PipelineGraph {
  const parsed = PipelineGraph.safeParse(input);
  if (parsed.success) return parsed.data;
  return {
    ...EMPTY_GRAPH,
    ...(input.name !== undefined ? { name: input.name } : {}),
    nodes: (input.nodes ?? []).map((n) => ({ ...n, config: n.config ?? {} })),
    edges: (input.edges ?? []).map((e) => ({ ...e, targetInput: e.targetInput ?? 0, partitioning: e.partitioning ?? 'forward' })),
  };
}

/** React Flow needs edge ids; graph edges have none. Source, target, input and side output identify an edge. */
export function edgeKey(e: GraphEdge): string {
  return `${e.source}->${e.target}:${e.targetInput}${e.sideOutput !== undefined ? `!${e.sideOutput}` : ''}`;
}

/** Ids like the API's (`map-3`), so graphs drawn here read like graphs built in code. */
export function newNodeId(graph: PipelineGraph, type: string): string {
  let max = 0;
  for (const n of graph.nodes) {
    const m = /-(\d+)$/.exec(n.id);
    if (m) max = Math.max(max, Number(m[1]));
  }
  return `${type}-${max + 1}`;
}

export function addNode(graph: PipelineGraph, entry: CatalogEntry, position: XY): { graph: PipelineGraph; id: string } {
  const id = newNodeId(graph, entry.type);
  const config = structuredClone(entry.defaults);
  const name = defaultNodeName(entry.type, config);
  const node: GraphNode = { id, type: entry.type, ...(name !== undefined ? { name } : {}), config, position: { x: Math.round(position.x), y: Math.round(position.y) } };
  return { graph: { ...graph, nodes: [...graph.nodes, node] }, id };
}

export interface Connection {
  source: string;
  target: string;
  targetInput: 0 | 1;
}

/** Why a connection cannot be made, or undefined when it can. */
export function connectionProblem(graph: PipelineGraph, c: Connection, entryOf: (n: GraphNode) => CatalogEntry | undefined): string | undefined {
  const source = graph.nodes.find((n) => n.id === c.source);
  const target = graph.nodes.find((n) => n.id === c.target);
  if (!source || !target) return 'unknown node';
  if (c.source === c.target) return 'a node cannot feed itself';
  if (entryOf(source)?.outputs === 0) return 'a sink has no output';
  const inputs = entryOf(target)?.inputs ?? 1;
  if (c.targetInput >= inputs) return inputs === 0 ? 'a source has no input' : 'no such input';
  if (reaches(graph, c.target, c.source)) return 'the connection would make a cycle';
  if (graph.edges.some((e) => e.source === c.source && e.target === c.target && e.targetInput === c.targetInput && e.sideOutput === undefined)) return 'already connected';
  return undefined;
}

function reaches(graph: PipelineGraph, from: string, to: string): boolean {
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (id === to) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const e of graph.edges) if (e.source === id) stack.push(e.target);
  }
  return false;
}

/**
 * Adds an edge. An input takes one stream (a new edge replaces the old one), except a union's, which merges any
 * number. Keyed operators get a keyBy edge with an identity key to edit.
 */
export function connect(graph: PipelineGraph, c: Connection, targetEntry: CatalogEntry | undefined): PipelineGraph {
  const keyed = targetEntry?.keyed === true;
  const edge: GraphEdge = {
    source: c.source,
    target: c.target,
    targetInput: c.targetInput,
    partitioning: keyed ? 'hash' : 'forward',
    ...(keyed ? { keySelector: { code: '(value) => value' } } : {}),
  };
  const replace = targetEntry?.type !== 'union';
  const edges = graph.edges.filter((e) => !(replace && e.target === c.target && e.targetInput === c.targetInput));
  return syncWindowAll({ ...graph, edges: [...edges, edge] });
}

export function removeElements(graph: PipelineGraph, nodeIds: ReadonlySet<string>, edgeKeys: ReadonlySet<string>): PipelineGraph {
  return syncWindowAll({
    ...graph,
    nodes: graph.nodes.filter((n) => !nodeIds.has(n.id)),
    edges: graph.edges.filter((e) => !nodeIds.has(e.source) && !nodeIds.has(e.target) && !edgeKeys.has(edgeKey(e))),
  });
}

export function updateNode(graph: PipelineGraph, id: string, patch: Partial<Pick<GraphNode, 'name' | 'config' | 'parallelism'>>): PipelineGraph {
  return {
    ...graph,
    nodes: graph.nodes.map((n) => {
      if (n.id !== id) return n;
      const next: GraphNode = { ...n, ...patch };
      // An empty name is no name: the canvas then shows the operator's label.
      if (next.name === undefined || next.name === '') delete next.name;
      // No parallelism of its own: the node runs with the job's.
      if (next.parallelism === undefined) delete next.parallelism;
      return next;
    }),
  };
}

export function updateEdge(graph: PipelineGraph, key: string, patch: Partial<GraphEdge>): PipelineGraph {
  return syncWindowAll({
    ...graph,
    edges: graph.edges.map((e) => {
      if (edgeKey(e) !== key) return e;
      const next: GraphEdge = { ...e, ...patch };
      if (next.partitioning !== 'hash') delete next.keySelector;
      if (next.sideOutput === undefined || next.sideOutput === '') delete next.sideOutput;
      return next;
    }),
  });
}

export function setPositions(graph: PipelineGraph, positions: ReadonlyMap<string, XY>): PipelineGraph {
  return { ...graph, nodes: graph.nodes.map((n) => (positions.has(n.id) ? { ...n, position: roundXY(positions.get(n.id)!) } : n)) };
}

const roundXY = (p: XY): XY => ({ x: Math.round(p.x), y: Math.round(p.y) });

/**
 * A window over a stream without keyBy is the API's windowAll, whose node carries `allWindow` (its process function
 * gets no key, one subtask). That is a choice the user ticks ("All window"): validation flags an unkeyed window
 * without it. Keying the edge into a window clears the flag, since a keyed window is never windowAll.
 */
export function syncWindowAll(graph: PipelineGraph): PipelineGraph {
  let changed = false;
  const nodes = graph.nodes.map((n) => {
    if (n.type !== 'window' || n.config.allWindow !== true) return n;
    const ins = graph.edges.filter((e) => e.target === n.id);
    if (ins.length === 0 || !ins.every((e) => e.partitioning === 'hash')) return n;
    changed = true;
    const config = { ...n.config };
    delete config.allWindow;
    return { ...n, config };
  });
  return changed ? { ...graph, nodes } : graph;
}

/** Copied nodes and the edges between them. */
export interface Fragment {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export function copyFragment(graph: PipelineGraph, nodeIds: ReadonlySet<string>): Fragment {
  return structuredClone({
    nodes: graph.nodes.filter((n) => nodeIds.has(n.id)),
    edges: graph.edges.filter((e) => nodeIds.has(e.source) && nodeIds.has(e.target)),
  });
}

/** Pastes a fragment with fresh ids, shifted by `offset` so the copies do not hide the originals. */
export function pasteFragment(graph: PipelineGraph, fragment: Fragment, offset: XY): { graph: PipelineGraph; ids: string[] } {
  const ids = new Map<string, string>();
  let g = graph;
  const nodes: GraphNode[] = [];
  for (const n of fragment.nodes) {
    const id = newNodeId({ ...g, nodes: [...g.nodes, ...nodes] }, n.type);
    ids.set(n.id, id);
    const p = n.position ?? { x: 0, y: 0 };
    nodes.push({ ...structuredClone(n), id, position: roundXY({ x: p.x + offset.x, y: p.y + offset.y }) });
  }
  const edges = fragment.edges.map((e) => ({ ...structuredClone(e), source: ids.get(e.source)!, target: ids.get(e.target)! }));
  g = syncWindowAll({ ...graph, nodes: [...graph.nodes, ...nodes], edges: [...graph.edges, ...edges] });
  return { graph: g, ids: [...ids.values()] };
}

/**
 * The edge the palette's "Key by" keys: the one selected edge, else the one input of the one selected node. Undefined
 * when the selection names no single edge (the canvas then says what to select).
 */
export function edgeToKey(graph: PipelineGraph, nodeIds: ReadonlySet<string>, edgeKeys: ReadonlySet<string>): string | undefined {
  if (edgeKeys.size === 1 && nodeIds.size === 0) return [...edgeKeys][0];
  if (nodeIds.size !== 1 || edgeKeys.size > 0) return undefined;
  const id = [...nodeIds][0];
  const ins = graph.edges.filter((e) => e.target === id);
  return ins.length === 1 ? edgeKey(ins[0]!) : undefined;
}

/** keyBy on an edge, with a key selector to edit (the edge's own, if it had one). */
export function keyEdge(graph: PipelineGraph, key: string): PipelineGraph {
  const edge = graph.edges.find((e) => edgeKey(e) === key);
  return edge ? updateEdge(graph, key, { partitioning: 'hash', keySelector: edge.keySelector ?? { code: '(value) => value' } }) : graph;
}
