// `@flowbook/engine/graph`: the pipeline graph without the runtime, for the browser (the canvas) and anyone else who
// only draws, checks or converts graphs. Nothing here may import runtime, connector or Node code: operator types come
// from operatorSpecs.ts, connectors from the generated catalog (their config schemas, not their code).
export { BUILTIN_CATALOG } from './catalog.generated.js';
export {
  CATALOG_GROUPS,
  catalogEntryFor,
  humanize,
  registerCatalogConnectors,
  type Catalog,
  type CatalogEntry,
  type CatalogGroup,
  type JsonSchema,
} from './catalog.js';
export { getOperatorSpec, listOperatorSpecs, type OperatorCategory, type OperatorSpec } from './operatorSpecs.js';
export { defaultNodeName, toCode, ToCodeError } from './toCode.js';
// fromCode (code → graph) has its own entry, `@flowbook/engine/graph/fromCode`: its TypeScript reader (sucrase) loads
// only where code is turned into a graph, not with every canvas.
export { validateGraph, GraphValidationError, type GraphIssue } from './validate.js';
export { migrateGraph } from './migrateGraph.js';
export { FnSpec, GRAPH_VERSION, PipelineGraph, type GraphEdge, type GraphNode, type PipelineGraphInput } from './PipelineGraph.js';
