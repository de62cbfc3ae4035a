import { parse } from 'acorn';
import { z } from 'zod';
import { catalogEntryFor, migrateGraph, validateGraph, type Catalog, type CatalogEntry, type GraphIssue, type PipelineGraph } from './engine.js';

export interface Validation {
  issues: GraphIssue[];
  byNode: ReadonlyMap<string, string[]>;
}

/** FnSpecs (`{ code }`) anywhere in a config, with their dotted paths. */
function functionsIn(v: unknown, path = ''): [string, { code: string }][] {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return [];
  const o = v as Record<string, unknown>;
  if (typeof o.code === 'string' && Object.keys(o).every((k) => k === 'code' || k === 'ref')) return [[path, o as { code: string }]];
  return Object.entries(o).flatMap(([k, x]) => functionsIn(x, path ? `${path}.${k}` : k));
}

/** Parses a function body as `new Function` would, without evaluating anything (the CSP allows no eval). */
function parses(body: string): void {
  parse(body, { ecmaVersion: 'latest', sourceType: 'script', allowReturnOutsideFunction: true });
}

/** Checks as the runtime's resolveFn compiles: an expression, or method shorthand taken from a one-method object. */
export function syntaxError(code: string): string | undefined {
  try {
    parses(`"use strict"; return (${code}\n);`);
    return undefined;
  } catch (first) {
    try {
      parses(`"use strict"; return ({ ${code}\n});`);
      return undefined;
    } catch {
      // acorn's "(line:column)" counts in the wrapped text, not in the user's.
      return (first as Error).message.replace(/ \(\d+:\d+\)$/, '');
    }
  }
}

function addSyntaxIssue(issues: GraphIssue[], nodeId: string, where: string, code: string): void {
  // An empty function is the schema's error (code too short), reported by validateGraph.
  const error = code.trim() === '' ? undefined : syntaxError(code);
  if (error) issues.push({ nodeId, message: `${where}: ${error}` });
}

const schemas = new Map<CatalogEntry, z.ZodType>();
function catalogSchema(entry: CatalogEntry): z.ZodType {
  let s = schemas.get(entry);
  if (!s) {
    s = z.fromJSONSchema(entry.configSchema as z.core.JSONSchema.JSONSchema);
    schemas.set(entry, s);
  }
  return s;
}

/**
 * The engine's validateGraph, as the server runs it before a deploy, plus the catalog's stricter schemas for fields
 * the engine types loosely (a window's assigner is a record there, and only fails when the job starts).
 */
export function validatePipeline(graph: PipelineGraph, catalog: Catalog): Validation {
  let issues: GraphIssue[];
  try {
    issues = validateGraph(migrateGraph(graph));
  } catch (e) {
    issues = [{ message: (e as Error).message }];
  }
  // The engine compiles user functions only when the job starts: catch syntax errors now, where they are typed.
  for (const n of graph.nodes) for (const [path, fn] of functionsIn(n.config)) addSyntaxIssue(issues, n.id, `config.${path}`, fn.code);
  for (const e of graph.edges) if (e.keySelector) addSyntaxIssue(issues, e.target, `key selector from "${e.source}"`, e.keySelector.code);
  const flagged = new Set(issues.map((i) => i.nodeId));
  for (const n of graph.nodes) {
    const entry = catalogEntryFor(catalog, n);
    if (!entry || flagged.has(n.id)) continue;
    const parsed = catalogSchema(entry).safeParse(n.config);
    if (!parsed.success) for (const i of parsed.error.issues) issues.push({ nodeId: n.id, message: `config.${i.path.join('.')}: ${i.message}` });
  }
  const byNode = new Map<string, string[]>();
  for (const i of issues) if (i.nodeId !== undefined) byNode.set(i.nodeId, [...(byNode.get(i.nodeId) ?? []), i.message]);
  return { issues, byNode };
}
