import type { GraphEdge, GraphNode, PipelineGraph } from '../graph/PipelineGraph.js';
import { REPARTITION_CONNECTOR } from './repartition/connector.js';
import type { RepartitionConfig } from './repartition/RepartitionConfig.js';

/** Options of the job's Kafka source that say how to reach the cluster (the repartition topic is on it too). */
const CONNECTION = ['brokers', 'clientId', 'ssl', 'sasl', 'connectionTimeoutMs', 'requestTimeoutMs', 'logLevel', 'fetchMaxWaitMs', 'fetchMaxBytesPerPartition'];

/**
 * A job split at its keyBy into two sub-topologies, as Kafka Streams splits a topology at a repartition topic:
 * part 1 (the source and the stateless operators before the keyBy) writes each record to the repartition partition
 * of its key group; part 2 (the keyBy's operator and everything after it) reads the repartition topic, so the worker
 * that owns repartition partition p owns the keyed state of exactly p's key groups.
 */
export interface SubTopologies {
  /** `flowbook-<job>-<operator id>-repartition`. */
  topic: string;
  /** The keyed operator whose input edge is replaced by the topic. */
  operatorId: string;
  /** Part 1 for the writer reading source partition `writer`, writing `partitions` repartition partitions. */
  part1(writer: number, partitions: number): PipelineGraph;
  /** Part 2 over a repartition topic of `partitions`, written by `writers` (the source topic's partitions). */
  part2(partitions: number, writers: number): PipelineGraph;
}

/** Kafka topic names allow letters, digits, '.', '_' and '-'. */
const topicSafe = (s: string) => s.replace(/[^a-zA-Z0-9._-]/g, '_');

/**
 * Splits `graph` (one Kafka source) at the first keyBy after its source; undefined when it has none (nothing keyed:
 * no repartition needed). Jobs with more than one keyBy after the source, or with paths that join the two parts other
 * than through that keyBy, are refused: only one repartition topic per job is supported.
 */
export function splitAtKeyBy(graph: PipelineGraph, jobName: string): SubTopologies | undefined {
  const source = graph.nodes.find((n) => n.type === 'source')!;
  const out = (id: string) => graph.edges.filter((e) => e.source === id);
  // Part 1: what the source reaches without crossing a keyBy.
  const upstream = new Set<string>([source.id]);
  const keyBys: GraphEdge[] = [];
  for (const queue = [source.id]; queue.length > 0; ) {
    for (const e of out(queue.shift()!)) {
      if (e.partitioning === 'hash') keyBys.push(e);
      else if (!upstream.has(e.target)) (upstream.add(e.target), queue.push(e.target));
    }
  }
  if (keyBys.length === 0) return undefined;
  if (keyBys.length > 1) throw new Error(`a scaled-out job repartitions once: ${keyBys.length} keyBy edges follow the source (${keyBys.map((e) => e.target).join(', ')})`);
  const keyBy = keyBys[0]!;
  if (keyBy.keySelector === undefined) throw new Error(`the keyBy into ${keyBy.target} has no key selector`);
  const downstream = new Set(graph.nodes.map((n) => n.id).filter((id) => !upstream.has(id)));
  // A sink fed from both sides (the host's dead-letter sink takes every operator's side output) runs in both parts,
  // each writing what its own operators send it.
  const shared = new Set(graph.nodes.filter((n) => n.type === 'sink' && upstream.has(n.id) && graph.edges.some((e) => e.target === n.id && downstream.has(e.source))).map((n) => n.id));
  for (const e of graph.edges) {
    if (e === keyBy || shared.has(e.target)) continue;
    if (upstream.has(e.source) !== upstream.has(e.target)) throw new Error(`a scaled-out job's part after its keyBy (${keyBy.target}) must be reached only through the keyBy, not through ${e.source} → ${e.target}`);
    if (downstream.has(e.source) && e.partitioning === 'hash') throw new Error(`a scaled-out job repartitions once: a second keyBy (into ${e.target}) is not supported`);
  }
  const src = source.config as { config: Record<string, unknown> };
  const kafka = Object.fromEntries(CONNECTION.filter((k) => src.config[k] !== undefined).map((k) => [k, src.config[k]]));
  const topic = topicSafe(`flowbook-${jobName}-${keyBy.target}-repartition`);
  const common = { kafka, topic, maxParallelism: graph.config.maxParallelism };
  const nodeId = `${keyBy.target}-repartition`;
  const keep = (ids: Set<string>) => ({ nodes: graph.nodes.filter((n) => ids.has(n.id)), edges: graph.edges.filter((e) => e !== keyBy && ids.has(e.source)) });
  return {
    topic,
    operatorId: keyBy.target,
    part1(writer, partitions) {
      const { nodes, edges } = keep(upstream);
      const config: Partial<RepartitionConfig> = { ...common, partitions, keySelector: keyBy.keySelector!, writer };
      const sink: GraphNode = { id: `${nodeId}-sink`, type: 'sink', name: `repartition ${topic}`, config: { connector: REPARTITION_CONNECTOR, config } };
      return { ...graph, name: `${graph.name ?? jobName} (part 1)`, nodes: [...nodes, sink], edges: [...edges, { source: keyBy.source, target: sink.id, targetInput: 0, partitioning: 'forward', ...(keyBy.sideOutput !== undefined ? { sideOutput: keyBy.sideOutput } : {}) }] };
    },
    part2(partitions, writers) {
      const { nodes, edges } = keep(new Set([...downstream, ...shared]));
      const { sideOutput: _side, ...into } = keyBy;
      const idlenessMs = src.config.idlenessMs as number | undefined;
      const config: Partial<RepartitionConfig> = { ...common, partitions, writers, ...(idlenessMs !== undefined ? { idlenessMs } : {}) };
      const from: GraphNode = { id: `${nodeId}-source`, type: 'source', name: `repartition ${topic}`, config: { connector: REPARTITION_CONNECTOR, config, watermarkStrategy: { kind: 'noWatermarks' } } };
      return { ...graph, name: `${graph.name ?? jobName} (part 2)`, nodes: [from, ...nodes], edges: [{ ...into, source: from.id }, ...edges] };
    },
  };
}
