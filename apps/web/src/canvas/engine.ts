// The canvas's view of the engine: its browser-safe entry (graph schema, catalog, validation, graph → code), with no
// runtime code. The catalog is generated data, so the browser gets every connector's config schema without its code.
import { BUILTIN_CATALOG, registerCatalogConnectors, type Catalog } from '@flowbook/engine/graph';

export {
  CATALOG_GROUPS,
  catalogEntryFor,
  humanize,
  type Catalog,
  type CatalogEntry,
  type CatalogGroup,
  type JsonSchema,
  defaultNodeName,
  toCode,
  ToCodeError,
  validateGraph,
  type GraphIssue,
  migrateGraph,
  PipelineGraph,
  type FnSpec,
  type GraphEdge,
  type GraphNode,
  type PipelineGraphInput,
} from '@flowbook/engine/graph';

// validateGraph checks connector configs against the connector registry: fill it with schema-only connectors.
registerCatalogConnectors(BUILTIN_CATALOG);

export const catalog: Catalog = BUILTIN_CATALOG;
