import { DEAD_LETTER_TAG } from '../runtime/operators/SourceOperator.js';
import type { PipelineGraph } from './PipelineGraph.js';

/** The live sink name under which a notebook shows a job's malformed records. */
export const DEAD_LETTER_SINK = 'dead letters';

/**
 * Routes the dead-letter side output of every operator into one live sink, so malformed records are shown (with the
 * raw input, the error and the position) instead of only counted. Hosts apply this before running a graph.
 */
export function withDeadLetterSink(graph: PipelineGraph, sinkName = DEAD_LETTER_SINK): PipelineGraph {
  const producers = graph.nodes.filter((n) => n.type !== 'sink');
  if (producers.length === 0) return graph;
  let id = '__dead-letters';
  while (graph.nodes.some((n) => n.id === id)) id += '_';
  return {
    ...graph,
    nodes: [...graph.nodes, { id, type: 'sink', name: sinkName, config: { connector: 'live', config: { name: sinkName } } }],
    edges: [...graph.edges, ...producers.map((n) => ({ source: n.id, target: id, targetInput: 0 as const, partitioning: 'forward' as const, sideOutput: DEAD_LETTER_TAG }))],
  };
}
