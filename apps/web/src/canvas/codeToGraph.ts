import { fromCode } from '@flowbook/engine/graph/fromCode';
import type { PipelineGraph } from './engine.js';
import { setPositions } from './graphOps.js';
import { layoutPositions } from './toFlow.js';

/** Loaded on demand (dynamic import): the TypeScript reader stays out of the first load. */
export { fromCode };

/**
 * A cell's code as a drawn pipeline: the engine's fromCode (the graph the code builds, read without running it), laid
 * out left to right. Throws FromCodeError naming the line and construct the canvas cannot express.
 */
export function codeToGraph(source: string): PipelineGraph {
  const graph = fromCode(source);
  return setPositions(graph, layoutPositions(graph));
}
