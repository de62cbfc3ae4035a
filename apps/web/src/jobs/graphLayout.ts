import dagre from '@dagrejs/dagre';
import type { OperatorMetrics } from '@flowbook/protocol';

export interface GraphJson {
  nodes: { id: string; type: string; name?: string }[];
  edges: { source: string; target: string; partitioning?: string; sideOutput?: string; targetInput?: number }[];
}

export interface LaidOutNode {
  id: string;
  x: number;
  y: number;
  label: string;
  type: string;
  metrics?: OperatorMetrics;
}

export const NODE_W = 200;
export const NODE_H = 86;

/** Left-to-right layout of a pipeline graph with dagre (no hand-made layout), with each node's live metrics attached. */
export function layoutGraph(full: GraphJson, operators: OperatorMetrics[]): { nodes: LaidOutNode[]; edges: { id: string; source: string; target: string; label?: string }[] } {
  // The server's own dead-letter sink would draw an edge from every operator: its records show under the cell and
  // each node shows its dead-letter count, so it is left out of the picture.
  const hidden = new Set(full.nodes.filter((n) => n.id.startsWith('__dead-letters')).map((n) => n.id));
  const graph = hidden.size === 0 ? full : { nodes: full.nodes.filter((n) => !hidden.has(n.id)), edges: full.edges.filter((e) => !hidden.has(e.target)) };
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 30, ranksep: 60 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of graph.nodes) g.setNode(n.id, { width: NODE_W, height: NODE_H });
  for (const e of graph.edges) g.setEdge(e.source, e.target);
  dagre.layout(g);
  const byId = new Map(operators.map((o) => [o.nodeId, o]));
  return {
    nodes: graph.nodes.map((n) => {
      const p = g.node(n.id);
      const metrics = byId.get(n.id);
      return { id: n.id, x: p.x - NODE_W / 2, y: p.y - NODE_H / 2, label: n.name ?? n.id, type: n.type, ...(metrics ? { metrics } : {}) };
    }),
    edges: graph.edges.map((e, i) => {
      const label = e.partitioning === 'hash' ? 'keyBy' : e.sideOutput ? `side: ${e.sideOutput}` : undefined;
      return { id: `e${i}`, source: e.source, target: e.target, ...(label ? { label } : {}) };
    }),
  };
}
