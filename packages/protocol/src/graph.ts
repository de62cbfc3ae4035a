import { z } from 'zod';
import { migrateVersioned, type Migration } from './versioned.js';

// The pipeline graph: one schema for the engine (which runs it), the server (which checks what it is sent) and the
// web app (which draws it). Plain zod, no engine code, so the browser can load it.

/** Current pipeline graph format version; older graphs are migrated by `migrateGraph`. */
export const GRAPH_VERSION = 1;

/**
 * A user function kept as source text, so a graph stays plain JSON that can be saved, shown and run again.
 * `ref` points at the live function object when the graph was built in the same process (closures keep working);
 * without it the runtime compiles `code`.
 */
export const FnSpec = z.object({ code: z.string().min(1), ref: z.string().optional() });
export type FnSpec = z.infer<typeof FnSpec>;

export const GraphNode = z.object({
  id: z.string().min(1),
  /** Operator type, e.g. 'source', 'map', 'window', 'sink' (see the engine's graph/operatorSpecs.ts). */
  type: z.string().min(1),
  name: z.string().optional(),
  config: z.record(z.string(), z.unknown()).default({}),
  /** Number of parallel subtasks of this node (Flink's setParallelism); the job's parallelism when absent. */
  parallelism: z.number().int().positive().optional(),
  /** Canvas position; ignored by the runtime. */
  position: z.object({ x: z.number(), y: z.number() }).optional(),
});
export type GraphNode = z.infer<typeof GraphNode>;

export const Partitioning = z.enum(['forward', 'hash', 'rebalance', 'broadcast']);
export type Partitioning = z.infer<typeof Partitioning>;

export const GraphEdge = z.object({
  source: z.string().min(1),
  target: z.string().min(1),
  /** Which input of a two-input operator (connect, join) this edge feeds. */
  targetInput: z.union([z.literal(0), z.literal(1)]).default(0),
  partitioning: Partitioning.default('forward'),
  /** For 'hash' partitioning: the keyBy key selector. */
  keySelector: FnSpec.optional(),
  /** Read a side output of the source node instead of its main output. */
  sideOutput: z.string().optional(),
});
export type GraphEdge = z.infer<typeof GraphEdge>;

/**
 * Restart strategies as in Flink (`restart-strategy.type`): what happens when a running job fails. Plain JSON, kept in
 * the pipeline graph's config so a saved graph restarts the same way wherever it runs.
 */
export const RestartStrategyConfig = z.discriminatedUnion('type', [
  z.object({ type: z.literal('none') }),
  z.object({
    type: z.literal('fixed-delay'),
    /** Restarts before the job is declared failed. */
    attempts: z.number().int().nonnegative(),
    delayMs: z.number().int().nonnegative(),
  }),
  z.object({
    type: z.literal('exponential-delay'),
    initialBackoffMs: z.number().int().nonnegative().default(1000),
    maxBackoffMs: z.number().int().nonnegative().default(60_000),
    backoffMultiplier: z.number().min(1).default(1.5),
    /** After running this long without failure, the backoff starts again from the initial value. */
    resetBackoffThresholdMs: z.number().int().positive().default(3_600_000),
    /** Random ± fraction of the delay, so many jobs failing together do not restart in lockstep. */
    jitterFactor: z.number().min(0).max(1).default(0.1),
    /** Restarts before the job is declared failed (Flink: attempts-before-reset-backoff; unbounded by default). */
    attempts: z.number().int().nonnegative().optional(),
  }),
  z.object({
    type: z.literal('failure-rate'),
    /** More failures than this within the interval fail the job. */
    maxFailuresPerInterval: z.number().int().positive(),
    failureRateIntervalMs: z.number().int().positive(),
    delayMs: z.number().int().nonnegative(),
  }),
]);
export type RestartStrategyConfig = z.input<typeof RestartStrategyConfig>;
export type RestartStrategy = z.output<typeof RestartStrategyConfig>;

export const GraphConfig = z.object({
  autoWatermarkInterval: z.number().int().nonnegative().default(200),
  maxParallelism: z.number().int().positive().max(32768).default(128),
  /** Default number of parallel subtasks per operator (env.setParallelism); 1 when absent. */
  parallelism: z.number().int().positive().optional(),
  /** Periodic checkpoints every this many ms (env.enableCheckpointing); off when absent. */
  checkpointInterval: z.number().int().positive().optional(),
  /** What happens when the job fails (env.setRestartStrategy); the default depends on checkpointing, as in Flink. */
  restartStrategy: RestartStrategyConfig.optional(),
});
export type GraphConfig = z.infer<typeof GraphConfig>;

export const PipelineGraph = z.object({
  version: z.literal(GRAPH_VERSION),
  name: z.string().optional(),
  config: GraphConfig.default({ autoWatermarkInterval: 200, maxParallelism: 128 }),
  nodes: z.array(GraphNode),
  edges: z.array(GraphEdge),
});
export type PipelineGraph = z.infer<typeof PipelineGraph>;
export type PipelineGraphInput = z.input<typeof PipelineGraph>;

/** Migrations from version N to N+1, indexed by N. Version 0 (no `version` field) had `links` instead of `edges`. */
const graphMigrations: Record<number, Migration> = {
  0: ({ links, ...rest }) => ({ ...rest, edges: rest.edges ?? links ?? [], version: 1 }),
};

/** Parses a graph from JSON data, migrating older versions; throws an Error naming the fields at fault. */
export function migrateGraph(raw: unknown): PipelineGraph {
  return migrateVersioned(raw, { current: GRAPH_VERSION, migrations: graphMigrations, schema: PipelineGraph, what: 'pipeline graph' });
}

/** Brings an older graph up to the current version without checking it (the schema below does that). */
function upgradeGraph(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return raw;
  let doc = raw as Record<string, unknown>;
  const v = doc.version ?? 0;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) return raw;
  for (let version = v; version < GRAPH_VERSION; version = doc.version as number) doc = graphMigrations[version]!(doc);
  return doc;
}

/**
 * A pipeline graph as stored in a notebook file or sent in a message: any version, migrated to the current one and
 * checked by the same schema the engine runs.
 */
export const StoredPipelineGraph = z.preprocess(upgradeGraph, PipelineGraph);
