import { z } from 'zod';
import type {
  AggregateFunction,
  CoGroupFunction,
  CoProcessFunction,
  FilterFunction,
  FlatMapFunction,
  JoinFunction,
  KeyedCoProcessFunction,
  KeyedProcessFunction,
  MapFunction,
  ProcessFunction,
  ProcessJoinFunction,
  ReduceFunction,
} from '../api/functions.js';
import { CoProcessOperator } from './operators/CoProcessOperator.js';
import { KeyedAggregateOperator } from './operators/KeyedAggregateOperator.js';
import { IntervalJoinOperator } from './operators/IntervalJoinOperator.js';
import { WindowCoGroupOperator } from './operators/WindowCoGroupOperator.js';
import { WindowJoinOperator } from './operators/WindowJoinOperator.js';
import { KeyedProcessOperator } from './operators/KeyedProcessOperator.js';
import { ProcessOperator } from './operators/ProcessOperator.js';
import { parseConnectorConfig } from '../connectors/registry.js';
import { resolveFn } from '../graph/fn.js';
import { FnSpec, type GraphConfig, type GraphNode } from '../graph/PipelineGraph.js';
import { TimestampsAndWatermarksOperator } from '../time/TimestampsAndWatermarksOperator.js';
import { WatermarkStrategy, type WatermarkStrategySpec } from '../time/WatermarkStrategy.js';
import { assignerFromSpec, evictorFromSpec, triggerFromSpec } from '../windows/fromSpec.js';
import { WindowOperator } from '../windows/WindowOperator.js';
import { FilterOperator } from './operators/FilterOperator.js';
import { FlatMapOperator } from './operators/FlatMapOperator.js';
import { KeyedReduceOperator } from './operators/KeyedReduceOperator.js';
import { MapOperator } from './operators/MapOperator.js';
import { SinkOperator } from './operators/SinkOperator.js';
import { SourceOperator } from './operators/SourceOperator.js';
import type { StreamOperator } from './StreamOperator.js';

export type OperatorCategory = 'sources' | 'transformations' | 'keyed and windows' | 'joins' | 'sinks';

/** How a node type becomes operators. One node may expand to a short chain (a source and its watermark assigner). */
export interface OperatorDefinition {
  type: string;
  category: OperatorCategory;
  description: string;
  /** Number of inputs: 0 for sources, 2 for connect/join. */
  inputs: 0 | 1 | 2;
  /** Whether inputs must be keyed (come through keyBy). */
  keyed: boolean | 'optional';
  configSchema: z.ZodType;
  create(config: never, node: GraphNode, graph: GraphConfig): StreamOperator[];
}

const registry = new Map<string, OperatorDefinition>();

export function registerOperator<S extends z.ZodType>(def: Omit<OperatorDefinition, 'create' | 'configSchema'> & {
  configSchema: S;
  create(config: z.output<S>, node: GraphNode, graph: GraphConfig): StreamOperator[];
}): void {
  registry.set(def.type, def as unknown as OperatorDefinition);
}

export function getOperatorDefinition(type: string): OperatorDefinition | undefined {
  return registry.get(type);
}

export function listOperatorDefinitions(): OperatorDefinition[] {
  return [...registry.values()];
}

export const WatermarkStrategySpecSchema = z.object({
  kind: z.enum(['boundedOutOfOrderness', 'noWatermarks']),
  maxOutOfOrderness: z.number().nonnegative().optional(),
  timestampAssigner: FnSpec.optional(),
  idleness: z.number().positive().optional(),
});

const fnConfig = z.object({ fn: FnSpec });

const nodeName = (node: GraphNode) => `node "${node.name ?? node.id}" (${node.type})`;

registerOperator({
  type: 'source',
  category: 'sources',
  description: 'Reads records from a connector',
  inputs: 0,
  keyed: false,
  configSchema: z.object({ connector: z.string(), config: z.unknown().optional(), watermarkStrategy: WatermarkStrategySpecSchema.optional() }),
  create(c, node, graph) {
    const { def, config } = parseConnectorConfig(c.connector, c.config, nodeName(node), true);
    if (!def.createSource) throw new Error(`${nodeName(node)}: connector "${c.connector}" has no source`);
    const ops: StreamOperator[] = [new SourceOperator(def.createSource(config))];
    const ws = c.watermarkStrategy as WatermarkStrategySpec | undefined;
    // noWatermarks() without a timestamp assigner changes nothing, except that it would drop the watermarks a source
    // emits itself (Kafka's per-partition watermarks): leave the assigner out then.
    if (ws && !(ws.kind === 'noWatermarks' && ws.timestampAssigner === undefined)) {
      ops.push(new TimestampsAndWatermarksOperator(WatermarkStrategy.fromSpec(ws), graph.autoWatermarkInterval));
    }
    return ops;
  },
});

registerOperator({
  type: 'assignTimestampsAndWatermarks',
  category: 'transformations',
  description: 'Assigns event timestamps and generates watermarks',
  inputs: 1,
  keyed: 'optional',
  configSchema: z.object({ watermarkStrategy: WatermarkStrategySpecSchema }),
  create: (c, _n, graph) => [new TimestampsAndWatermarksOperator(WatermarkStrategy.fromSpec(c.watermarkStrategy as WatermarkStrategySpec), graph.autoWatermarkInterval)],
});

registerOperator({
  type: 'map',
  category: 'transformations',
  description: 'One record in, one record out',
  inputs: 1,
  keyed: 'optional',
  configSchema: fnConfig,
  create: (c, node) => [new MapOperator(resolveFn<MapFunction<unknown, unknown>>(c.fn, nodeName(node)))],
});

registerOperator({
  type: 'filter',
  category: 'transformations',
  description: 'Keeps records for which the predicate is true',
  inputs: 1,
  keyed: 'optional',
  configSchema: fnConfig,
  create: (c, node) => [new FilterOperator(resolveFn<FilterFunction<unknown>>(c.fn, nodeName(node)))],
});

registerOperator({
  type: 'flatMap',
  category: 'transformations',
  description: 'One record in, zero or more out',
  inputs: 1,
  keyed: 'optional',
  configSchema: fnConfig,
  create: (c, node) => [new FlatMapOperator(resolveFn<FlatMapFunction<unknown, unknown>>(c.fn, nodeName(node)))],
});

registerOperator({
  type: 'reduce',
  category: 'keyed and windows',
  description: 'Rolling reduce per key',
  inputs: 1,
  keyed: true,
  configSchema: fnConfig,
  create: (c, node) => [new KeyedReduceOperator(resolveFn<ReduceFunction<unknown>>(c.fn, nodeName(node)))],
});

export const WindowNodeConfig = z.object({
  assigner: z.record(z.string(), z.unknown()),
  trigger: z.record(z.string(), z.unknown()).optional(),
  evictor: z.record(z.string(), z.unknown()).optional(),
  allowedLateness: z.number().nonnegative().optional(),
  lateDataOutputTag: z.string().optional(),
  /** Set by windowAll: the function is a ProcessAllWindowFunction. */
  allWindow: z.boolean().optional(),
  function: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('reduce'), reduce: FnSpec, process: FnSpec.optional() }),
    z.object({ kind: z.literal('aggregate'), aggregate: FnSpec, process: FnSpec.optional() }),
    z.object({ kind: z.literal('process'), process: FnSpec }),
  ]),
});

registerOperator({
  type: 'window',
  category: 'keyed and windows',
  description: 'Groups records into windows (tumbling, sliding, session, global) and aggregates each window',
  inputs: 1,
  keyed: 'optional',
  configSchema: WindowNodeConfig,
  create: (c) => [
    new WindowOperator({
      assigner: assignerFromSpec(c.assigner),
      ...(c.trigger ? { trigger: triggerFromSpec(c.trigger) } : {}),
      ...(c.evictor ? { evictor: evictorFromSpec(c.evictor) } : {}),
      ...(c.allowedLateness !== undefined ? { allowedLateness: c.allowedLateness } : {}),
      ...(c.lateDataOutputTag !== undefined ? { lateDataOutputTag: c.lateDataOutputTag } : {}),
      fn: c.function,
      ...(c.allWindow ? { allWindow: true } : {}),
    }),
  ],
});

registerOperator({
  type: 'sink',
  category: 'sinks',
  description: 'Writes records to a connector',
  inputs: 1,
  keyed: 'optional',
  configSchema: z.object({ connector: z.string(), config: z.unknown().optional() }),
  create(c, node) {
    const { def, config } = parseConnectorConfig(c.connector, c.config, nodeName(node), true);
    if (!def.createSink) throw new Error(`${nodeName(node)}: connector "${c.connector}" has no sink`);
    return [new SinkOperator(def.createSink(config))];
  },
});

registerOperator({
  type: 'aggregate',
  category: 'keyed and windows',
  description: 'Rolling aggregate per key (AggregateFunction)',
  inputs: 1,
  keyed: true,
  configSchema: fnConfig,
  create: (c, node) => [new KeyedAggregateOperator(resolveFn<AggregateFunction<unknown, unknown, unknown>>(c.fn, nodeName(node)))],
});

registerOperator({
  type: 'process',
  category: 'transformations',
  description: 'A ProcessFunction: any logic per record, with side outputs',
  inputs: 1,
  keyed: false,
  configSchema: fnConfig,
  create: (c, node) => [new ProcessOperator(resolveFn<ProcessFunction<unknown, unknown>>(c.fn, nodeName(node)))],
});

registerOperator({
  type: 'keyedProcess',
  category: 'keyed and windows',
  description: 'A KeyedProcessFunction: keyed state and event/processing-time timers',
  inputs: 1,
  keyed: true,
  configSchema: fnConfig,
  create: (c, node) => [new KeyedProcessOperator(resolveFn<KeyedProcessFunction<unknown, unknown, unknown>>(c.fn, nodeName(node)))],
});

registerOperator({
  type: 'coProcess',
  category: 'joins',
  description: 'Two connected streams, one function with processElement1/processElement2',
  inputs: 2,
  keyed: false,
  configSchema: fnConfig,
  create: (c, node) => [new CoProcessOperator(resolveFn<CoProcessFunction<unknown, unknown, unknown>>(c.fn, nodeName(node)), false)],
});

registerOperator({
  type: 'keyedCoProcess',
  category: 'joins',
  description: 'Two connected keyed streams: shared keyed state and timers',
  inputs: 2,
  keyed: true,
  configSchema: fnConfig,
  create: (c, node) => [new CoProcessOperator(resolveFn<KeyedCoProcessFunction<unknown, unknown, unknown, unknown>>(c.fn, nodeName(node)), true)],
});

/** windowJoin and windowCoGroup: a window over both inputs, and the function that gets each fired key and window. */
const windowTwoInputConfig = z.object({
  assigner: z.record(z.string(), z.unknown()),
  trigger: z.record(z.string(), z.unknown()).optional(),
  allowedLateness: z.number().nonnegative().optional(),
  fn: FnSpec,
});

registerOperator({
  type: 'windowJoin',
  category: 'joins',
  description: 'Joins elements of the same key in the same window',
  inputs: 2,
  keyed: true,
  configSchema: windowTwoInputConfig,
  create: (c, node) => [
    new WindowJoinOperator(assignerFromSpec(c.assigner), resolveFn<JoinFunction<unknown, unknown, unknown>>(c.fn, nodeName(node)), c.trigger ? triggerFromSpec(c.trigger) : undefined, c.allowedLateness),
  ],
});

registerOperator({
  type: 'windowCoGroup',
  category: 'joins',
  description: 'All elements of each input with the same key in the same window, in one call (sides may be empty)',
  inputs: 2,
  keyed: true,
  configSchema: windowTwoInputConfig,
  create: (c, node) => [
    new WindowCoGroupOperator(assignerFromSpec(c.assigner), resolveFn<CoGroupFunction<unknown, unknown, unknown>>(c.fn, nodeName(node)), c.trigger ? triggerFromSpec(c.trigger) : undefined, c.allowedLateness),
  ],
});

registerOperator({
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
  create: (c, node) => [
    new IntervalJoinOperator(resolveFn<ProcessJoinFunction<unknown, unknown, unknown>>(c.fn, nodeName(node)), {
      lowerBound: c.lowerBound,
      upperBound: c.upperBound,
      lowerBoundInclusive: c.lowerBoundInclusive,
      upperBoundInclusive: c.upperBoundInclusive,
      ...(c.leftLateDataOutputTag ? { leftLateDataOutputTag: c.leftLateDataOutputTag } : {}),
      ...(c.rightLateDataOutputTag ? { rightLateDataOutputTag: c.rightLateDataOutputTag } : {}),
    }),
  ],
});

registerOperator({
  type: 'union',
  category: 'transformations',
  description: 'Merges streams of the same type; the watermark is the minimum of the inputs',
  inputs: 1,
  keyed: false,
  configSchema: z.object({}),
  create: () => [new MapOperator((v) => v)],
});
