import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { GRAPH_LIMITS, jsonLimitIssue, withinLimits } from './payloadLimits.js';
import { CellRun } from './messages.js';

/** `{"a":{"a":…}}` nested `depth` levels, built without recursion. */
export function nested(depth: number): Record<string, unknown> {
  let v: Record<string, unknown> = {};
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}

describe('payload limits', () => {
  it('measures depth and size without recursion, also 100,000 deep', () => {
    expect(jsonLimitIssue(nested(50))).toBeUndefined();
    expect(jsonLimitIssue(nested(100_000))).toMatch(/nested deeper than 100/);
    expect(jsonLimitIssue(new Array(20).fill([1, 2, 3]), { maxDepth: 10, maxNodes: 50 })).toMatch(/more than 50 values/);
    expect(jsonLimitIssue('x')).toBeUndefined();
  });

  it('refuses a deep graph in a cell.run message with a schema error', () => {
    const r = CellRun.safeParse({ notebook: 'n', cellId: 'c', graph: nested(100_000) });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.message).toMatch(/nested deeper than 64/);
    expect(CellRun.safeParse({ notebook: 'n', cellId: 'c', graph: { version: 1, nodes: [{ id: 'a', type: 'map', config: { x: [1] } }], edges: [] } }).success).toBe(true);
    expect(withinLimits(GRAPH_LIMITS, z.record(z.string(), z.unknown())).safeParse(nested(65)).success).toBe(false);
    expect(withinLimits(GRAPH_LIMITS, z.record(z.string(), z.unknown())).safeParse(nested(60)).success).toBe(true);
  });
});
