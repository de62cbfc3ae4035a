import { describe, expect, it } from 'vitest';
import { StreamExecutionEnvironment, TumblingEventTimeWindows, validateGraph, WatermarkStrategy, type PipelineGraph } from '../index.js';

const base = (): PipelineGraph => ({
  version: 1,
  config: { autoWatermarkInterval: 200, maxParallelism: 128 },
  nodes: [
    { id: 'src', type: 'source', config: { connector: 'elements', config: { elements: [1] } } },
    { id: 'm', type: 'map', config: { fn: { code: '(x) => x' } } },
    { id: 'out', type: 'sink', config: { connector: 'print', config: {} } },
  ],
  edges: [
    { source: 'src', target: 'm', targetInput: 0, partitioning: 'forward' },
    { source: 'm', target: 'out', targetInput: 0, partitioning: 'forward' },
  ],
});

describe('validateGraph', () => {
  it('accepts a good pipeline', () => {
    expect(validateGraph(base())).toEqual([]);
  });
  it('names the node for unknown types, bad configs, unknown connectors and unconnected inputs', () => {
    const g = base();
    g.nodes.push({ id: 'x', type: 'teleport', config: {} });
    g.nodes[1]!.config = {};
    g.nodes[2]!.config = { connector: 'nope' };
    g.nodes.push({ id: 'lonely', type: 'filter', config: { fn: { code: '() => true' } } });
    const issues = validateGraph(g);
    expect(issues).toContainEqual({ nodeId: 'x', message: 'unknown operator type "teleport"' });
    expect(issues.find((i) => i.nodeId === 'm')?.message).toMatch(/^Function: /);
    expect(issues.find((i) => i.nodeId === 'out')?.message).toMatch(/unknown connector "nope"/);
    expect(issues).toContainEqual({ nodeId: 'lonely', message: 'input is not connected' });
  });
  it('names the node whose parallelism cannot be: a source, a sink, windowAll, or more than maxParallelism', () => {
    const g = base();
    g.nodes[0]!.parallelism = 2;
    g.nodes[1]!.parallelism = 200;
    g.nodes[2]!.parallelism = 2;
    // A collection splits over subtasks (connector registry: splittable); print writes through one stream.
    expect(validateGraph(g).filter((i) => i.nodeId === 'src')).toEqual([]);
    g.nodes[0]!.config = { connector: 'socket-text', config: { host: 'localhost', port: 9 } };
    const issues = validateGraph(g);
    expect(issues).toContainEqual({ nodeId: 'src', message: 'parallelism 2 is not possible: a socket-text source does not split its input: it runs as one subtask' });
    expect(issues).toContainEqual({ nodeId: 'out', message: 'parallelism 2 is not possible: a print sink writes through one connection: it runs as one subtask' });
    expect(issues).toContainEqual({ nodeId: 'm', message: "parallelism 200 is more than the job's maxParallelism 128" });
  });
  it('needs keyBy before keyed operators and watermarks before event-time windows', () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    env
      .fromElements({ k: 'a', t: 1 })
      .keyBy((e) => e.k)
      .window(TumblingEventTimeWindows.of(1000))
      .reduce((a) => a)
      .print();
    const g = env.getPipeline();
    const win = g.nodes.find((n) => n.type === 'window')!;
    expect(validateGraph(g)).toEqual([{ nodeId: win.id, message: expect.stringMatching(/event-time window needs timestamps and watermarks/) }]);
    const ok = StreamExecutionEnvironment.getExecutionEnvironment();
    ok.fromElements({ k: 'a', t: 1 })
      .assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<{ k: string; t: number }>().withTimestampAssigner((e) => e.t))
      .keyBy((e) => e.k)
      .window(TumblingEventTimeWindows.of(1000))
      .reduce((a) => a)
      .print();
    expect(validateGraph(ok.getPipeline())).toEqual([]);
    // Window joins and coGroups are event-time windows too.
    const co = StreamExecutionEnvironment.getExecutionEnvironment();
    const a = co.fromElements({ k: 'a', t: 1 });
    a.coGroup(a.assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<{ k: string; t: number }>().withTimestampAssigner((e) => e.t)))
      .where((e) => e.k)
      .equalTo((e) => e.k)
      .window(TumblingEventTimeWindows.of(1000))
      .apply((xs, ys, out) => out.collect(xs.length + ys.length))
      .print();
    const coGroup = co.getPipeline().nodes.find((n) => n.type === 'windowCoGroup')!;
    expect(validateGraph(co.getPipeline())).toEqual([{ nodeId: coGroup.id, message: expect.stringMatching(/event-time window needs timestamps and watermarks/) }]);
    const g2 = base();
    g2.nodes[1] = { id: 'm', type: 'reduce', config: { fn: { code: '(a) => a' } } };
    expect(validateGraph(g2)).toEqual([{ nodeId: 'm', message: 'reduce needs a keyed input: add keyBy before it' }]);
  });
  it('refuses before the run what the run would refuse: a watermark strategy over records without timestamps', () => {
    // The issue's case: a sales generator with forBoundedOutOfOrderness but no assigner, into an event-time window.
    const sales = (watermarkStrategy: Record<string, unknown>): PipelineGraph => ({
      version: 1,
      config: { autoWatermarkInterval: 200, maxParallelism: 128 },
      nodes: [
        { id: 'src', type: 'source', config: { connector: 'sales-generator', config: {}, watermarkStrategy } },
        { id: 'w', type: 'window', config: { assigner: { kind: 'tumbling', time: 'event', size: 1000, offset: 0 }, function: { kind: 'reduce', reduce: { code: '(a) => a' } } } },
        { id: 'out', type: 'sink', config: { connector: 'print', config: {} } },
      ],
      edges: [
        { source: 'src', target: 'w', targetInput: 0, partitioning: 'hash', keySelector: { code: '(s) => s.category' } },
        { source: 'w', target: 'out', targetInput: 0, partitioning: 'forward' },
      ],
    });
    const issues = validateGraph(sales({ kind: 'boundedOutOfOrderness', maxOutOfOrderness: 1000 }));
    expect(issues.map((i) => i.nodeId).sort()).toEqual(['src', 'w']);
    expect(issues.find((i) => i.nodeId === 'src')!.message).toMatch(/records carry no event time.*Timestamp assigner/);
    expect(validateGraph(sales({ kind: 'boundedOutOfOrderness', maxOutOfOrderness: 1000, timestampAssigner: { code: '(s) => Date.parse(s.date)' } }))).toEqual([]);
    // Sources whose records carry timestamps need no assigner: elements with timestamps, IoT sensors.
    const withTs = sales({ kind: 'boundedOutOfOrderness', maxOutOfOrderness: 1000 });
    withTs.nodes[0]!.config = { connector: 'elements', config: { elements: [1], timestamps: [5] }, watermarkStrategy: { kind: 'boundedOutOfOrderness', maxOutOfOrderness: 0 } };
    expect(validateGraph(withTs)).toEqual([]);
    // An assigner node without a function, after a source without timestamps, is refused too.
    const later = sales({ kind: 'noWatermarks' });
    later.nodes.push({ id: 'ts', type: 'assignTimestampsAndWatermarks', config: { watermarkStrategy: { kind: 'boundedOutOfOrderness', maxOutOfOrderness: 0 } } });
    later.edges[0] = { ...later.edges[0]!, source: 'ts' };
    later.edges.push({ source: 'src', target: 'ts', targetInput: 0, partitioning: 'forward' });
    expect(validateGraph(later).map((i) => i.nodeId).sort()).toEqual(['ts', 'w']);
  });
  it('flags a window without keyBy unless "All window" says so, and the reverse', () => {
    const g = base();
    g.nodes[1] = { id: 'm', type: 'window', config: { assigner: { kind: 'tumbling', time: 'processing', size: 1000, offset: 0 }, function: { kind: 'reduce', reduce: { code: '(a) => a' } } } };
    expect(validateGraph(g)).toEqual([{ nodeId: 'm', message: expect.stringMatching(/the window has no key: set Key by on the edge into it.*"All window"/) }]);
    g.nodes[1]!.config.allWindow = true;
    expect(validateGraph(g)).toEqual([]);
    g.edges[0] = { ...g.edges[0]!, partitioning: 'hash', keySelector: { code: '(x) => x' } };
    expect(validateGraph(g)).toEqual([{ nodeId: 'm', message: expect.stringMatching(/"All window" \(windowAll\) is ticked/) }]);
  });
  it('says what to do with an empty pipeline', () => {
    expect(validateGraph({ ...base(), nodes: [], edges: [] })).toEqual([{ message: expect.stringMatching(/^the pipeline is empty: add a source/) }]);
  });
});
