import { z } from 'zod';
import { singleSubtaskReason } from './parallelism.js';
import { getOperatorSpec } from './operatorSpecs.js';
import { parseConnectorConfig } from '../connectors/registry.js';
import type { PipelineGraph } from './PipelineGraph.js';
import { recordFieldIssues } from './recordFields.js';
import { eventTimeIssues } from './eventTime.js';
import { SPEC_FIELDS, humanize } from './catalog.js';
import { fnSyntaxError } from './fnSyntax.js';

export interface GraphIssue {
  nodeId?: string;
  message: string;
}

/** Thrown for a malformed pipeline; every issue names its node. */
export class GraphValidationError extends Error {
  constructor(readonly issues: GraphIssue[]) {
    super('invalid pipeline:\n' + issues.map((i) => `  - ${i.nodeId !== undefined ? `node "${i.nodeId}": ` : ''}${i.message}`).join('\n'));
    this.name = 'GraphValidationError';
  }
}

/** Structural checks before a graph runs: known types, valid configs, connected inputs, keyed inputs, no cycles. */
export function validateGraph(graph: PipelineGraph): GraphIssue[] {
  const issues: GraphIssue[] = [];
  const ids = new Set<string>();
  for (const n of graph.nodes) {
    if (ids.has(n.id)) issues.push({ nodeId: n.id, message: 'duplicate node id' });
    ids.add(n.id);
  }
  for (const e of graph.edges) {
    if (!ids.has(e.source)) issues.push({ nodeId: e.target, message: `edge from unknown node "${e.source}"` });
    if (!ids.has(e.target)) issues.push({ nodeId: e.source, message: `edge to unknown node "${e.target}"` });
    if (e.partitioning === 'hash' && e.keySelector === undefined) issues.push({ nodeId: e.target, message: 'hash-partitioned edge without key selector' });
    const keyError = e.keySelector !== undefined && e.keySelector.ref === undefined && e.keySelector.code.trim() !== '' ? fnSyntaxError(e.keySelector.code) : undefined;
    if (keyError !== undefined) issues.push({ nodeId: e.target, message: `Key by on the edge from "${e.source}": ${keyError}` });
  }
  for (const n of graph.nodes) {
    const def = getOperatorSpec(n.type);
    if (def === undefined) {
      issues.push({ nodeId: n.id, message: `unknown operator type "${n.type}"` });
      continue;
    }
    const parsed = def.configSchema.safeParse(n.config);
    if (!parsed.success) {
      for (const i of parsed.error.issues) issues.push({ nodeId: n.id, message: `${settingName(i.path)}: ${i.message}` });
    } else {
      // Window assigners, triggers and evictors are loose records in the operator schema; the run needs their real shape.
      for (const [field, schema] of Object.entries(SPEC_FIELDS)) {
        if (!(field in n.config)) continue;
        if (!(def.configSchema instanceof z.ZodObject) || !(field in def.configSchema.shape)) continue;
        const spec = schema.safeParse(n.config[field]);
        if (!spec.success) for (const i of spec.error.issues) issues.push({ nodeId: n.id, message: `${settingName([field, ...i.path])}: ${i.message}` });
      }
      // The engine compiles user functions only when the job starts: find syntax errors now, where they are typed.
      for (const [path, code] of functionsIn(n.config)) {
        const error = fnSyntaxError(code);
        if (error !== undefined) issues.push({ nodeId: n.id, message: `${settingName(path)}: ${error}` });
      }
    }
    const incoming = graph.edges.filter((e) => e.target === n.id);
    if (n.parallelism !== undefined) {
      const single = singleSubtaskReason(graph, n);
      if (single !== undefined && n.parallelism > 1) issues.push({ nodeId: n.id, message: `parallelism ${n.parallelism} is not possible: ${single}` });
      if (n.parallelism > graph.config.maxParallelism) issues.push({ nodeId: n.id, message: `parallelism ${n.parallelism} is more than the job's maxParallelism ${graph.config.maxParallelism}` });
    }
    if (def.inputs === 0 && incoming.length > 0) issues.push({ nodeId: n.id, message: 'a source cannot have inputs' });
    for (let input = 0; input < def.inputs; input++) {
      const ins = incoming.filter((e) => e.targetInput === input);
      if (ins.length === 0) issues.push({ nodeId: n.id, message: def.inputs === 2 ? `input ${input + 1} is not connected` : 'input is not connected' });
      if (def.keyed === true && ins.some((e) => e.partitioning !== 'hash')) {
        issues.push({ nodeId: n.id, message: `${n.type} needs a keyed input: add keyBy before it` });
      }
    }
  }
  const jobParallelism = graph.config.parallelism;
  if (jobParallelism !== undefined && jobParallelism > graph.config.maxParallelism) {
    issues.push({ message: `parallelism ${jobParallelism} is more than maxParallelism ${graph.config.maxParallelism}` });
  }
  // Cycles make no sense for a dataflow without iterations.
  const state = new Map<string, number>();
  const visit = (id: string): boolean => {
    if (state.get(id) === 1) return true;
    if (state.get(id) === 2) return false;
    state.set(id, 1);
    for (const e of graph.edges) if (e.source === id && visit(e.target)) return true;
    state.set(id, 2);
    return false;
  };
  for (const n of graph.nodes) {
    if (visit(n.id)) {
      issues.push({ nodeId: n.id, message: 'the pipeline has a cycle through this node' });
      break;
    }
  }
  // Connectors must exist and their configs must be valid.
  for (const n of graph.nodes) {
    if ((n.type !== 'source' && n.type !== 'sink') || typeof n.config.connector !== 'string') continue;
    try {
      parseConnectorConfig(n.config.connector, n.config.config, `connector`);
    } catch (e) {
      issues.push({ nodeId: n.id, message: (e as Error).message });
    }
  }
  issues.push(...eventTimeIssues(graph));
  // A window without keyBy is the API's windowAll (one subtask, a function without key): say so, never guess it.
  for (const n of graph.nodes) {
    if (n.type !== 'window') continue;
    const ins = graph.edges.filter((e) => e.target === n.id);
    if (ins.length === 0) continue;
    const keyed = ins.every((e) => e.partitioning === 'hash');
    if (!keyed && n.config.allWindow !== true) {
      issues.push({ nodeId: n.id, message: 'the window has no key: set Key by on the edge into it (keyBy), or tick "All window" to window the whole stream in one subtask (windowAll)' });
    } else if (keyed && n.config.allWindow === true) {
      issues.push({ nodeId: n.id, message: '"All window" (windowAll) is ticked but the edge into the window is keyed: untick it, or clear Key by on the edge' });
    }
  }
  if (graph.nodes.length === 0) issues.push({ message: 'the pipeline is empty: add a source from Sources in the palette, then operators and a sink' });
  else if (!graph.nodes.some((n) => n.type === 'source')) issues.push({ message: 'the pipeline has no source: add one from Sources in the palette' });
  issues.push(...recordFieldIssues(graph));
  return issues;
}

/** A config path as the canvas's settings form labels it: ['function', 'reduce'] → "Function › Reduce". */
export function settingName(path: readonly PropertyKey[]): string {
  const names = path.filter((p): p is string => typeof p === 'string').map((p) => SETTING_LABELS[p] ?? humanize(p));
  return names.length > 0 ? names.join(' › ') : 'Settings';
}
const SETTING_LABELS: Record<string, string> = { fn: 'Function', config: 'Connector settings' };

/** User functions (FnSpecs) in a config, with their paths; live ones (a ref of this process) run as they are. */
function functionsIn(v: unknown, path: string[] = []): [string[], string][] {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return [];
  const o = v as Record<string, unknown>;
  if (typeof o.code === 'string' && Object.keys(o).every((k) => k === 'code' || k === 'ref')) return o.ref === undefined && o.code.trim() !== '' ? [[path, o.code]] : [];
  return Object.entries(o).flatMap(([k, x]) => functionsIn(x, [...path, k]));
}

export function assertValidGraph(graph: PipelineGraph): void {
  const issues = validateGraph(graph);
  if (issues.length > 0) throw new GraphValidationError(issues);
}
