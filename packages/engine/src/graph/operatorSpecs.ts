import { z } from 'zod';
import { FnSpec } from './PipelineGraph.js';

// What the graph knows of each operator type (category, inputs, config schema), apart from the operator classes that
// run it (runtime/operatorRegistry.ts): validation, the canvas's palette and its settings forms need only this, so the
// browser loads no runtime code.

export type OperatorCategory = 'sources' | 'transformations' | 'keyed and windows' | 'joins' | 'sinks';

/** A node type as the graph sees it. */
export interface OperatorSpec {
  type: string;
  category: OperatorCategory;
  description: string;
  /** Number of inputs: 0 for sources, 2 for connect/join. */
  inputs: 0 | 1 | 2;
  /** Whether inputs must be keyed (come through keyBy). */
  keyed: boolean | 'optional';
  configSchema: z.ZodType;
}

export const WatermarkStrategySpecSchema = z.object({
  kind: z.enum(['boundedOutOfOrderness', 'noWatermarks', 'generator']),
  maxOutOfOrderness: z.number().nonnegative().optional(),
  /** kind 'generator': the WatermarkGeneratorSupplier, (ctx) => WatermarkGenerator (WatermarkStrategy.forGenerator). */
  generator: FnSpec.optional(),
  timestampAssigner: FnSpec.optional(),
  idleness: z.number().positive().optional(),
});

const fnConfig = z.object({ fn: FnSpec });

export const WindowNodeConfig = z.object({
  assigner: z.record(z.string(), z.unknown()),
  trigger: z.record(z.string(), z.unknown()).optional(),
  evictor: z.record(z.string(), z.unknown()).optional(),
  allowedLateness: z.number().nonnegative().optional(),
  lateDataOutputTag: z.string().optional(),
  /** Set by windowAll: the function is a ProcessAllWindowFunction. */
  allWindow: z.boolean().optional().describe('Window the whole stream, without keyBy (windowAll): runs as one subtask'),
  function: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('reduce'), reduce: FnSpec, process: FnSpec.optional() }),
    z.object({ kind: z.literal('aggregate'), aggregate: FnSpec, process: FnSpec.optional() }),
    z.object({ kind: z.literal('process'), process: FnSpec }),
  ]),
});

/** windowJoin and windowCoGroup: a window over both inputs, and the function that gets each fired key and window. */
const windowTwoInputConfig = z.object({
  assigner: z.record(z.string(), z.unknown()),
  trigger: z.record(z.string(), z.unknown()).optional(),
  allowedLateness: z.number().nonnegative().optional(),
  fn: FnSpec,
});

/** The built-in node types; runtime/operatorRegistry.ts gives each its operators. */
export const BUILTIN_OPERATOR_SPECS = {
  source: {
    type: 'source',
    category: 'sources',
    description: 'Reads records from a connector',
    inputs: 0,
    keyed: false,
    configSchema: z.object({ connector: z.string(), config: z.unknown().optional(), watermarkStrategy: WatermarkStrategySpecSchema.optional() }),
  },
  assignTimestampsAndWatermarks: {
    type: 'assignTimestampsAndWatermarks',
    category: 'transformations',
    description: 'Assigns event timestamps and generates watermarks',
    inputs: 1,
    keyed: 'optional',
    configSchema: z.object({ watermarkStrategy: WatermarkStrategySpecSchema }),
  },
  map: {
    type: 'map',
    category: 'transformations',
    description: 'One record in, one record out',
    inputs: 1,
    keyed: 'optional',
    configSchema: fnConfig,
  },
  filter: {
    type: 'filter',
    category: 'transformations',
    description: 'Keeps records for which the predicate is true',
    inputs: 1,
    keyed: 'optional',
    configSchema: fnConfig,
  },
  flatMap: {
    type: 'flatMap',
    category: 'transformations',
    description: 'One record in, zero or more out',
    inputs: 1,
    keyed: 'optional',
    configSchema: fnConfig,
  },
  reduce: {
    type: 'reduce',
    category: 'keyed and windows',
    description: 'Rolling reduce per key',
    inputs: 1,
    keyed: true,
    configSchema: fnConfig,
  },
  window: {
    type: 'window',
    category: 'keyed and windows',
    description: 'Groups records into windows (tumbling, sliding, session, global) and aggregates each window',
    inputs: 1,
    keyed: 'optional',
    configSchema: WindowNodeConfig,
  },
  sink: {
    type: 'sink',
    category: 'sinks',
    description: 'Writes records to a connector',
    inputs: 1,
    keyed: 'optional',
    configSchema: z.object({ connector: z.string(), config: z.unknown().optional() }),
  },
  aggregate: {
    type: 'aggregate',
    category: 'keyed and windows',
    description: 'Rolling aggregate per key (AggregateFunction)',
    inputs: 1,
    keyed: true,
    configSchema: fnConfig,
  },
  process: {
    type: 'process',
    category: 'transformations',
    description: 'A ProcessFunction: any logic per record, with side outputs',
    inputs: 1,
    keyed: false,
    configSchema: fnConfig,
  },
  keyedProcess: {
    type: 'keyedProcess',
    category: 'keyed and windows',
    description: 'A KeyedProcessFunction: keyed state and event/processing-time timers',
    inputs: 1,
    keyed: true,
    configSchema: fnConfig,
  },
  coProcess: {
    type: 'coProcess',
    category: 'joins',
    description: 'Two connected streams, one function with processElement1/processElement2',
    inputs: 2,
    keyed: false,
    configSchema: fnConfig,
  },
  keyedCoProcess: {
    type: 'keyedCoProcess',
    category: 'joins',
    description: 'Two connected keyed streams: shared keyed state and timers',
    inputs: 2,
    keyed: true,
    configSchema: fnConfig,
  },
  windowJoin: {
    type: 'windowJoin',
    category: 'joins',
    description: 'Joins elements of the same key in the same window',
    inputs: 2,
    keyed: true,
    configSchema: windowTwoInputConfig,
  },
  windowCoGroup: {
    type: 'windowCoGroup',
    category: 'joins',
    description: 'All elements of each input with the same key in the same window, in one call (sides may be empty)',
    inputs: 2,
    keyed: true,
    configSchema: windowTwoInputConfig,
  },
  intervalJoin: {
    type: 'intervalJoin',
    category: 'joins',
    description: 'Joins each left element with right elements of the same key within a time interval',
    inputs: 2,
    keyed: true,
    configSchema: z.object({
      lowerBound: z.number(),
      upperBound: z.number(),
      lowerBoundInclusive: z.boolean().default(true),
      upperBoundInclusive: z.boolean().default(true),
      leftLateDataOutputTag: z.string().optional(),
      rightLateDataOutputTag: z.string().optional(),
      fn: FnSpec,
    }),
  },
  union: {
    type: 'union',
    category: 'transformations',
    description: 'Merges streams of the same type; the watermark is the minimum of the inputs',
    inputs: 1,
    keyed: false,
    configSchema: z.object({}),
  },
} as const satisfies Record<string, OperatorSpec & { type: string }>;

const specs = new Map<string, OperatorSpec>(Object.values(BUILTIN_OPERATOR_SPECS).map((s) => [s.type, s]));

/** Adds a node type (operatorRegistry's registerOperator calls this for operators registered at run time). */
export function registerOperatorSpec(spec: OperatorSpec): void {
  specs.set(spec.type, spec);
}

export function getOperatorSpec(type: string): OperatorSpec | undefined {
  return specs.get(type);
}

export function listOperatorSpecs(): OperatorSpec[] {
  return [...specs.values()];
}
