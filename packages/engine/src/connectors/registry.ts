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
  /** Bounded sources end; unbounded ones run until cancelled. */
  bounded?(config: C): boolean;
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
  const parsed = def.configSchema.safeParse(resolve ? resolveSecrets(config ?? {}, where) : (config ?? {}));
  if (!parsed.success) {
    throw new Error(`${where}: invalid ${name} config: ` + parsed.error.issues.map((i) => `${i.path.join('.') || '(config)'}: ${i.message}`).join('; '));
  }
  return { def, config: parsed.data };
}

/** A source or sink as the API holds it before it becomes graph data: the connector name and its config. */
export interface ConnectorSpec<C = unknown> {
  connector: string;
  config: C;
}
