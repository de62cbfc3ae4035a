import { getConnector } from '../connectors/registry.js';
import type { GraphIssue } from './validate.js';
import type { PipelineGraph } from './PipelineGraph.js';

/**
 * The fields of the records along each edge, where they are known, and the field names that connector configs refer to
 * (a sink's key or topic field, table columns) checked against them. Sources declare their record fields; operators
 * that pass records on unchanged (filter, keyBy, union, a window or rolling reduce, timestamps) keep them; a user
 * function that makes new records (map, process, aggregate…) ends what is known, since its output is code.
 */
export function recordFieldIssues(graph: PipelineGraph): GraphIssue[] {
  const fieldsOf = new Map<string, string[] | undefined>();
  const node = new Map(graph.nodes.map((n) => [n.id, n]));
  const inputsOf = (id: string) => graph.edges.filter((e) => e.target === id && e.sideOutput === undefined).map((e) => e.source);

  const known = (id: string, seen = new Set<string>()): string[] | undefined => {
    if (fieldsOf.has(id)) return fieldsOf.get(id);
    if (seen.has(id)) return undefined; // a cycle is reported elsewhere
    seen.add(id);
    const n = node.get(id);
    let fields: string[] | undefined;
    if (n?.type === 'source') {
      const c = n.config as { connector?: string; config?: Record<string, unknown> };
      const def = typeof c.connector === 'string' ? getConnector(c.connector) : undefined;
      const unless = def?.outputFieldsUnless;
      fields = def?.outputFields && !(unless && c.config?.[unless] === true) ? def.outputFields : undefined;
    } else if (n && passesRecordsOn(n.type, n.config)) {
      const ins = inputsOf(id).map((s) => known(s, seen));
      // Several inputs (union): only fields every input has are sure to be there.
      fields = ins.length > 0 && ins.every((f) => f !== undefined) ? ins.reduce((a, b) => a!.filter((x) => b!.includes(x))) : undefined;
    }
    fieldsOf.set(id, fields);
    return fields;
  };

  const issues: GraphIssue[] = [];
  for (const n of graph.nodes) {
    if (n.type !== 'sink') continue;
    const c = n.config as { connector?: string; config?: Record<string, unknown> };
    const def = typeof c.connector === 'string' ? getConnector(c.connector) : undefined;
    if (!def?.fieldRefs || !c.config) continue;
    const ins = inputsOf(n.id).map((s) => known(s));
    if (ins.length === 0 || ins.some((f) => f === undefined)) continue;
    const available = ins.reduce((a, b) => a!.filter((x) => b!.includes(x)))!;
    for (const key of def.fieldRefs) {
      const v = c.config[key];
      const refs = typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
      for (const f of refs) {
        if (!available.includes(f)) issues.push({ nodeId: n.id, message: `config.${key}: the records reaching this sink have no field "${f}" (they have: ${available.join(', ')})` });
      }
    }
  }
  return issues;
}

/** Operators whose output records are their input records (possibly fewer, or the same type combined by reduce). */
function passesRecordsOn(type: string, config: Record<string, unknown>): boolean {
  if (type === 'filter' || type === 'union' || type === 'assignTimestampsAndWatermarks' || type === 'reduce') return true;
  if (type === 'window') {
    const fn = config.function as { kind?: string; process?: unknown } | undefined;
    return fn?.kind === 'reduce' && fn.process === undefined;
  }
  return false;
}
