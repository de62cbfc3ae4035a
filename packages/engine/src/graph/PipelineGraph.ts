// The graph's schema is the protocol's (one definition for engine, server and web); the engine re-exports it so its
// own modules and its users keep one import path.
export {
  FnSpec,
  GRAPH_VERSION,
  GraphConfig,
  GraphEdge,
  GraphNode,
  Partitioning,
  PipelineGraph,
  type PipelineGraphInput,
} from '@flowbook/protocol/graph';
