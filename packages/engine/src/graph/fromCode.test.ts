import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fromCode, FromCodeError } from './fromCode.js';
import { clean, graphOf, shape } from './graphShape.testing.js';
import { toCode } from './toCode.js';
import { validateGraph } from './validate.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const notebook = (name: string) => JSON.parse(readFileSync(path.join(repoRoot, 'notebooks', name), 'utf8')) as { cells: { id: string; type: string; source?: string; graph?: unknown }[] };

/** fromCode reads the code into the graph that running it builds. */
async function same(code: string) {
  const read = fromCode(code);
  const ran = await graphOf(code);
  // Node by node first: a difference reads better there than in the nested shape.
  const flat = (g: typeof read) => g.nodes.map((n) => JSON.stringify(clean({ type: n.type, name: n.name, parallelism: n.parallelism, config: n.config })));
  expect(flat(read)).toEqual(flat(ran));
  expect(shape(read)).toEqual(shape(ran));
  return read;
}

describe('fromCode', () => {
  it('reads the sample code cell into the pipeline running it builds', async () => {
    const cell = notebook('sales-profit-per-month.flowbook.json').cells.find((c) => c.id === 'profit')!;
    const g = await same(cell.source!);
    expect(g.nodes.map((n) => n.type)).toEqual(['source', 'map', 'window', 'sink']);
    expect(g.name).toBe('Sales profit per month');
  });

  it('reads back what toCode writes for the drawn sample pipeline (canvas → code → canvas)', async () => {
    const cell = notebook('sales-profit-per-month.flowbook.json').cells.find((c) => c.type === 'pipeline')!;
    const code = toCode(cell.graph as never);
    const g = await same(code);
    expect(shape(g)).toEqual(shape(cell.graph as never));
  });

  it('reads TypeScript: types, generics, event time, windowAll, triggers, union, names and parallelism', async () => {
    const code = `import { StreamExecutionEnvironment, SalesGenerator, WatermarkStrategy, TumblingEventTimeWindows, SlidingProcessingTimeWindows, CountTrigger, Time, LiveSink } from '@flowbook/engine';
type Sale = { category: string; price: number; date: string };
const env = StreamExecutionEnvironment.getExecutionEnvironment().setParallelism(2);
const sales = env
  .fromSource<string>(new SalesGenerator({ ratePerSecond: 50 }), WatermarkStrategy.noWatermarks<string>(), 'sales')
  .map((line: string): Sale => JSON.parse(line) as Sale)
  .assignTimestampsAndWatermarks(WatermarkStrategy.forBoundedOutOfOrderness<Sale>(Time.seconds(2)).withTimestampAssigner((s: Sale) => Date.parse(s.date)));
const more = env
  .fromElements<Sale>({ category: 'x', price: 1, date: '2024-01-01' })
  .assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<Sale>().withTimestampAssigner((s) => Date.parse(s.date)), 'stamp');
sales
  .union(more)
  .keyBy((s: Sale) => s.category)
  .window(TumblingEventTimeWindows.of(Time.minutes(1)))
  .trigger(CountTrigger.of(10))
  .aggregate({
    createAccumulator: () => 0,
    add: (s: Sale, acc: number) => acc + s.price,
    getResult: (acc: number) => acc,
    merge: (a: number, b: number) => a + b,
  }, undefined, 'revenue')
  .setParallelism(2)
  .sinkTo(new LiveSink('revenue'));
sales.windowAll(SlidingProcessingTimeWindows.of(Time.seconds(10), Time.seconds(5))).reduce((a: Sale, b: Sale) => (a.price > b.price ? a : b)).print('top');
await env.execute('Revenue');`;
    const g = await same(code);
    expect(validateGraph(g)).toEqual([]);
    expect(g.nodes.find((n) => n.type === 'window' && n.config.allWindow === true)).toBeDefined();
  });

  it('reads back toCode\'s graph-data form (env.addNode) for graphs the fluent API cannot build', async () => {
    const graph = {
      version: 1,
      config: { autoWatermarkInterval: 200, maxParallelism: 128 },
      nodes: [
        { id: 'src', type: 'source', name: 'numbers', config: { connector: 'elements', config: { elements: [1, 2, 3] } } },
        { id: 'w', type: 'window', config: { assigner: { kind: 'tumbling', time: 'processing', size: 1000, offset: 0 }, function: { kind: 'reduce', reduce: { code: '(a, b) => a + b' } } } },
        { id: 'out', type: 'sink', name: 'Print', config: { connector: 'print', config: {} } },
      ],
      edges: [
        { source: 'src', target: 'w', targetInput: 0 as const, partitioning: 'hash' as const, keySelector: { code: '(n) => n % 2' } },
        { source: 'w', target: 'out', targetInput: 0 as const, partitioning: 'forward' as const },
      ],
    };
    const code = toCode(graph);
    expect(code).toContain('env.addNode(');
    expect(shape(await same(code))).toEqual(shape(graph));
  });

  it('says which construct the canvas cannot express, with its line', () => {
    const refuse = (code: string) => {
      try {
        fromCode(code);
      } catch (e) {
        expect(e).toBeInstanceOf(FromCodeError);
        return (e as Error).message;
      }
      throw new Error('expected a refusal');
    };
    expect(refuse(`const env = StreamExecutionEnvironment.getExecutionEnvironment();\nfor (const x of [1, 2]) env.fromElements(x).print();`)).toBe('line 2: a for of statement cannot be drawn on the canvas');
    expect(refuse(`import { readFileSync } from 'node:fs';`)).toMatch(/^line 1: an import from "node:fs" has no place on the canvas/);
    expect(refuse(`const env = StreamExecutionEnvironment.getExecutionEnvironment();\nconst n = limit;\n`)).toMatch(/^line 2: "limit" is not defined in the cell/);
    expect(refuse(`const env = StreamExecutionEnvironment.getExecutionEnvironment();\nenv.fromElements(1).connect(env.fromElements(2));`)).toBe('line 2: .connect(…) cannot be drawn on the canvas');
    expect(refuse(`console.log('hi')`)).toMatch(/^line 1: .*console/);
    expect(refuse(`const x = ;`)).toMatch(/^line 1: Unexpected token/);
    expect(refuse(`const a: number = 1;`)).toBe('the code builds no pipeline (no env.fromSource, fromElements, socketTextStream…)');
  });
});
