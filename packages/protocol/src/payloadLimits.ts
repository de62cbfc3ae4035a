import { z } from 'zod';

/**
 * How deep and how large a JSON payload from a client may be. JSON.parse and socket.io's decoder take any nesting, but
 * JSON.stringify, structured clone (postMessage to a job's worker) and recursive code overflow the stack on a value
 * nested some thousands deep; so payloads are measured here, without recursion, before anything else walks them.
 */
export interface JsonLimits {
  maxDepth: number;
  maxNodes: number;
}
export const PAYLOAD_LIMITS: JsonLimits = { maxDepth: 100, maxNodes: 1_000_000 };
/** A pipeline graph: nodes, their configs and the values inside. */
export const GRAPH_LIMITS: JsonLimits = { maxDepth: 64, maxNodes: 200_000 };

/** What is wrong with a value's shape (too deep, too many values), or undefined; iterative, so any depth is safe. */
export function jsonLimitIssue(value: unknown, limits: JsonLimits = PAYLOAD_LIMITS): string | undefined {
  const stack: [unknown, number][] = [[value, 1]];
  let nodes = 0;
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (++nodes > limits.maxNodes) return `payload has more than ${limits.maxNodes} values`;
    // Binary data (Yjs updates) is bytes, not values: its size is bounded by its message's schema.
    if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v) || v instanceof ArrayBuffer) continue;
    if (depth > limits.maxDepth) return `payload is nested deeper than ${limits.maxDepth} levels`;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth + 1]);
  }
  return undefined;
}

/** `schema`, checked first for depth and size within `limits`, so nothing (zod, migrations, structured clone) walks a value that is too deep. */
export function withinLimits<S extends z.ZodType>(limits: JsonLimits, schema: S) {
  return z
    .unknown()
    .superRefine((v, ctx) => {
      const issue = jsonLimitIssue(v, limits);
      if (issue) ctx.addIssue({ code: 'custom', message: issue });
    })
    .pipe(schema);
}
