import { getConnector } from '../connectors/registry.js';
import type { GraphIssue } from './validate.js';
import type { PipelineGraph } from './PipelineGraph.js';

/** FnSpecs (`{ code }`, optionally with `ref`) anywhere in a value, with their dotted paths. */
function functionsIn(v: unknown, path: string, out: [string, string][]): void {
  if (typeof v !== 'object' || v === null) return;
  if (Array.isArray(v)) return v.forEach((x, i) => functionsIn(x, `${path}.${i}`, out));
  const o = v as Record<string, unknown>;
  if (typeof o.code === 'string' && Object.keys(o).every((k) => k === 'code' || k === 'ref')) {
    out.push([path, o.code]);
    return;
  }
  for (const [k, x] of Object.entries(o)) functionsIn(x, `${path}.${k}`, out);
}

/** The syntax error of a user function, compiled as resolveFn compiles it (an expression, or method shorthand), never run. */
export function functionSyntaxError(code: string): string | undefined {
  try {
    new Function(`"use strict"; return (${code.trim()}\n);`);
    return undefined;
  } catch (first) {
    // Where eval is not allowed (a browser's CSP) nothing can be said here: the web checks syntax with a parser.
    if (!(first instanceof SyntaxError)) return undefined;
    try {
      new Function(`"use strict"; const o = ({ ${code.trim()}\n}); return o[Object.keys(o)[0]];`);
      return undefined;
    } catch {
      return first.message;
    }
  }
}

/**
 * Compiles every user function of a graph (node configs and key selectors) without running it, so a syntax error is
 * reported at submission, naming the node and the config path, instead of failing the job when it starts.
 */
export function functionIssues(graph: PipelineGraph): GraphIssue[] {
  const issues: GraphIssue[] = [];
  for (const n of graph.nodes) {
    const found: [string, string][] = [];
    const c = n.config;
    const def = (n.type === 'source' || n.type === 'sink') && typeof c.connector === 'string' ? getConnector(c.connector) : undefined;
    for (const [k, v] of Object.entries(c)) {
      if (k === 'config' && def?.byReference !== undefined && typeof v === 'object' && v !== null) {
        // A collection's elements are data, not functions.
        for (const [ck, cv] of Object.entries(v)) if (!def.byReference.includes(ck)) functionsIn(cv, `config.config.${ck}`, found);
      } else functionsIn(v, `config.${k}`, found);
    }
    for (const [path, code] of found) {
      const error = functionSyntaxError(code);
      if (error !== undefined) issues.push({ nodeId: n.id, message: `${n.name !== undefined ? `"${n.name}" ` : ''}${path}: cannot compile function: ${error}` });
    }
  }
  for (const e of graph.edges) {
    const error = e.keySelector !== undefined ? functionSyntaxError(e.keySelector.code) : undefined;
    if (error !== undefined) issues.push({ nodeId: e.target, message: `key selector of the edge from "${e.source}": cannot compile function: ${error}` });
  }
  return issues;
}
