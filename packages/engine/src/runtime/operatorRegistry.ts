import type { z } from 'zod';
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
import type { GraphConfig, GraphNode } from '../graph/PipelineGraph.js';
import { BUILTIN_OPERATOR_SPECS, registerOperatorSpec, type OperatorSpec } from '../graph/operatorSpecs.js';
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

export { WatermarkStrategySpecSchema, WindowNodeConfig, type OperatorCategory } from '../graph/operatorSpecs.js';

/** How a node type becomes operators. One node may expand to a short chain (a source and its watermark assigner). */
export interface OperatorDefinition extends OperatorSpec {
  create(config: never, node: GraphNode, graph: GraphConfig): StreamOperator[];
}

const registry = new Map<string, OperatorDefinition>();

/** Adds a node type: its spec (for validation and the canvas) and how it becomes operators. */
export function registerOperator<S extends z.ZodType>(def: Omit<OperatorDefinition, 'create' | 'configSchema'> & {
  configSchema: S;
  create(config: z.output<S>, node: GraphNode, graph: GraphConfig): StreamOperator[];
}): void {
  const { create: _create, ...spec } = def;
  registerOperatorSpec(spec);
  registry.set(def.type, def as unknown as OperatorDefinition);
}

export function getOperatorDefinition(type: string): OperatorDefinition | undefined {
  return registry.get(type);
}

export function listOperatorDefinitions(): OperatorDefinition[] {
  return [...registry.values()];
}

type Builtins = typeof BUILTIN_OPERATOR_SPECS;

/** Gives a built-in node type (graph/operatorSpecs.ts) its operators. */
function implement<K extends keyof Builtins>(type: K, create: (config: z.output<Builtins[K]['configSchema']>, node: GraphNode, graph: GraphConfig) => StreamOperator[]): void {
  registry.set(type, { ...BUILTIN_OPERATOR_SPECS[type], create } as unknown as OperatorDefinition);
}

const nodeName = (node: GraphNode) => `node "${node.name ?? node.id}" (${node.type})`;

implement('source', (c, node, graph) => {
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
});

implement('assignTimestampsAndWatermarks', (c, _n, graph) => [new TimestampsAndWatermarksOperator(WatermarkStrategy.fromSpec(c.watermarkStrategy as WatermarkStrategySpec), graph.autoWatermarkInterval)]);

implement('map', (c, node) => [new MapOperator(resolveFn<MapFunction<unknown, unknown>>(c.fn, nodeName(node)))]);

implement('filter', (c, node) => [new FilterOperator(resolveFn<FilterFunction<unknown>>(c.fn, nodeName(node)))]);

implement('flatMap', (c, node) => [new FlatMapOperator(resolveFn<FlatMapFunction<unknown, unknown>>(c.fn, nodeName(node)))]);

implement('reduce', (c, node) => [new KeyedReduceOperator(resolveFn<ReduceFunction<unknown>>(c.fn, nodeName(node)))]);

implement('window', (c) => [
  new WindowOperator({
    assigner: assignerFromSpec(c.assigner),
    ...(c.trigger ? { trigger: triggerFromSpec(c.trigger) } : {}),
    ...(c.evictor ? { evictor: evictorFromSpec(c.evictor) } : {}),
    ...(c.allowedLateness !== undefined ? { allowedLateness: c.allowedLateness } : {}),
    ...(c.lateDataOutputTag !== undefined ? { lateDataOutputTag: c.lateDataOutputTag } : {}),
    fn: c.function,
    ...(c.allWindow ? { allWindow: true } : {}),
  }),
]);

implement('sink', (c, node) => {
  const { def, config } = parseConnectorConfig(c.connector, c.config, nodeName(node), true);
  if (!def.createSink) throw new Error(`${nodeName(node)}: connector "${c.connector}" has no sink`);
  return [new SinkOperator(def.createSink(config))];
});

implement('aggregate', (c, node) => [new KeyedAggregateOperator(resolveFn<AggregateFunction<unknown, unknown, unknown>>(c.fn, nodeName(node)))]);

implement('process', (c, node) => [new ProcessOperator(resolveFn<ProcessFunction<unknown, unknown>>(c.fn, nodeName(node)))]);

implement('keyedProcess', (c, node) => [new KeyedProcessOperator(resolveFn<KeyedProcessFunction<unknown, unknown, unknown>>(c.fn, nodeName(node)))]);

implement('coProcess', (c, node) => [new CoProcessOperator(resolveFn<CoProcessFunction<unknown, unknown, unknown>>(c.fn, nodeName(node)), false)]);

implement('keyedCoProcess', (c, node) => [new CoProcessOperator(resolveFn<KeyedCoProcessFunction<unknown, unknown, unknown, unknown>>(c.fn, nodeName(node)), true)]);

implement('windowJoin', (c, node) => [
  new WindowJoinOperator(assignerFromSpec(c.assigner), resolveFn<JoinFunction<unknown, unknown, unknown>>(c.fn, nodeName(node)), c.trigger ? triggerFromSpec(c.trigger) : undefined, c.allowedLateness),
]);

implement('windowCoGroup', (c, node) => [
  new WindowCoGroupOperator(assignerFromSpec(c.assigner), resolveFn<CoGroupFunction<unknown, unknown, unknown>>(c.fn, nodeName(node)), c.trigger ? triggerFromSpec(c.trigger) : undefined, c.allowedLateness),
]);

implement('intervalJoin', (c, node) => [
  new IntervalJoinOperator(resolveFn<ProcessJoinFunction<unknown, unknown, unknown>>(c.fn, nodeName(node)), {
    lowerBound: c.lowerBound,
    upperBound: c.upperBound,
    lowerBoundInclusive: c.lowerBoundInclusive,
    upperBoundInclusive: c.upperBoundInclusive,
    ...(c.leftLateDataOutputTag ? { leftLateDataOutputTag: c.leftLateDataOutputTag } : {}),
    ...(c.rightLateDataOutputTag ? { rightLateDataOutputTag: c.rightLateDataOutputTag } : {}),
  }),
]);

implement('union', () => [new MapOperator((v) => v)]);
