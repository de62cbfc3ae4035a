import type { GraphNode, PipelineGraph } from './PipelineGraph.js';

/**
 * Why a node runs as a single subtask whatever the job's parallelism: sources and sinks read and write through one
 * connection in the embedded runtime (scale-out past one process is by Kafka consumer groups), and a window over a
 * non-keyed stream (windowAll) sees every record, as in Flink.
 */
export function singleSubtaskReason(graph: PipelineGraph, node: GraphNode): string | undefined {
  if (node.type === 'source') return 'a source runs as one subtask';
  if (node.type === 'sink') return 'a sink runs as one subtask';
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
