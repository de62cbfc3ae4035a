import { z } from 'zod';
import { listConnectors, registerConnector, getConnector, type ConnectorDefinition } from '../connectors/registry.js';
import { listOperatorSpecs, type OperatorCategory, type OperatorSpec } from './operatorSpecs.js';
import type { EvictorSpec } from '../windows/evictors/Evictor.js';
import type { TriggerSpec } from '../windows/triggers/Trigger.js';
import type { WindowAssignerSpec } from '../windows/assigners/WindowAssigner.js';
import { FnSpec } from './PipelineGraph.js';

/**
 * What the canvas offers: every operator type and connector with its group, inputs/outputs and config as JSON Schema.
 * Built in Node from the registries (`buildCatalog`) and checked in as catalog.generated.ts, because the connector
 * implementations import Node modules (net) that must not reach the browser; the browser imports only that data.
 */

/** A JSON Schema (draft 2020-12) as produced by `z.toJSONSchema`, with Flowbook's field annotation. */
export interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  /** 'duration': a number of milliseconds; 'fn': a user function kept as source text (an FnSpec `{ code }`). */
  'x-flowbook'?: FieldKind;
  [keyword: string]: unknown;
}

export type FieldKind = 'duration' | 'fn';

export type CatalogGroup = OperatorCategory;

export const CATALOG_GROUPS: { id: CatalogGroup; label: string }[] = [
  { id: 'sources', label: 'Sources' },
  { id: 'transformations', label: 'Transformations' },
  { id: 'keyed and windows', label: 'Keyed & windows' },
  { id: 'joins', label: 'Joins' },
  { id: 'sinks', label: 'Sinks' },
];

/** One palette item: an operator type, or a connector as a source or a sink node. */
export interface CatalogEntry {
  /** 'map', 'source:sales-generator', 'sink:live'. */
  id: string;
  /** The node type it creates. */
  type: string;
  connector?: string;
  label: string;
  group: CatalogGroup;
  description: string;
  inputs: 0 | 1 | 2;
  outputs: 0 | 1;
  /** Names of the two inputs of two-input operators, in targetInput order. */
  inputLabels?: [string, string];
  /** Whether inputs must come through keyBy (a hash-partitioned edge). */
  keyed: boolean | 'optional';
  /** The node's whole config; for sources and sinks with the connector's own config schema inlined. */
  configSchema: JsonSchema;
  /** A valid config to start from. */
  defaults: Record<string, unknown>;
}

/** A connector's config schema, so hosts without the connector code (the browser) can still validate configs. */
export interface CatalogConnector {
  name: string;
  description: string;
  source: boolean;
  sink: boolean;
  /** The source emits its own watermarks (Kafka's per-partition ones). */
  emitsWatermarks?: boolean;
  /** The source's records carry event timestamps: true, false, or when the named config option is set. */
  recordTimestamps?: boolean | string;
  /** Record fields a source emits, and the config options of a sink that name fields (see graph/recordFields.ts). */
  outputFields?: string[];
  outputFieldsUnless?: string;
  fieldRefs?: string[];
  configSchema: JsonSchema;
}

export interface Catalog {
  entries: CatalogEntry[];
  connectors: CatalogConnector[];
}

// The registry keeps window assigners, triggers and evictors as loose records (the runtime rebuilds them with
// windows/fromSpec.ts). The canvas needs their real shape to draw a form; these mirror what the API's toSpec() writes.
const time = z.enum(['event', 'processing']);
const positiveMs = z.number().positive();
const WindowAssignerSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('tumbling'), time, size: positiveMs, offset: z.number().default(0) }),
  z.object({ kind: z.literal('sliding'), time, size: positiveMs, slide: positiveMs, offset: z.number().default(0) }),
  z.object({ kind: z.literal('session'), time, gap: positiveMs }),
  z.object({ kind: z.literal('dynamicSession'), time, gapExtractor: FnSpec }),
  z.object({ kind: z.literal('global') }),
]);
const baseTriggers = [
  z.object({ kind: z.literal('eventTime') }),
  z.object({ kind: z.literal('processingTime') }),
  z.object({ kind: z.literal('count'), maxCount: z.number().int().positive() }),
  z.object({ kind: z.literal('continuousEventTime'), interval: positiveMs }),
  z.object({ kind: z.literal('continuousProcessingTime'), interval: positiveMs }),
  z.object({ kind: z.literal('never') }),
] as const;
// PurgingTrigger nests one level: purging a purging trigger changes nothing, and a flat schema keeps forms simple.
const TriggerSchema = z.discriminatedUnion('kind', [...baseTriggers, z.object({ kind: z.literal('purging'), nested: z.discriminatedUnion('kind', [...baseTriggers]) })]);
const EvictorSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('count'), maxCount: z.number().int().positive(), doEvictAfter: z.boolean().default(false) }),
  z.object({ kind: z.literal('time'), windowSize: positiveMs, doEvictAfter: z.boolean().default(false) }),
  z.object({ kind: z.literal('delta'), threshold: z.number(), deltaFunction: FnSpec, doEvictAfter: z.boolean().default(false) }),
]);
// Compile-time guard: these schemas describe a subset of the engine's spec types, so they cannot drift apart silently.
const _specsStayInSync: [
  (s: z.output<typeof WindowAssignerSchema>) => WindowAssignerSpec,
  (s: z.output<typeof TriggerSchema>) => TriggerSpec,
  (s: z.output<typeof EvictorSchema>) => EvictorSpec,
] = [(s) => s, (s) => s, (s) => s];
void _specsStayInSync;

/** The real shapes of the spec fields the operator schemas keep loose (validateGraph checks them too). */
export const SPEC_FIELDS: Record<string, z.ZodType> = { assigner: WindowAssignerSchema, trigger: TriggerSchema.optional(), evictor: EvictorSchema.optional() };

/** Number fields holding milliseconds. The registries' zod schemas are plain numbers, so the names carry the unit. */
const DURATION_FIELDS = new Set([
  'allowedLateness',
  'maxOutOfOrderness',
  'idleness',
  'size',
  'slide',
  'offset',
  'gap',
  'interval',
  'windowSize',
  'lowerBound',
  'upperBound',
  'retryDelayMs',
  'outOfOrdernessMs',
  'pollIntervalMs',
  'rolloverIntervalMs',
  'connectTimeoutMs',
  'reconnectPeriodMs',
  'flushTimeoutMs',
  'maxOutOfOrdernessMs',
  'maxLatenessMs',
  'flushIntervalMs',
  'idlenessMs',
]);

/** Starting configs: user functions need a body that runs, and some connectors need a value the schema cannot default. */
const FN_TEMPLATES: Record<string, Record<string, unknown>> = {
  map: { fn: { code: '(value) => value' } },
  filter: { fn: { code: '(value) => true' } },
  flatMap: { fn: { code: '(value, out) => {\n  out.collect(value);\n}' } },
  reduce: { fn: { code: '(a, b) => a' } },
  aggregate: {
    fn: { code: '({\n  createAccumulator: () => 0,\n  add: (value, count) => count + 1,\n  getResult: (count) => count,\n  merge: (a, b) => a + b,\n})' },
  },
  process: { fn: { code: '({\n  processElement(value, ctx, out) {\n    out.collect(value);\n  },\n})' } },
  keyedProcess: {
    fn: { code: '({\n  processElement(value, ctx, out) {\n    out.collect(value);\n  },\n  onTimer(timestamp, ctx, out) {},\n})' },
  },
  coProcess: {
    fn: { code: '({\n  processElement1(value, ctx, out) {\n    out.collect(value);\n  },\n  processElement2(value, ctx, out) {\n    out.collect(value);\n  },\n})' },
  },
  keyedCoProcess: {
    fn: { code: '({\n  processElement1(value, ctx, out) {\n    out.collect(value);\n  },\n  processElement2(value, ctx, out) {\n    out.collect(value);\n  },\n})' },
  },
  assignTimestampsAndWatermarks: {
    // No assigner: validation asks for one where the records upstream carry no timestamps (a recordTimestamp passed through would be none).
    watermarkStrategy: { kind: 'boundedOutOfOrderness', maxOutOfOrderness: 1000 },
  },
  // Processing time by default: an event-time window needs watermarks upstream, which a new canvas has not got yet.
  window: { assigner: { kind: 'tumbling', time: 'processing', size: 5000, offset: 0 }, function: { kind: 'reduce', reduce: { code: '(a, b) => a' } } },
  windowJoin: { assigner: { kind: 'tumbling', time: 'processing', size: 5000, offset: 0 }, fn: { code: '(left, right) => ({ left, right })' } },
  windowCoGroup: {
    assigner: { kind: 'tumbling', time: 'processing', size: 5000, offset: 0 },
    fn: { code: '(first, second, out) => {\n  out.collect({ first, second });\n}' },
  },
  intervalJoin: {
    lowerBound: -5000,
    upperBound: 5000,
    lowerBoundInclusive: true,
    upperBoundInclusive: true,
    fn: { code: '({\n  processElement(left, right, ctx, out) {\n    out.collect({ left, right });\n  },\n})' },
  },
  union: {},
};

const CONNECTOR_TEMPLATES: Record<string, unknown> = {
  elements: { elements: [1, 2, 3] },
  'socket-text': { host: 'localhost', port: 9999 },
  file: { path: 'data.csv', format: 'csv' },
  'file-sink': { path: 'out' },
  // One template serves the source and the sink role.
  mqtt: { topics: ['flowbook/in/#'], topic: 'flowbook/out' },
  postgres: { url: 'postgresql://${secret:PG_USER}@127.0.0.1:5432/test', table: 'results' },
  kafka: { brokers: ['localhost:9092'], topics: ['input'], groupId: 'flowbook', topic: 'output' },
  // An inline SourceFunction: counts up once a second until cancelled.
  function: {
    fn: {
      code: '({\n  running: true,\n  async run(ctx) {\n    for (let i = 0; this.running; i++) {\n      ctx.collect(i);\n      await ctx.sleep(1000);\n    }\n  },\n  cancel() {\n    this.running = false;\n  },\n})',
    },
  },
};

/** How a connector's records get event time; sources without an entry get no watermarks. */
const SOURCE_WATERMARKS: Record<string, Record<string, unknown> | undefined> = {
  // The plain API calls (fromCollection, socketTextStream) set no strategy: keep them so "Show as code" reads naturally.
  elements: undefined,
  'socket-text': undefined,
  // Nexmark events carry their own timestamps.
  nexmark: { kind: 'boundedOutOfOrderness', maxOutOfOrderness: 4000 },
  'iot-sensors': { kind: 'boundedOutOfOrderness', maxOutOfOrderness: 2000 },
};

const INPUT_LABELS: Record<string, [string, string]> = {
  coProcess: ['first', 'second'],
  keyedCoProcess: ['first', 'second'],
  windowJoin: ['left', 'right'],
  windowCoGroup: ['first', 'second'],
  intervalJoin: ['left', 'right'],
};

/** 'sales-generator' → 'Sales generator', 'keyedCoProcess' → 'Keyed co process'. */
export function humanize(id: string): string {
  const words = id
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[-_\s]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
  const text = words.join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const LABELS: Record<string, string> = { assignTimestampsAndWatermarks: 'Timestamps & watermarks', flatMap: 'FlatMap', keyedProcess: 'Keyed process', coProcess: 'CoProcess', keyedCoProcess: 'Keyed CoProcess', windowCoGroup: 'Window CoGroup' };

function toJsonSchema(schema: z.ZodType): JsonSchema {
  const json = z.toJSONSchema(schema, {
    // Input side: fields with defaults are optional in a form, as they are for the runtime.
    io: 'input',
    unrepresentable: 'any',
    override: (ctx) => {
      if (ctx.zodSchema === FnSpec) ctx.jsonSchema['x-flowbook'] = 'fn';
    },
  }) as JsonSchema;
  delete json.$schema;
  markDurations(json);
  return json;
}

function markDurations(schema: JsonSchema): void {
  for (const [name, prop] of Object.entries(schema.properties ?? {})) {
    if (DURATION_FIELDS.has(name) && (prop.type === 'number' || prop.type === 'integer')) prop['x-flowbook'] = 'duration';
    markDurations(prop);
  }
  for (const branch of [...(schema.oneOf ?? []), ...(schema.anyOf ?? [])]) markDurations(branch);
  if (schema.items) markDurations(schema.items);
}

/** The operator's config schema with the loosely typed spec fields replaced by their real shape. */
function nodeConfigSchema(def: OperatorSpec, connector?: ConnectorDefinition<unknown>): z.ZodType {
  if (!(def.configSchema instanceof z.ZodObject)) return def.configSchema;
  const shape = def.configSchema.shape as Record<string, z.ZodType>;
  const replaced: Record<string, z.ZodType> = {};
  for (const [k, s] of Object.entries(SPEC_FIELDS)) if (k in shape) replaced[k] = s;
  if (connector) {
    replaced.connector = z.literal(connector.name);
    replaced.config = connector.configSchema;
  }
  return def.configSchema.extend(replaced);
}

/** The schema's own defaults, for an object schema: what a form shows before the user types. */
export function schemaDefaults(schema: JsonSchema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, prop] of Object.entries(schema.properties ?? {})) {
    if (prop.default !== undefined) out[name] = structuredClone(prop.default);
    else if (prop.type === 'object' && schema.required?.includes(name)) out[name] = schemaDefaults(prop);
  }
  return out;
}

/** A connector's starting config: its template filled up with defaults. Required fields without either stay empty. */
function connectorDefaults(c: ConnectorDefinition<unknown>): unknown {
  const template = CONNECTOR_TEMPLATES[c.name] ?? {};
  const parsed = c.configSchema.safeParse(template);
  return parsed.success ? parsed.data : { ...schemaDefaults(toJsonSchema(c.configSchema)), ...(template as object) };
}

function operatorEntry(def: OperatorSpec): CatalogEntry {
  return {
    id: def.type,
    type: def.type,
    label: LABELS[def.type] ?? humanize(def.type),
    group: def.category,
    description: def.description,
    inputs: def.inputs,
    outputs: 1,
    ...(def.inputs === 2 ? { inputLabels: INPUT_LABELS[def.type] ?? ['first', 'second'] } : {}),
    keyed: def.keyed,
    configSchema: toJsonSchema(nodeConfigSchema(def)),
    defaults: structuredClone(FN_TEMPLATES[def.type] ?? {}),
  };
}

function connectorEntry(def: OperatorSpec, c: ConnectorDefinition<unknown>, role: 'source' | 'sink'): CatalogEntry {
  const wm = role === 'source' ? (c.name in SOURCE_WATERMARKS ? SOURCE_WATERMARKS[c.name] : { kind: 'noWatermarks' }) : undefined;
  return {
    id: `${role}:${c.name}`,
    type: role,
    connector: c.name,
    label: humanize(c.name),
    group: role === 'source' ? 'sources' : 'sinks',
    description: c.description,
    inputs: role === 'source' ? 0 : 1,
    outputs: role === 'source' ? 1 : 0,
    keyed: def.keyed,
    configSchema: toJsonSchema(nodeConfigSchema(def, c)),
    defaults: { connector: c.name, config: connectorDefaults(c), ...(wm ? { watermarkStrategy: structuredClone(wm) } : {}) },
  };
}

/**
 * The catalog of the operators and connectors registered in this process: call it where the connectors are loaded
 * (Node, after importing the engine). Sources and sinks appear once per connector that can read or write.
 */
export function buildCatalog(operators: OperatorSpec[] = listOperatorSpecs(), connectors: ConnectorDefinition<unknown>[] = listConnectors()): Catalog {
  const entries: CatalogEntry[] = [];
  const order = new Map(CATALOG_GROUPS.map((g, i) => [g.id, i]));
  for (const def of operators) {
    if (def.type === 'source' || def.type === 'sink') {
      const role = def.type;
      for (const c of connectors) if (role === 'source' ? c.createSource : c.createSink) entries.push(connectorEntry(def, c, role));
    } else {
      entries.push(operatorEntry(def));
    }
  }
  // Stable order by group, then registration order: the palette shows groups in pipeline order.
  entries.sort((a, b) => order.get(a.group)! - order.get(b.group)!);
  return {
    entries,
    connectors: connectors.map((c) => ({
      name: c.name,
      description: c.description,
      source: !!c.createSource,
      sink: !!c.createSink,
      ...(c.emitsWatermarks ? { emitsWatermarks: true } : {}),
      ...(c.recordTimestamps !== undefined ? { recordTimestamps: c.recordTimestamps } : {}),
      ...(c.outputFields ? { outputFields: c.outputFields } : {}),
      ...(c.outputFieldsUnless ? { outputFieldsUnless: c.outputFieldsUnless } : {}),
      ...(c.fieldRefs ? { fieldRefs: c.fieldRefs } : {}),
      configSchema: toJsonSchema(c.configSchema),
    })),
  };
}

/** The source text of catalog.generated.ts (kept up to date by catalog.test.ts; `vitest -u` rewrites it). */
export function renderCatalogModule(catalog: Catalog): string {
  return (
    '// Generated from the operator and connector registries by packages/engine/src/graph/catalog.test.ts: do not edit.\n' +
    '// After changing an operator or connector, run `npx vitest run packages/engine/src/graph/catalog.test.ts -u`.\n' +
    "import type { Catalog } from './catalog.js';\n\n" +
    `export const BUILTIN_CATALOG: Catalog = ${JSON.stringify(catalog, null, 2)};\n`
  );
}

/**
 * Registers schema-only connectors (no source or sink code) from a catalog, so validateGraph can check connector
 * configs where the connector implementations cannot load (the browser). Connectors already registered are kept.
 */
export function registerCatalogConnectors(catalog: Catalog): void {
  for (const c of catalog.connectors) {
    if (getConnector(c.name)) continue;
    registerConnector({
      name: c.name,
      description: c.description,
      ...(c.emitsWatermarks ? { emitsWatermarks: true } : {}),
      ...(c.recordTimestamps !== undefined ? { recordTimestamps: c.recordTimestamps } : {}),
      ...(c.outputFields ? { outputFields: c.outputFields } : {}),
      ...(c.outputFieldsUnless ? { outputFieldsUnless: c.outputFieldsUnless } : {}),
      ...(c.fieldRefs ? { fieldRefs: c.fieldRefs } : {}),
      configSchema: z.fromJSONSchema(c.configSchema as z.core.JSONSchema.JSONSchema),
    });
  }
}

export function catalogEntryFor(catalog: Catalog, node: { type: string; config?: Record<string, unknown> }): CatalogEntry | undefined {
  const connector = node.config?.connector;
  if ((node.type === 'source' || node.type === 'sink') && typeof connector === 'string') return catalog.entries.find((e) => e.type === node.type && e.connector === connector);
  return catalog.entries.find((e) => e.type === node.type && e.connector === undefined);
}
