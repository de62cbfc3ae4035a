// Test support shared by graph tests: what running cell code builds, and graphs compared up to ids and formatting.
import { transformSync } from 'esbuild';
import * as engine from '../index.js';
import { StreamExecutionEnvironment, type PipelineGraph } from '../index.js';
import { runCellCode } from '../cells/runCellCode.js';

/** Runs cell code with an environment whose execute() records the pipeline instead of running it. */
export async function graphOf(code: string): Promise<PipelineGraph> {
  let captured: PipelineGraph | undefined;
  class RecordingEnvironment extends StreamExecutionEnvironment {
    static override getExecutionEnvironment(): StreamExecutionEnvironment {
      return new RecordingEnvironment();
    }
    override async execute(jobName?: string) {
      captured = this.getPipeline(jobName);
      return { jobName: jobName ?? '', status: 'finished' as const, netRuntime: 0 };
    }
  }
  await runCellCode(code, { ...engine, StreamExecutionEnvironment: RecordingEnvironment });
  if (!captured) throw new Error('the code did not call env.execute()');
  return captured;
}

/** Function source as printed by esbuild: the cell compiler and the test transform print the same function differently. */
export function normalizeFn(code: string): string {
  // minifySyntax unquotes keys (toFnSpec quotes them) and would drop an unused expression: assign it.
  const attempt = (src: string) => transformSync(`fn = ${src};`, { loader: 'js', minifyWhitespace: true, minifySyntax: true }).code;
  try {
    return attempt(`(${code})`);
  } catch {
    return attempt(`({${code}})`);
  }
}

/** JSON data with ids, refs, positions and undefined fields gone and function sources normalized. */
export function clean(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(clean);
  if (typeof v !== 'object' || v === null) return v;
  const o = v as Record<string, unknown>;
  if (typeof o.code === 'string' && Object.keys(o).every((k) => k === 'code' || k === 'ref')) return { code: normalizeFn(o.code) };
  return Object.fromEntries(Object.entries(o).filter(([k, x]) => x !== undefined && k !== 'position').map(([k, x]) => [k, clean(x)]));
}

/**
 * The graph up to node ids and node order: each node described by its type, name, config and, recursively, what
 * feeds it through which edges. Two DAGs with the same multiset of descriptions are the same pipeline.
 */
export function shape(graph: PipelineGraph): { config: unknown; nodes: string[]; edges: number } {
  const memo = new Map<string, string>();
  const describe = (id: string): string => {
    const hit = memo.get(id);
    if (hit) return hit;
    const n = graph.nodes.find((x) => x.id === id)!;
    const inputs = graph.edges
      .filter((e) => e.target === id)
      .map((e) => JSON.stringify({ ...(clean({ ...e, source: undefined, target: undefined }) as object), from: describe(e.source) }))
      .sort();
    const d = JSON.stringify({ type: n.type, name: n.name, config: clean(n.config), inputs });
    memo.set(id, d);
    return d;
  };
  return { config: graph.config, nodes: graph.nodes.map((n) => describe(n.id)).sort(), edges: graph.edges.length };
}

