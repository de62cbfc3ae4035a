import { getConnector } from '../connectors/registry.js';
import type { GraphNode, PipelineGraph } from './PipelineGraph.js';

/**
 * Why a node runs as a single subtask whatever the job's parallelism: a source whose connector does not split its
 * input, a sink whose connector writes through one connection (the connector registry declares `splittable` and
 * `parallelSink`), and a window over a non-keyed stream (windowAll), which sees every record, as in Flink.
 */
export function singleSubtaskReason(graph: PipelineGraph, node: GraphNode): string | undefined {
  const connector = typeof node.config.connector === 'string' ? node.config.connector : undefined;
  const def = connector !== undefined ? getConnector(connector) : undefined;
  if (node.type === 'source' && def?.splittable !== true) return `a ${connector ?? ''} source does not split its input: it runs as one subtask`.replace('a  ', 'a ');
  if (node.type === 'sink' && def?.parallelSink !== true) return `a ${connector ?? ''} sink writes through one connection: it runs as one subtask`.replace('a  ', 'a ');
  if (node.type === 'window' && !graph.edges.some((e) => e.target === node.id && e.partitioning === 'hash')) return 'windowAll runs as one subtask (as in Flink)';
  return undefined;
}

/** Number of subtasks each node runs with: its own parallelism, else the job's, else 1; never more than maxParallelism. */
export function effectiveParallelism(graph: PipelineGraph): Map<string, number> {
  const out = new Map<string, number>();
  for (const n of graph.nodes) {
    const p = singleSubtaskReason(graph, n) !== undefined ? 1 : (n.parallelism ?? graph.config.parallelism ?? 1);
    out.set(n.id, Math.min(p, graph.config.maxParallelism));
  }
  return out;
}
