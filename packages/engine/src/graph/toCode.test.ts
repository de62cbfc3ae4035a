import { transformSync } from 'esbuild';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as engine from '../index.js';
import {
  ContinuousEventTimeTrigger,
  CountEvictor,
  CountTrigger,
  DeltaEvictor,
  EventTimeSessionWindows,
  GlobalWindows,
  LiveSink,
  Nexmark,
  OutputTag,
  ProcessingTimeSessionWindows,
  PurgingTrigger,
  SalesGenerator,
  SlidingEventTimeWindows,
  StreamExecutionEnvironment,
  Time,
  TimeEvictor,
  TumblingEventTimeWindows,
  TumblingProcessingTimeWindows,
  WatermarkStrategy,
  type KeyedCoProcessFunction,
  type PipelineGraph,
  type ValueStateLike,
  ValueStateDescriptor,
} from '../index.js';
import { runCellCode } from '../cells/runCellCode.js';
import { buildCatalog } from './catalog.js';
import { defaultNodeName, toCode, ToCodeError } from './toCode.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

/** Runs cell code with an environment whose execute() records the pipeline instead of running it. */
async function graphOf(code: string): Promise<PipelineGraph> {
  let captured: PipelineGraph | undefined;
  class RecordingEnvironment extends StreamExecutionEnvironment {
    static override getExecutionEnvironment(): StreamExecutionEnvironment {
      return new RecordingEnvironment();
    }
    override async execute(jobName?: string) {
      captured = this.getPipeline(jobName);
      return { jobName: jobName ?? '', status: 'finished' as const, netRuntime: 0 };
    }
  }
  await runCellCode(code, { ...engine, StreamExecutionEnvironment: RecordingEnvironment });
  if (!captured) throw new Error('the code did not call env.execute()');
  return captured;
}

/** Function source as printed by esbuild: the cell compiler and the test transform print the same function differently. */
function normalizeFn(code: string): string {
  // minifySyntax unquotes keys (toFnSpec quotes them) and would drop an unused expression: assign it.
  const attempt = (src: string) => transformSync(`fn = ${src};`, { loader: 'js', minifyWhitespace: true, minifySyntax: true }).code;
  try {
    return attempt(`(${code})`);
  } catch {
    return attempt(`({${code}})`);
  }
}

/** JSON data with ids, refs, positions and undefined fields gone and function sources normalized. */
function clean(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(clean);
  if (typeof v !== 'object' || v === null) return v;
  const o = v as Record<string, unknown>;
  if (typeof o.code === 'string' && Object.keys(o).every((k) => k === 'code' || k === 'ref')) return { code: normalizeFn(o.code) };
  return Object.fromEntries(Object.entries(o).filter(([k, x]) => x !== undefined && k !== 'position').map(([k, x]) => [k, clean(x)]));
}

/**
 * The graph up to node ids and node order: each node described by its type, name, config and, recursively, what
 * feeds it through which edges. Two DAGs with the same multiset of descriptions are the same pipeline.
 */
function shape(graph: PipelineGraph): { config: unknown; nodes: string[]; edges: number } {
  const memo = new Map<string, string>();
  const describe = (id: string): string => {
    const hit = memo.get(id);
    if (hit) return hit;
    const n = graph.nodes.find((x) => x.id === id)!;
    const inputs = graph.edges
      .filter((e) => e.target === id)
      .map((e) => JSON.stringify({ ...(clean({ ...e, source: undefined, target: undefined }) as object), from: describe(e.source) }))
      .sort();
    const d = JSON.stringify({ type: n.type, name: n.name, config: clean(n.config), inputs });
    memo.set(id, d);
    return d;
  };
  return { config: graph.config, nodes: graph.nodes.map((n) => describe(n.id)).sort(), edges: graph.edges.length };
}

async function roundTrip(graph: PipelineGraph): Promise<string> {
  const code = toCode(graph);
  const again = await graphOf(code);
  expect(shape(again)).toEqual(shape(graph));
  return code;
}

function env(): StreamExecutionEnvironment {
  return StreamExecutionEnvironment.getExecutionEnvironment();
}

type Sale = { month: string; profit: number; t: number };
const parse = (line: string): Sale => {
  const [, month, , , profit] = line.split(',');
  return { month: month!, profit: Number(profit), t: Date.now() };
};

describe('toCode', () => {
  it('writes the sample notebook pipeline back in the cell’s own style', async () => {
    const nb = JSON.parse(readFileSync(path.join(repoRoot, 'notebooks/sales-profit-per-month.flowbook.json'), 'utf8')) as { cells: { id: string; source: string }[] };
    const sample = await graphOf(nb.cells.find((c) => c.id === 'profit')!.source);
    const code = await roundTrip(sample);
    expect(code).toContain("const env = StreamExecutionEnvironment.getExecutionEnvironment().enableCheckpointing(2000);");
    expect(code).toMatch(/env\n {2}\.socketTextStream\('localhost', 9181\)\n {2}\.map\(\(line\) => \{/);
    expect(code).toContain('.keyBy((sale) => sale.month)');
    expect(code).toContain('.window(TumblingProcessingTimeWindows.of(Time.seconds(2)))');
    expect(code).toContain(".sinkTo(new LiveSink('profit'));");
    expect(code).toContain("await env.execute('Sales profit per month');");
    expect(code).toMatch(/^import \{\n {2}LiveSink,\n {2}StreamExecutionEnvironment,\n {2}Time,\n {2}TumblingProcessingTimeWindows,\n\} from '@flowbook\/engine';/);
    expect(code).not.toContain('addNode');
  });

  it('round-trips a keyed event-time window with trigger, evictor, allowed lateness and a late side output', async () => {
    const e = env().enableCheckpointing(5000).setMaxParallelism(64);
    e.getConfig().setAutoWatermarkInterval(50);
    const late = new OutputTag<Sale>('late');
    const sales = e
      .fromSource(new SalesGenerator({ ratePerSecond: 50, count: 1000 }), WatermarkStrategy.forBoundedOutOfOrderness<string>(Time.seconds(5)).withTimestampAssigner((_l, ts) => ts).withIdleness(10_000), 'sales')
      .map(parse);
    const totals = sales
      .keyBy((s) => s.month)
      .window(SlidingEventTimeWindows.of(Time.minutes(1), Time.seconds(10)))
      .trigger(PurgingTrigger.of(CountTrigger.of(5)))
      .evictor(CountEvictor.of(3, true))
      .allowedLateness(Time.seconds(30))
      .sideOutputLateData(late)
      .aggregate(
        { createAccumulator: () => 0, add: (s: Sale, acc: number) => acc + s.profit, getResult: (acc: number) => acc, merge: (a: number, b: number) => a + b },
        { process: (month: string, ctx: { window: { end: number } }, [sum]: number[], out: { collect(v: unknown): void }) => out.collect({ month, sum, end: ctx.window.end }) },
        'profit per minute',
      );
    totals.sinkTo(new LiveSink('totals'));
    totals.getSideOutput(late).print('late');
    sales.keyBy((s) => s.month).window(TumblingEventTimeWindows.of(Time.hours(1), Time.minutes(15))).trigger(ContinuousEventTimeTrigger.of(Time.minutes(1))).reduce((a, b) => ({ ...a, profit: a.profit + b.profit })).print();
    sales
      .keyBy((s) => s.month)
      .window(EventTimeSessionWindows.withDynamicGap((s: Sale) => (s.profit > 10 ? 60_000 : 10_000)))
      .process({ process: (key: string, _ctx: unknown, all: Sale[], out: { collect(v: unknown): void }) => out.collect(`${key}:${all.length}`) })
      .print();
    sales.keyBy((s) => s.month).window(GlobalWindows.create()).trigger(CountTrigger.of(10)).evictor(DeltaEvictor.of(5, (a: Sale, b: Sale) => b.profit - a.profit)).reduce((a) => a).print();
    sales.windowAll(ProcessingTimeSessionWindows.withGap(Time.seconds(3))).evictor(TimeEvictor.of(1500)).process({ process: (_c: unknown, all: Sale[], out: { collect(v: unknown): void }) => out.collect(all.length) }).print();
    const code = await roundTrip(e.getPipeline('windows'));
    expect(code).toContain("const lateTag = new OutputTag<any>('late');");
    expect(code).toContain('.sideOutputLateData(lateTag)');
    expect(code).toContain(".getSideOutput(lateTag).print('late')");
    expect(code).toContain('.trigger(PurgingTrigger.of(CountTrigger.of(5)))');
    expect(code).toContain('WatermarkStrategy.forBoundedOutOfOrderness<string>(Time.seconds(5))');
    expect(code).toContain('env.getConfig().setAutoWatermarkInterval(50);');
    expect(code).not.toContain('addNode');
  });

  it('round-trips connect with and without keys, keyed and plain process functions', async () => {
    const e = env();
    const control = e.fromElements('drop', 'skip');
    const words = e.fromCollection(['keep', 'drop', 'skip'], 'words');
    type F = KeyedCoProcessFunction<string, string, string, string> & { blocked?: ValueStateLike<boolean> };
    const blocked = new ValueStateDescriptor<boolean>('blocked');
    const fn: F = {
      open(ctx) {
        this.blocked = ctx.getState(blocked);
      },
      processElement1() {
        this.blocked!.update(true);
      },
      processElement2(word, _ctx, out) {
        if (!this.blocked!.value()) out.collect(word);
      },
    };
    control.connect(words).keyBy((w) => w, (w) => w).process(fn).print();
    control
      .connect(words)
      .process({ processElement1: (v: string, _c: unknown, o: { collect(x: string): void }) => o.collect(v), processElement2: (v: string, _c: unknown, o: { collect(x: string): void }) => o.collect(v.toUpperCase()) }, 'merge')
      .filter((w) => w.length > 3)
      .flatMap((w, out) => [...w].forEach((ch) => out.collect(ch)))
      .print();
    const errors = new OutputTag<string>('errors');
    const checked = words.process({ processElement: (w: string, ctx: { output(t: OutputTag<string>, v: string): void }, out: { collect(v: string): void }) => (w === 'skip' ? ctx.output(errors, w) : out.collect(w)) });
    checked.getSideOutput(errors).print('error');
    checked.keyBy((w) => w).process({ processElement: (w: string, _c: unknown, out: { collect(v: number): void }) => out.collect(w.length) }).print();
    const code = await roundTrip(e.getPipeline());
    expect(code).toMatch(/const elements = env\.fromElements\('drop', 'skip'\);/);
    expect(code).toContain(".fromCollection(['keep', 'drop', 'skip'], 'words')");
    expect(code).toMatch(/elements\n {2}\.connect\(words\)\n {2}\.keyBy\(\(w\) => w, \(w\) => w\)/);
    // A stream variable never hides a global that user functions may read.
    expect(code).toMatch(/const processStream = words\.process\(/);
    expect(code).not.toContain('addNode');
  });

  it('round-trips window joins and interval joins with exclusive bounds and late-data side outputs', async () => {
    const e = env();
    type O = { id: string; t: number };
    const ts = () => WatermarkStrategy.forMonotonousTimestamps<O>().withTimestampAssigner((o) => o.t);
    const orders = e.fromCollection<O>([{ id: 'o1', t: 100 }], 'orders').assignTimestampsAndWatermarks(ts());
    const ships = e.fromCollection<O>([{ id: 'o1', t: 500 }], 'ships').assignTimestampsAndWatermarks(ts(), 'ship time');
    orders
      .join(ships)
      .where((o) => o.id)
      .equalTo((s) => s.id)
      .window(TumblingEventTimeWindows.of(1000))
      .trigger(CountTrigger.of(2))
      .allowedLateness(250)
      .apply((o, s) => `${o.id}:${s.t}`)
      .print();
    orders.join(ships).where((o) => o.id).equalTo((s) => s.id).window(SlidingEventTimeWindows.of(2000, 1000)).apply((o, s) => o.t + s.t, 'pairs').print();
    const leftLate = new OutputTag<O>('left-late');
    const joined = orders
      .keyBy((o) => o.id)
      .intervalJoin(ships.keyBy((s) => s.id))
      .between(-Time.seconds(1), 2000)
      .lowerBoundExclusive()
      .upperBoundExclusive()
      .sideOutputLeftLateData(leftLate)
      .sideOutputRightLateData(new OutputTag<O>('right-late'))
      .process({ processElement: (l: O, r: O, _c: unknown, o: { collect(v: string): void }) => o.collect(`${l.t}-${r.t}`) });
    joined.print();
    joined.getSideOutput(leftLate).print('late');
    orders.keyBy((o) => o.id).intervalJoin(ships.keyBy((s) => s.id)).between(0, 500).process({ processElement: (l: O, _r: O, _c: unknown, o: { collect(v: O): void }) => o.collect(l) }).print();
    const code = await roundTrip(e.getPipeline());
    expect(code).toContain('.between(-Time.seconds(1), Time.seconds(2))');
    expect(code).toContain('.lowerBoundExclusive()');
    expect(code).toMatch(/\.assignTimestampsAndWatermarks\(\n {4}WatermarkStrategy\.forMonotonousTimestamps<any>\(\)\.withTimestampAssigner\(\(o\) => o\.t\),\n {4}'ship time',\n {2}\)/);
    expect(code).not.toContain('addNode');
  });

  it('round-trips window coGroups with trigger, allowed lateness and names', async () => {
    const e = env();
    type O = { id: string; t: number };
    const ts = () => WatermarkStrategy.forMonotonousTimestamps<O>().withTimestampAssigner((o) => o.t);
    const orders = e.fromCollection<O>([{ id: 'o1', t: 100 }], 'orders').assignTimestampsAndWatermarks(ts());
    const ships = e.fromCollection<O>([{ id: 'o1', t: 500 }], 'ships').assignTimestampsAndWatermarks(ts());
    orders
      .coGroup(ships)
      .where((o) => o.id)
      .equalTo((s) => s.id)
      .window(TumblingEventTimeWindows.of(1000))
      .trigger(CountTrigger.of(2))
      .allowedLateness(250)
      .apply<string>((os, ss, out) => out.collect(`${os.length}:${ss.length}`))
      .print();
    orders.coGroup(ships).where((o) => o.id).equalTo((s) => s.id).window(EventTimeSessionWindows.withGap(1000)).apply<number>((os, ss, out) => out.collect(os.length + ss.length), 'counts').print();
    const code = await roundTrip(e.getPipeline());
    expect(code).toMatch(/\.coGroup\(ships\)\n {2}\.where\(\(o\) => o\.id\)\n {2}\.equalTo\(\(s\) => s\.id\)\n {2}\.window\(TumblingEventTimeWindows\.of\(Time\.seconds\(1\)\)\)/);
    expect(code).toContain('.trigger(CountTrigger.of(2))');
    expect(code).toContain('.allowedLateness(250)');
    expect(code).toContain(".apply((os, ss, out) => out.collect(os.length + ss.length), 'counts')");
    expect(code).not.toContain('addNode');
  });

  it('round-trips union, sequences, rolling aggregations and the other sources', async () => {
    const e = env();
    type E = { k: string; v: number };
    const a = e.fromCollection<E>([{ k: 'x', v: 1 }], 'first');
    const b = e.fromCollection<E>([{ k: 'y', v: 2 }], 'second');
    const c = e.fromSource(new Nexmark({ eventsPerSecond: 100, count: 10 }), WatermarkStrategy.forBoundedOutOfOrderness(4000), 'nexmark').map((ev) => ({ k: 'n', v: Number(Boolean(ev)) }));
    const all = a.union(b, c);
    all.keyBy((x) => x.k).sum('v').print();
    all.keyBy((x) => x.k).minBy('v').name('smallest').print();
    all.keyBy((x) => x.k).aggregate({ createAccumulator: () => [0, 0], add: (x: E, [n, m]: number[]) => [n! + x.v, m! + 1], getResult: ([n, m]: number[]) => n! / m! }).print();
    e.fromSequence(1, 5).map((x) => x * x).sinkTo({ connector: 'collect', config: { name: 'squares' } }, 'Collect');
    e.socketTextStream('localhost', 9000, ';', 3).name('lines').print();
    e.fromSource(new SalesGenerator(), WatermarkStrategy.noWatermarks<string>(), 'sales-generator').print();
    const code = await roundTrip(e.getPipeline());
    expect(code).toContain('first.union(second, nexmark)');
    expect(code).toMatch(/env\n {2}\.fromSequence\(1, 5\)\n {2}\.map\(\(x\) => x \* x\)/);
    expect(code).toMatch(/env\n {2}\.socketTextStream\('localhost', 9000, ';', 3\)\n {2}\.name\('lines'\)\n {2}\.print\(\);/);
    expect(code).toContain('.fromSource<string>(new SalesGenerator(), WatermarkStrategy.noWatermarks<string>())');
    expect(code).not.toContain('addNode');
  });

  it('round-trips the job parallelism and a node’s own setParallelism', async () => {
    const e = env();
    e.setParallelism(4);
    e.fromSequence(1, 100)
      .map((x) => x * 2)
      .setParallelism(2)
      .keyBy((x) => x % 3)
      .reduce((a, b) => a + b)
      .setParallelism(3)
      .print();
    const code = await roundTrip(e.getPipeline());
    expect(code).toContain('.setParallelism(4)');
    expect(code).toMatch(/\.map\(\(x\) => x \* 2\)\n {2}\.setParallelism\(2\)/);
    expect(code).toMatch(/\.reduce\(\(a, b\) => a \+ b\)\n {2}\.setParallelism\(3\)/);
  });

  it('writes graph data for nodes no fluent call produces, and still builds the same graph', async () => {
    const g: PipelineGraph = {
      version: 1,
      config: { autoWatermarkInterval: 200, maxParallelism: 128 },
      nodes: [
        // A generator source without watermark strategy (the API's fromSource always sets one).
        { id: 'a', type: 'source', name: 'sales', config: { connector: 'sales-generator', config: { ratePerSecond: 5 } } },
        // A window over a plain stream without the windowAll flag.
        { id: 'b', type: 'window', name: 'w', config: { assigner: { kind: 'tumbling', time: 'processing', size: 1000, offset: 0 }, function: { kind: 'reduce', reduce: { code: '(x, y) => x + y' } } } },
        // No name where the API would give one, and a method-shorthand function.
        { id: 'c', type: 'process', config: { fn: { code: 'processElement(v, ctx, out) { out.collect(v); }' } } },
        { id: 'd', type: 'map', config: { fn: { code: 'reduce(a, b) { return a; }' } } },
        { id: 'e', type: 'sink', name: 'out', config: { connector: 'print', config: {} } },
      ],
      edges: [
        { source: 'a', target: 'b', targetInput: 0, partitioning: 'forward' },
        { source: 'b', target: 'c', targetInput: 0, partitioning: 'rebalance' },
        { source: 'c', target: 'd', targetInput: 0, partitioning: 'forward' },
        { source: 'd', target: 'e', targetInput: 0, partitioning: 'forward' },
      ],
    };
    const code = await roundTrip(g);
    expect(code).toContain("const sales = new DataStream<any>(env, env.addNode('source'");
    expect(code).toContain("partitioning: 'rebalance'");
    expect(code).toContain("toFnSpec((x, y) => x + y)");
    // The map is fluent again, with its method-shorthand function taken from a one-method object.
    expect(code).toContain('.map(({ reduce(a, b) { return a; } }).reduce)');
    expect(code).toMatch(/\.print\(\)\n {2}\.name\('out'\);/);
  });

  it('writes every palette node with the fluent API, in a pipeline that round-trips', async () => {
    const catalog = buildCatalog();
    const source = catalog.entries.find((e) => e.id === 'source:sales-generator')!;
    for (const entry of catalog.entries) {
      const node = (id: string, e: typeof entry) => ({ id, type: e.type, config: structuredClone(e.defaults), ...(defaultNodeName(e.type, e.defaults) !== undefined ? { name: defaultNodeName(e.type, e.defaults) } : {}) });
      const g: PipelineGraph = { version: 1, config: { autoWatermarkInterval: 200, maxParallelism: 128 }, nodes: [node('n', entry)], edges: [] };
      for (let i = 0; i < entry.inputs; i++) {
        g.nodes.push(node(`s${i}`, source));
        g.edges.push({ source: `s${i}`, target: 'n', targetInput: i as 0 | 1, ...(entry.keyed === true ? { partitioning: 'hash' as const, keySelector: { code: '(v) => v' } } : { partitioning: 'forward' as const }) });
      }
      // A window over a plain stream is a windowAll.
      if (entry.type === 'window') g.nodes[0]!.config.allWindow = true;
      const code = await roundTrip(g);
      expect(code, entry.id).not.toContain('addNode');
    }
  });

  it('rejects cycles with the node they pass through', () => {
    const g: PipelineGraph = {
      version: 1,
      config: { autoWatermarkInterval: 200, maxParallelism: 128 },
      nodes: [
        { id: 'a', type: 'map', config: { fn: { code: '(x) => x' } } },
        { id: 'b', type: 'map', config: { fn: { code: '(x) => x' } } },
      ],
      edges: [
        { source: 'a', target: 'b', targetInput: 0, partitioning: 'forward' },
        { source: 'b', target: 'a', targetInput: 0, partitioning: 'forward' },
      ],
    };
    expect(() => toCode(g)).toThrow(ToCodeError);
    expect(() => toCode(g)).toThrow(/cycle through node "a"/);
    expect(() => toCode({ version: 1, nodes: [{ id: '', type: 'map' }], edges: [] })).toThrow(/pipeline graph: nodes\.0\.id/);
  });

  it('compares graphs for real: a changed config or edge is a different pipeline', () => {
    const e = env();
    e.fromElements(1, 2).keyBy((x) => x).reduce((a, b) => a + b).print();
    const g = e.getPipeline();
    const changed = structuredClone(g);
    changed.nodes[1]!.config.fn = { code: '(a, b) => a - b' };
    expect(shape(changed)).not.toEqual(shape(g));
    const rewired = structuredClone(g);
    rewired.edges[0]!.partitioning = 'forward';
    expect(shape(rewired)).not.toEqual(shape(g));
    expect(toCode(g, { execute: false })).not.toContain('execute');
  });
});
