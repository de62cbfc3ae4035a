import { migrateGraph, validateGraph, type GraphIssue, type PipelineGraph } from './engine.js';

export interface Validation {
  issues: GraphIssue[];
  byNode: ReadonlyMap<string, string[]>;
}

/**
 * The engine's validateGraph, the same checks the server runs before it starts a job (connector configs, window
 * specs, function syntax, keyBy, event time): what validates here runs, and what the run would refuse is shown here.
 */
export function validatePipeline(graph: PipelineGraph): Validation {
  let issues: GraphIssue[];
  try {
    issues = validateGraph(migrateGraph(graph));
  } catch (e) {
    issues = [{ message: (e as Error).message }];
  }
  const byNode = new Map<string, string[]>();
  for (const i of issues) if (i.nodeId !== undefined) byNode.set(i.nodeId, [...(byNode.get(i.nodeId) ?? []), i.message]);
  return { issues, byNode };
}
