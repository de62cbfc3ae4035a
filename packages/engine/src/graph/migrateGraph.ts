import { GRAPH_VERSION, PipelineGraph } from './PipelineGraph.js';

type Migration = (raw: Record<string, unknown>) => Record<string, unknown>;

/** Migrations from version N to N+1, indexed by N. Version 0 (no `version` field) had `links` instead of `edges`. */
const migrations: Record<number, Migration> = {
  0: ({ links, ...rest }) => ({ ...rest, edges: rest.edges ?? links ?? [], version: 1 }),
};

/** Parses a graph from JSON data, migrating older versions. Throws GraphValidationError-free plain errors on shape problems. */
export function migrateGraph(raw: unknown): PipelineGraph {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error('pipeline graph: not a JSON object');
  let doc = raw as Record<string, unknown>;
  const v = doc.version === undefined ? 0 : doc.version;
  if (typeof v !== 'number') throw new Error('pipeline graph: "version" must be a number');
  let version = v;
  if (version > GRAPH_VERSION) throw new Error(`pipeline graph: version ${version} is newer than this engine (${GRAPH_VERSION})`);
  while (version < GRAPH_VERSION) {
    doc = migrations[version]!(doc);
    version = doc.version as number;
  }
  const parsed = PipelineGraph.safeParse(doc);
  if (!parsed.success) {
    throw new Error('pipeline graph: ' + parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  }
  return parsed.data;
}
