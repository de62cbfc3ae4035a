import type { ConnectorSpec } from '../connectors/registry.js';
import { toFnSpec } from '../graph/fn.js';
import type { GraphEdge } from '../graph/PipelineGraph.js';
import type { WatermarkStrategy } from '../time/WatermarkStrategy.js';
import type { WindowAssigner } from '../windows/assigners/WindowAssigner.js';
import type { Window } from '../windows/Window.js';
import type { FilterFunction, FlatMapFunction, KeySelector, MapFunction, ProcessFunction } from './functions.js';
import { KeyedStream } from './KeyedStream.js';
import { ConnectedStreams } from './ConnectedStreams.js';
import { JoinedStreams } from './JoinedStreams.js';
import { CoGroupedStreams } from './CoGroupedStreams.js';
import type { OutputTag } from './OutputTag.js';
import type { StreamExecutionEnvironment } from './StreamExecutionEnvironment.js';
import { WindowedStream } from './WindowedStream.js';

/** A stream of records of type T (Flink's DataStream). Each call adds a node to the environment's graph. */
export class DataStream<T> {
  constructor(
    readonly env: StreamExecutionEnvironment,
    readonly nodeId: string,
    /** Set when this stream is a side output of its node. */
    readonly sideOutput?: string,
    /** How the next operator reads this stream (set by rebalance(), broadcast(), forward()). */
    private readonly partitioning?: 'forward' | 'rebalance' | 'broadcast',
  ) {}

  /** @internal The edge that feeds a new node from this stream. */
  edge(extra: Partial<GraphEdge> = {}): Omit<GraphEdge, 'target'> {
    return {
      source: this.nodeId,
      targetInput: 0,
      partitioning: this.partitioning ?? 'forward',
      ...(this.sideOutput !== undefined ? { sideOutput: this.sideOutput } : {}),
      ...extra,
    };
  }

  /** The next operator's subtasks take this stream's records in turn (round robin), as Flink's rebalance(). */
  rebalance(): DataStream<T> {
    return new DataStream<T>(this.env, this.nodeId, this.sideOutput, 'rebalance');
  }
  /** Flink's rescale(): here the same round robin as rebalance() (all subtasks share one machine). */
  rescale(): DataStream<T> {
    return this.rebalance();
  }
  /** Flink's shuffle() spreads records at random; here it spreads them evenly, as rebalance(). */
  shuffle(): DataStream<T> {
    return this.rebalance();
  }
  /** Every subtask of the next operator gets every record. */
  broadcast(): DataStream<T> {
    return new DataStream<T>(this.env, this.nodeId, this.sideOutput, 'broadcast');
  }
  /** Subtask i feeds subtask i of the next operator (chained in one thread when parallelisms are equal). */
  forward(): DataStream<T> {
    return new DataStream<T>(this.env, this.nodeId, this.sideOutput, 'forward');
  }

  /** @internal */
  protected then<R>(type: string, config: Record<string, unknown>, name?: string): DataStream<R> {
    return new DataStream<R>(this.env, this.env.addNode(type, config, name, [this.edge()]));
  }

  /** Names the node that produced this stream (shown on the canvas and in metrics). */
  name(name: string): this {
    const node = this.env.nodes.find((n) => n.id === this.nodeId);
    if (node) node.name = name;
    return this;
  }

  /** Runs the node that produced this stream as `parallelism` subtasks (Flink's setParallelism); keyed state is split by key group. */
  setParallelism(parallelism: number): this {
    if (!Number.isInteger(parallelism) || parallelism < 1) throw new Error(`setParallelism: ${parallelism} is not a positive integer`);
    const node = this.env.nodes.find((n) => n.id === this.nodeId);
    if (node) node.parallelism = parallelism;
    return this;
  }

  map<R>(fn: MapFunction<T, R>, name?: string): DataStream<R> {
    return this.then('map', { fn: toFnSpec(fn) }, name);
  }

  /** Keeps the records for which `fn` is true; a type guard `(e): e is Bid => …` narrows the stream to DataStream<Bid>. */
  filter<S extends T>(fn: (value: T) => value is S, name?: string): DataStream<S>;
  filter(fn: FilterFunction<T>, name?: string): DataStream<T>;
  filter(fn: FilterFunction<T>, name?: string): DataStream<T> {
    return this.then('filter', { fn: toFnSpec(fn) }, name);
  }

  flatMap<R>(fn: FlatMapFunction<T, R>, name?: string): DataStream<R> {
    return this.then('flatMap', { fn: toFnSpec(fn) }, name);
  }

  /** Runs a ProcessFunction per record; use ctx.output(tag, value) for side outputs. */
  process<R>(fn: ProcessFunction<T, R>, name?: string): DataStream<R> {
    return this.then('process', { fn: toFnSpec(fn) }, name ?? 'Process');
  }

  /** Processes this stream and `other` together: `connect(b).keyBy(k1, k2).process(KeyedCoProcessFunction)`. */
  connect<B>(other: DataStream<B>): ConnectedStreams<T, B> {
    return new ConnectedStreams<T, B>(this, other);
  }

  /** A window join: `join(b).where(k1).equalTo(k2).window(assigner).apply((a, b) => …)`. */
  join<B>(other: DataStream<B>): JoinedStreams<T, B> {
    return new JoinedStreams<T, B>(this, other);
  }

  /** A window coGroup: `coGroup(b).where(k1).equalTo(k2).window(assigner).apply((as, bs, out) => …)`, one call per key and window. */
  coGroup<B>(other: DataStream<B>): CoGroupedStreams<T, B> {
    return new CoGroupedStreams<T, B>(this, other);
  }

  keyBy<K>(keySelector: KeySelector<T, K>): KeyedStream<T, K> {
    return new KeyedStream<T, K>(this, toFnSpec(keySelector));
  }

  assignTimestampsAndWatermarks(strategy: WatermarkStrategy<T>, name?: string): DataStream<T> {
    return this.then('assignTimestampsAndWatermarks', { watermarkStrategy: strategy.spec }, name ?? 'Timestamps/Watermarks');
  }

  /** Merges streams of the same type; the watermark is the minimum of the inputs. */
  union(...others: DataStream<T>[]): DataStream<T> {
    // A union is a node with several edges into one input; 'map' with identity keeps the graph simple to draw.
    const id = this.env.addNode('union', {}, 'Union', [this.edge(), ...others.map((o) => o.edge())]);
    return new DataStream<T>(this.env, id);
  }

  /** All records in one set of windows, without a key (Flink's windowAll: parallelism 1). */
  windowAll<W extends Window>(assigner: WindowAssigner<W>): WindowedStream<T, never, W> {
    return new WindowedStream<T, never, W>(this, undefined, assigner);
  }

  getSideOutput<X>(tag: OutputTag<X>): DataStream<X> {
    return new DataStream<X>(this.env, this.nodeId, tag.id);
  }

  sinkTo(sink: ConnectorSpec, name?: string): DataStreamSink {
    const id = this.env.addNode('sink', { connector: sink.connector, config: sink.config }, name ?? sink.connector, [this.edge()]);
    return new DataStreamSink(this.env, id);
  }

  /** Prints every record to the cell output (stdout outside a notebook). */
  print(prefix?: string): DataStreamSink {
    return this.sinkTo({ connector: 'print', config: prefix !== undefined ? { prefix } : {} }, 'Print');
  }

  /** Runs the pipeline (bounded input) and returns this stream's records in order. */
  async executeAndCollect(limit?: number): Promise<T[]> {
    const sinkName = `collect-${this.nodeId}`;
    this.sinkTo({ connector: 'collect', config: { name: sinkName } }, 'Collect');
    const out: T[] = [];
    // The job starts inside executeAsync() and may fill the limit before it returns the client: cancel then.
    let client: { cancel(): void } | undefined;
    let full = false;
    const stopIfFull = () => {
      if (limit === undefined || out.length < limit) return;
      full = true;
      client?.cancel();
    };
    const running = this.env.executeAsync('executeAndCollect', {
      collect: (sink: string, value: unknown) => {
        if (sink !== sinkName) return;
        if (limit === undefined || out.length < limit) out.push(value as T);
        stopIfFull();
      },
      collectBatch: (sink: string, values: readonly unknown[], _timestamps: Float64Array, length: number) => {
        if (sink !== sinkName) return;
        const n = limit === undefined ? length : Math.min(length, limit - out.length);
        for (let i = 0; i < n; i++) out.push(values[i] as T);
        stopIfFull();
      },
    });
    client = running;
    if (full) running.cancel();
    await running.getJobExecutionResult();
    return out;
  }
}

export class DataStreamSink {
  constructor(
    readonly env: StreamExecutionEnvironment,
    readonly nodeId: string,
  ) {}
  name(name: string): this {
    const node = this.env.nodes.find((n) => n.id === this.nodeId);
    if (node) node.name = name;
    return this;
  }
  /** Sinks run as one subtask; setParallelism(1) is accepted for Flink code that sets it. */
  setParallelism(parallelism: number): this {
    const node = this.env.nodes.find((n) => n.id === this.nodeId);
    if (node) node.parallelism = parallelism;
    return this;
  }
}
