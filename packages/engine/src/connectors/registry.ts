import type { z } from 'zod';
import type { SinkFunction, SourceFunction } from './SourceFunction.js';
import { resolveSecrets } from './secrets.js';

/**
 * A connector: its config schema (which also generates its form on the canvas) and the factory of its source and/or sink.
 * Each connector lives in its own folder and registers itself in connectors/index.ts.
 */
export interface ConnectorDefinition<C = unknown> {
  name: string;
  description: string;
  configSchema: z.ZodType<C>;
  createSource?(config: C): SourceFunction;
  createSink?(config: C): SinkFunction;
  /** Fields of the records the source emits (checked against sinks' field references along the graph). */
  outputFields?: string[];
  /** A boolean config option that makes the source emit something else (e.g. `valueOnly`): fields then unknown. */
  outputFieldsUnless?: string;
  /** A sink's config options that name fields of its input records (a key field, table columns). */
  fieldRefs?: string[];
  /** The source emits watermarks itself (Kafka's per-partition watermarks): it runs with WatermarkStrategy.noWatermarks(). */
  emitsWatermarks?: boolean;
  /**
   * Whether the source's records carry event timestamps (collectWithTimestamp), so a watermark strategy needs no
   * timestamp assigner: true, false, or the name of the config option that gives them (elements' `timestamps`).
   * Undeclared, validation trusts the source.
   */
  recordTimestamps?: boolean | string;
  /** Bounded sources end; unbounded ones run until cancelled. */
  bounded?(config: C): boolean;
  /**
   * Config options handed to the source as they are (fromCollection's elements): the graph holds them by reference,
   * and they are neither walked for secrets nor validated item by item (only their shape: an array stays an array).
   * The job must not mutate them, as Flink documents for object reuse.
   */
  byReference?: readonly string[];
  /**
   * The source splits its input over parallel subtasks (Flink's FLIP-27 splits: Kafka partitions, files, ranges of a
   * collection): with parallelism p each subtask reads its share, told by SourceContext.subtaskIndex/parallelism.
   * Without it a source runs as one subtask.
   */
  splittable?: boolean;
  /** The sink runs one writer per subtask (SinkContext.subtaskIndex names its files or transactions); else one subtask. */
  parallelSink?: boolean;
}

const connectors = new Map<string, ConnectorDefinition<never>>();

export function registerConnector<C>(def: ConnectorDefinition<C>): void {
  connectors.set(def.name, def as unknown as ConnectorDefinition<never>);
}

export function getConnector(name: string): ConnectorDefinition<unknown> | undefined {
  return connectors.get(name) as ConnectorDefinition<unknown> | undefined;
}

export function listConnectors(): ConnectorDefinition<unknown>[] {
  return [...connectors.values()] as ConnectorDefinition<unknown>[];
}

/**
 * Validates a connector config against its schema; the error names the node and the field. With `resolve`,
 * `${env:NAME}` and `${secret:NAME}` placeholders are replaced first (when the job starts, not when it is validated).
 */
export function parseConnectorConfig(name: string, config: unknown, where: string, resolve = false): { def: ConnectorDefinition<unknown>; config: unknown } {
  const def = getConnector(name);
  if (def === undefined) throw new Error(`${where}: unknown connector "${name}" (known: ${[...connectors.keys()].join(', ')})`);
  const { rest, kept } = splitByReference(def, config ?? {});
  const parsed = def.configSchema.safeParse(resolve ? resolveSecrets(rest, where) : rest);
  if (!parsed.success) {
    throw new Error(`${where}: invalid ${name} config: ` + parsed.error.issues.map((i) => `${i.path.join('.') || '(config)'}: ${i.message}`).join('; '));
  }
  return { def, config: kept === undefined ? parsed.data : { ...(parsed.data as object), ...kept } };
}

/**
 * Takes a connector's byReference options out of its config: `rest` stands an empty array in for an array (so the
 * schema still checks the option's type without walking its items), `kept` holds the originals to put back.
 */
function splitByReference(def: ConnectorDefinition<unknown>, config: unknown): { rest: unknown; kept?: Record<string, unknown> } {
  if (def.byReference === undefined || config === null || typeof config !== 'object') return { rest: config };
  let rest: Record<string, unknown> | undefined;
  let kept: Record<string, unknown> | undefined;
  for (const key of def.byReference) {
    const v = (config as Record<string, unknown>)[key];
    if (!Array.isArray(v)) continue;
    (rest ??= { ...(config as Record<string, unknown>) })[key] = [];
    (kept ??= {})[key] = v;
  }
  return kept === undefined ? { rest: config } : { rest, kept };
}

/**
 * A copy of graph nodes that later API calls cannot change, except that connectors' byReference options (a
 * collection's elements) stay the caller's objects: no deep copy, class instances keep their prototype.
 */
export function cloneNodes<N extends { type: string; config: Record<string, unknown> }>(nodes: readonly N[]): N[] {
  return nodes.map((node) => {
    const c = node.config;
    const def = (node.type === 'source' || node.type === 'sink') && typeof c.connector === 'string' ? getConnector(c.connector) : undefined;
    const { rest, kept } = def !== undefined ? splitByReference(def, c.config) : { rest: c.config };
    if (kept === undefined) return structuredClone(node);
    const copy = structuredClone({ ...node, config: { ...c, config: rest } });
    Object.assign(copy.config.config as Record<string, unknown>, kept);
    return copy;
  });
}

/** A source or sink as the API holds it before it becomes graph data: the connector name and its config. */
export interface ConnectorSpec<C = unknown> {
  connector: string;
  config: C;
}
