import { backpressureLevel } from '@flowbook/protocol';
import { formatRate } from '../jobs/rates.js';
import type { Edge, Node } from '@xyflow/react';
import type { OperatorMetrics } from '@flowbook/protocol';
import { layoutGraph } from '../jobs/graphLayout.js';
import { catalogEntryFor, type Catalog, type CatalogEntry, type GraphNode, type PipelineGraph } from './engine.js';
import { edgeKey, type XY } from './graphOps.js';
import { formatDuration } from './schemaForm.js';

/** What a canvas node draws. Metrics and issues ride along here, never in the graph. */
export type PipelineNodeData = {
  label: string;
  entry: CatalogEntry | undefined;
  type: string;
  summary: string;
  issues: string[];
  metrics?: OperatorMetrics;
  /** Sources of a running job: how much they are held back by a saturated job thread. */
  backpressure?: { level: 'ok' | 'low' | 'high'; busy: number };
};
export type PipelineFlowNode = Node<PipelineNodeData, 'pipeline'>;

/** Positions for nodes that have none (graphs built in code): the job page's dagre layout. */
export function layoutPositions(graph: PipelineGraph): Map<string, XY> {
  const laid = layoutGraph(graph, []);
  return new Map(laid.nodes.map((n) => [n.id, { x: Math.round(n.x), y: Math.round(n.y) }]));
}

const dur = (v: unknown) => (typeof v === 'number' ? formatDuration(v) : '?');

/** One line under the node's name: the settings that matter most, so a pipeline reads without opening panels. */
export function nodeSummary(n: GraphNode): string {
  const c = n.config as Record<string, unknown>;
  const assigner = (a: unknown) => {
    const s = (a ?? {}) as Record<string, unknown>;
    const time = s.time === 'event' ? 'event time' : s.time === 'processing' ? 'processing time' : '';
    const size = s.kind === 'sliding' ? `${dur(s.size)} every ${dur(s.slide)}` : s.kind === 'session' ? `gap ${dur(s.gap)}` : s.size !== undefined ? dur(s.size) : '';
    return [String(s.kind ?? '?'), size, time].filter(Boolean).join(' · ');
  };
  switch (n.type) {
    case 'source':
    case 'sink': {
      const cfg = (c.config ?? {}) as Record<string, unknown>;
      const detail = c.connector === 'live' || c.connector === 'collect' ? cfg.name : c.connector === 'socket-text' ? `${String(cfg.host)}:${String(cfg.port)}` : undefined;
      return [String(c.connector ?? '?'), detail].filter((x) => x !== undefined).join(' · ');
    }
    case 'window':
    case 'windowJoin':
    case 'windowCoGroup':
      return assigner(c.assigner) + (n.type === 'window' && c.allWindow ? ' · all' : '');
    case 'intervalJoin':
      return `${dur(c.lowerBound)} … ${dur(c.upperBound)}`;
    default: {
      const fn = c.fn as { code?: string } | undefined;
      const line = fn?.code?.split('\n')[0]?.trim() ?? '';
      return line.length > 34 ? line.slice(0, 33) + '…' : line;
    }
  }
}

export function toFlowNodes(
  graph: PipelineGraph,
  opts: { catalog: Catalog; issues: ReadonlyMap<string, string[]>; metrics: ReadonlyMap<string, OperatorMetrics>; selected: ReadonlySet<string>; readOnly: boolean; busy?: number },
): PipelineFlowNode[] {
  const level = backpressureLevel(opts.busy);
  const missing = graph.nodes.some((n) => !n.position);
  const fallback = missing ? layoutPositions(graph) : new Map<string, XY>();
  return graph.nodes.map((n) => {
    const entry = catalogEntryFor(opts.catalog, n);
    const metrics = opts.metrics.get(n.id);
    return {
      id: n.id,
      type: 'pipeline',
      position: n.position ?? fallback.get(n.id) ?? { x: 0, y: 0 },
      selected: opts.selected.has(n.id),
      draggable: !opts.readOnly,
      data: {
        label: n.name ?? entry?.label ?? n.type,
        entry,
        type: n.type,
        summary: n.parallelism !== undefined ? `${nodeSummary(n)} · ×${n.parallelism}` : nodeSummary(n),
        issues: opts.issues.get(n.id) ?? [],
        ...(metrics ? { metrics } : {}),
        ...(metrics && level && n.type === 'source' ? { backpressure: { level, busy: opts.busy! } } : {}),
      },
    };
  });
}

export function toFlowEdges(graph: PipelineGraph, selected: ReadonlySet<string>, animated: boolean, rates?: ReadonlyMap<string, number>): Edge[] {
  return graph.edges.map((e) => {
    const id = edgeKey(e);
    const label = e.partitioning === 'hash' ? 'keyBy' : e.partitioning !== 'forward' ? e.partitioning : undefined;
    const side = e.sideOutput !== undefined ? `side: ${e.sideOutput}` : undefined;
    // Throughput of a running job: what the source node emits per second (side outputs are not counted in it).
    const rate = e.sideOutput === undefined ? rates?.get(e.source) : undefined;
    const text = [side, label, rate !== undefined ? formatRate(rate) : undefined].filter(Boolean).join(' · ');
    return {
      id,
      source: e.source,
      target: e.target,
      sourceHandle: 'out',
      targetHandle: `in${e.targetInput}`,
      selected: selected.has(id),
      animated,
      ...(text ? { label: text, labelBgPadding: [4, 2] as [number, number], labelBgBorderRadius: 4 } : {}),
      ...(e.partitioning === 'hash' ? { className: 'pl-edge-keyed' } : {}),
    };
  });
}
