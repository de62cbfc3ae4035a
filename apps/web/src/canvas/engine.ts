// The browser-safe part of the engine, imported by path: the package entry also loads connector code that needs Node
// (net, fs). The catalog is generated data, so the browser gets every connector's config schema without its code.
import { registerCatalogConnectors, type Catalog } from '../../../../packages/engine/src/graph/catalog.js';
import { BUILTIN_CATALOG } from '../../../../packages/engine/src/graph/catalog.generated.js';

export { CATALOG_GROUPS, catalogEntryFor, humanize, type Catalog, type CatalogEntry, type CatalogGroup, type JsonSchema } from '../../../../packages/engine/src/graph/catalog.js';
export { defaultNodeName, toCode, ToCodeError } from '../../../../packages/engine/src/graph/toCode.js';
export { validateGraph, type GraphIssue } from '../../../../packages/engine/src/graph/validate.js';
export { migrateGraph } from '../../../../packages/engine/src/graph/migrateGraph.js';
export { PipelineGraph, type FnSpec, type GraphEdge, type GraphNode, type PipelineGraphInput } from '../../../../packages/engine/src/graph/PipelineGraph.js';

// validateGraph checks connector configs against the connector registry: fill it with schema-only connectors.
registerCatalogConnectors(BUILTIN_CATALOG);

export const catalog: Catalog = BUILTIN_CATALOG;
