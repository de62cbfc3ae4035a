import { getConnector } from '../connectors/registry.js';
import type { GraphNode, PipelineGraph } from './PipelineGraph.js';
import type { GraphIssue } from './validate.js';

interface WatermarkSpec {
  kind?: string;
  timestampAssigner?: unknown;
}

const EVENT_TIME_NODES = new Set(['window', 'windowJoin', 'windowCoGroup']);

/** The node's watermark strategy when it generates watermarks (noWatermarks() generates none). */
function strategyOf(node: GraphNode): WatermarkSpec | undefined {
  if (node.type !== 'source' && node.type !== 'assignTimestampsAndWatermarks') return undefined;
  const ws = node.config.watermarkStrategy as WatermarkSpec | undefined;
  return ws !== undefined && ws.kind !== 'noWatermarks' ? ws : undefined;
}

/**
 * The connector of a source gives its records event timestamps (Kafka's, MQTT's arrival time, elements' timestamps).
 * Only connectors that declare they do not (sales, socket, file) are doubted: an undeclared one is trusted.
 */
function connectorTimestamps(node: GraphNode): boolean {
  if (typeof node.config.connector !== 'string') return true;
  const rt = getConnector(node.config.connector)?.recordTimestamps;
  if (typeof rt === 'string') return (node.config.config as Record<string, unknown> | undefined)?.[rt] !== undefined;
  return rt !== false;
}

/**
 * Event time as the run sees it, path by path: records get timestamps from their source's connector or an assigner
 * (windows stamp their results with the window's end); an event-time window fires only when every input has
 * watermarks, and a watermark strategy over records without timestamps would fail the job ("record has no timestamp").
 */
export function eventTimeIssues(graph: PipelineGraph): GraphIssue[] {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const inputsOf = (id: string) => graph.edges.filter((e) => e.target === id).map((e) => e.source);
  // Memoized per node; a cycle (reported elsewhere) reads as "no".
  const memo = (f: (n: GraphNode) => boolean) => {
    const seen = new Map<string, boolean>();
    const g = (id: string): boolean => {
      const known = seen.get(id);
      if (known !== undefined) return known;
      seen.set(id, false);
      const node = byId.get(id);
      const v = node !== undefined && f(node);
      seen.set(id, v);
      return v;
    };
    return g;
  };
  const allInputs = (id: string, f: (id: string) => boolean) => {
    const ins = inputsOf(id);
    return ins.length > 0 && ins.every(f);
  };
  const timestamped: (id: string) => boolean = memo((n) => {
    const ws = n.config.watermarkStrategy as WatermarkSpec | undefined;
    if (ws?.timestampAssigner !== undefined) return true;
    if (n.type === 'source') return connectorTimestamps(n);
    if (EVENT_TIME_NODES.has(n.type)) return true;
    return allInputs(n.id, timestamped);
  });
  const watermarked: (id: string) => boolean = memo((n) => {
    if (strategyOf(n) !== undefined) return true;
    if (n.type === 'source') {
      // A source that emits its own watermarks (Kafka's per-partition ones) needs no strategy, nor an assigner that drops them.
      const ws = n.config.watermarkStrategy as WatermarkSpec | undefined;
      const def = typeof n.config.connector === 'string' ? getConnector(n.config.connector) : undefined;
      return ws?.timestampAssigner === undefined && def?.emitsWatermarks === true;
    }
    if (n.type === 'assignTimestampsAndWatermarks') return false;
    return allInputs(n.id, watermarked);
  });

  const issues: GraphIssue[] = [];
  for (const n of graph.nodes) {
    const ws = strategyOf(n);
    if (ws === undefined || ws.timestampAssigner !== undefined) continue;
    if (n.type === 'source' && !connectorTimestamps(n)) {
      issues.push({
        nodeId: n.id,
        message: `the "${String(n.config.connector)}" source's records carry no event time, so its watermark strategy has nothing to measure: set Watermark strategy › Timestamp assigner (withTimestampAssigner) to a function that returns the record's time in ms, or set the strategy's kind to noWatermarks`,
      });
    } else if (n.type === 'assignTimestampsAndWatermarks' && inputsOf(n.id).length > 0 && !allInputs(n.id, timestamped)) {
      issues.push({ nodeId: n.id, message: 'the records coming in carry no event time: set Watermark strategy › Timestamp assigner (withTimestampAssigner) to a function that returns the record\'s time in ms' });
    }
  }
  for (const n of graph.nodes) {
    const assigner = n.config.assigner as { time?: string } | undefined;
    if (!EVENT_TIME_NODES.has(n.type) || assigner?.time !== 'event') continue;
    const ins = inputsOf(n.id);
    if (ins.length === 0) continue;
    if (!ins.every((id) => watermarked(id) && timestamped(id))) {
      issues.push({
        nodeId: n.id,
        message: 'an event-time window needs timestamps and watermarks upstream: on the source set a Watermark strategy with a Timestamp assigner, add a "Timestamps & watermarks" node before the window, or set the window\'s Assigner › Time to processing',
      });
    }
  }
  return issues;
}
