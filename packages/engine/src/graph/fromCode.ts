import { parse, type Node } from 'acorn';
import { transform } from 'sucrase';
import { GRAPH_VERSION, type FnSpec, type GraphEdge, type GraphNode, type PipelineGraph } from './PipelineGraph.js';

/**
 * Code → graph, the inverse of toCode: reads a notebook cell's TypeScript that builds a pipeline with the DataStream
 * API and returns the graph running it would build, without running it (the browser's CSP allows no eval). Each call
 * is read by what the API does (api/*.ts); whatever the graph cannot express is refused with its line and construct.
 */
export class FromCodeError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(line !== undefined ? `line ${line}: ${message}` : message);
    this.name = 'FromCodeError';
  }
}

// acorn's ESTree nodes, read loosely: the shape of each node type is checked where it is used.
type N = Node & Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Stream {
  k: 'stream';
  id: string;
  /** The edge out of this stream: a keyBy makes it hash-partitioned. */
  key?: FnSpec;
}
interface Windowed {
  k: 'windowed';
  from: Stream;
  config: Record<string, unknown>;
}
interface Env {
  k: 'env';
}
/** A value the API takes as data: numbers, strings, JSON, specs (assigners, strategies, sinks), functions. */
interface Data {
  k: 'data';
  v: unknown;
}
/** A static API object (Time, WatermarkStrategy, TumblingEventTimeWindows…): its methods make Data. */
interface Api {
  k: 'api';
  name: string;
}
type Value = Stream | Windowed | Env | Data | Api;

const data = (v: unknown): Data => ({ k: 'data', v });
/** Marks the data of `stream.edge(…)`, so addNode takes only edges of streams it knows. */
const EDGE = Symbol('edge');

const TIME: Record<string, number> = { milliseconds: 1, seconds: 1000, minutes: 60_000, hours: 3_600_000, days: 86_400_000, ofMillis: 1, ofSeconds: 1000, ofMinutes: 60_000, ofHours: 3_600_000, ofDays: 86_400_000 };
const WINDOWS: Record<string, { kind: string; time: 'event' | 'processing' }> = {
  TumblingEventTimeWindows: { kind: 'tumbling', time: 'event' },
  TumblingProcessingTimeWindows: { kind: 'tumbling', time: 'processing' },
  SlidingEventTimeWindows: { kind: 'sliding', time: 'event' },
  SlidingProcessingTimeWindows: { kind: 'sliding', time: 'processing' },
  EventTimeSessionWindows: { kind: 'session', time: 'event' },
  ProcessingTimeSessionWindows: { kind: 'session', time: 'processing' },
};
/** Connector spec classes of the API and the connector each names. */
const CONNECTOR_CLASSES: Record<string, string> = { SalesGenerator: 'sales-generator', Nexmark: 'nexmark', SocketText: 'socket-text', IotSensors: 'iot-sensors' };
const API_NAMES = new Set(['StreamExecutionEnvironment', 'DataStream', 'toFnSpec', 'Time', 'Duration', 'WatermarkStrategy', 'GlobalWindows', 'LiveSink', 'CountTrigger', 'EventTimeTrigger', 'ProcessingTimeTrigger', 'PurgingTrigger', 'CountEvictor', 'TimeEvictor', ...Object.keys(WINDOWS), ...Object.keys(CONNECTOR_CLASSES)]);

class Reader {
  private readonly nodes: GraphNode[] = [];
  private readonly edges: GraphEdge[] = [];
  private readonly vars = new Map<string, Value>();
  private readonly imported = new Set<string>();
  private readonly config: PipelineGraph['config'] = { autoWatermarkInterval: 200, maxParallelism: 128 };
  private nextId = 0;
  name: string | undefined;
  executed = false;

  constructor(private readonly js: string) {}

  graph(): PipelineGraph {
    return { version: GRAPH_VERSION, ...(this.name !== undefined ? { name: this.name } : {}), config: this.config, nodes: this.nodes, edges: this.edges };
  }

  fail(node: N, what: string): never {
    throw new FromCodeError(what, node.loc?.start.line);
  }

  private text(node: N): string {
    return this.js.slice(node.start, node.end);
  }

  statement(s: N): void {
    switch (s.type) {
      case 'ImportDeclaration':
        if (s.source.value !== '@flowbook/engine') this.fail(s, `an import from "${s.source.value}" has no place on the canvas (only @flowbook/engine)`);
        // Names the canvas has no form for fail where they are used: that line says more than the import's.
        for (const spec of s.specifiers) this.imported.add(spec.local.name);
        return;
      case 'VariableDeclaration':
        if (s.kind !== 'const') this.fail(s, `\`${s.kind}\` variables cannot be drawn: use const`);
        for (const d of s.declarations) {
          if (d.id.type !== 'Identifier' || !d.init) this.fail(d, 'only `const name = …` declarations can be drawn');
          this.vars.set(d.id.name, this.expr(d.init));
        }
        return;
      case 'ExpressionStatement':
        this.expr(s.expression);
        return;
      case 'EmptyStatement':
        return;
      default:
        this.fail(s, `a ${describe(s)} cannot be drawn on the canvas`);
    }
  }

  private addNode(type: string, config: Record<string, unknown>, name: string | undefined, inputs: Stream[], at: N): Stream {
    const id = `${type}-${++this.nextId}`;
    this.nodes.push({ id, type, config, ...(name !== undefined ? { name } : {}) });
    inputs.forEach((s, i) => {
      if (!this.nodes.some((n) => n.id === s.id)) this.fail(at, 'unknown input stream');
      this.edges.push({ source: s.id, target: id, targetInput: (type === 'union' ? 0 : i) as 0 | 1, partitioning: s.key ? 'hash' : 'forward', ...(s.key ? { keySelector: s.key } : {}) });
    });
    return { k: 'stream', id };
  }

  private expr(e: N): Value {
    switch (e.type) {
      case 'AwaitExpression':
        return this.expr(e.argument);
      case 'ChainExpression':
      case 'ParenthesizedExpression':
        return this.expr(e.expression);
      case 'Literal':
        if (e.regex) this.fail(e, 'a regular expression cannot be a setting');
        return data(e.value);
      case 'TemplateLiteral':
        if (e.expressions.length > 0) this.fail(e, 'a template string with ${…} cannot be a setting');
        return data(e.quasis.map((q: N) => q.value.cooked).join(''));
      case 'UnaryExpression': {
        const v = this.num(e.argument);
        if (e.operator === '-') return data(-v);
        if (e.operator === '+') return data(v);
        return this.fail(e, `the operator ${e.operator} cannot be drawn`);
      }
      case 'BinaryExpression': {
        const a = this.num(e.left);
        const b = this.num(e.right);
        const ops: Record<string, (x: number, y: number) => number> = { '+': (x, y) => x + y, '-': (x, y) => x - y, '*': (x, y) => x * y, '/': (x, y) => x / y };
        const op = ops[e.operator];
        if (!op) this.fail(e, `the operator ${e.operator} cannot be drawn`);
        return data(op(a, b));
      }
      case 'ArrayExpression':
        return data(e.elements.map((x: N | null) => (x === null || x.type === 'SpreadElement' ? this.fail(e, 'holes and spreads in arrays cannot be drawn') : this.plain(x))));
      case 'ObjectExpression':
        return data(this.object(e));
      case 'ArrowFunctionExpression':
      case 'FunctionExpression':
        return data(this.fn(e));
      case 'Identifier': {
        if (e.name === 'undefined') return data(undefined);
        const v = this.vars.get(e.name);
        if (v) return v;
        if (API_NAMES.has(e.name)) return { k: 'api', name: e.name };
        if (this.imported.has(e.name)) return this.fail(e, `${e.name} (from @flowbook/engine) has no form on the canvas`);
        return this.fail(e, `"${e.name}" is not defined in the cell (a canvas setting must be written out)`);
      }
      case 'NewExpression':
        return this.construct(e);
      case 'CallExpression':
        return this.call(e);
      default:
        return this.fail(e, `a ${describe(e)} cannot be drawn on the canvas`);
    }
  }

  /** A function as the runtime compiles it: its JavaScript source (types already stripped). */
  private fn(e: N): FnSpec {
    return { code: this.text(e) };
  }

  private object(e: N): Record<string, unknown> | FnSpec {
    // An object with methods is a function object (AggregateFunction, ProcessFunction…): kept as source.
    if (e.properties.some((p: N) => p.type === 'Property' && (p.method || p.kind !== 'init' || p.value.type === 'ArrowFunctionExpression' || p.value.type === 'FunctionExpression'))) return { code: `(${this.text(e)})` };
    const out: Record<string, unknown> = {};
    for (const p of e.properties) {
      if (p.type !== 'Property' || p.computed) this.fail(p, 'spreads and computed keys cannot be drawn');
      const key = p.key.type === 'Identifier' ? p.key.name : String(p.key.value);
      out[key] = this.plain(p.value);
    }
    return out;
  }

  private plain(e: N): unknown {
    const v = this.expr(e);
    if (v.k !== 'data') this.fail(e, 'a stream cannot be a setting');
    return v.v;
  }

  private num(e: N): number {
    const v = this.plain(e);
    if (typeof v !== 'number') this.fail(e, 'expected a number');
    return v;
  }

  private str(e: N | undefined): string | undefined {
    if (e === undefined) return undefined;
    const v = this.plain(e);
    if (v !== undefined && typeof v !== 'string') this.fail(e, 'expected a string');
    return v as string | undefined;
  }

  private fnArg(e: N | undefined, at: N): FnSpec {
    if (e === undefined) this.fail(at, 'a function is missing');
    const v = this.plain(e);
    if (typeof v !== 'object' || v === null || typeof (v as FnSpec).code !== 'string') this.fail(e, 'expected a function');
    return v as FnSpec;
  }

  private construct(e: N): Value {
    const cls = e.callee.type === 'Identifier' ? e.callee.name : undefined;
    const args: N[] = e.arguments;
    if (cls === 'DataStream') {
      const id = this.plain(args[1]);
      if (typeof id !== 'string' || !this.nodes.some((n) => n.id === id)) this.fail(e, 'new DataStream(env, …) needs a node made by env.addNode');
      return { k: 'stream', id };
    }
    if (cls === 'LiveSink') return data({ connector: 'live', config: { name: this.str(args[0]) ?? 'result' } });
    if (cls !== undefined && cls in CONNECTOR_CLASSES) return data({ connector: CONNECTOR_CLASSES[cls], config: args[0] ? this.plain(args[0]) : {} });
    return this.fail(e, `new ${cls ?? this.text(e.callee)}(…) cannot be drawn on the canvas`);
  }

  private call(e: N): Value {
    // toCode's graph-data form: `toFnSpec(fn)` is the function itself.
    if (e.callee.type === 'Identifier' && e.callee.name === 'toFnSpec') return data(this.fnArg(e.arguments[0], e));
    if (e.callee.type !== 'MemberExpression' || e.callee.computed) return this.fail(e, `the call ${this.text(e.callee)}(…) cannot be drawn on the canvas`);
    const method: string = e.callee.property.name;
    const target = this.expr(e.callee.object);
    const args: N[] = e.arguments;
    if (args.some((a) => a.type === 'SpreadElement')) this.fail(e, 'spread arguments cannot be drawn');
    switch (target.k) {
      case 'api':
        return this.apiCall(target.name, method, args, e);
      case 'env':
        return this.envCall(method, args, e);
      case 'stream':
        return this.streamCall(target, method, args, e);
      case 'windowed':
        return this.windowedCall(target, method, args, e);
      case 'data':
        return this.dataCall(target.v, method, args, e);
    }
  }

  private apiCall(api: string, method: string, args: N[], e: N): Value {
    if (api === 'StreamExecutionEnvironment' && method === 'getExecutionEnvironment') return { k: 'env' };
    if (api === 'ExecutionConfig' && method === 'setAutoWatermarkInterval') {
      this.config.autoWatermarkInterval = this.num(args[0]);
      return data(undefined);
    }
    if ((api === 'Time' || api === 'Duration') && method in TIME) return data(this.num(args[0]) * TIME[method]!);
    if (api === 'WatermarkStrategy') {
      if (method === 'forBoundedOutOfOrderness') return data({ kind: 'boundedOutOfOrderness', maxOutOfOrderness: this.num(args[0]) });
      if (method === 'forMonotonousTimestamps') return data({ kind: 'boundedOutOfOrderness', maxOutOfOrderness: 0 });
      if (method === 'noWatermarks') return data({ kind: 'noWatermarks' });
    }
    const w = WINDOWS[api];
    if (w && w.kind === 'tumbling' && method === 'of') return data({ kind: 'tumbling', time: w.time, size: this.num(args[0]), offset: args[1] ? this.num(args[1]) : 0 });
    if (w && w.kind === 'sliding' && method === 'of') return data({ kind: 'sliding', time: w.time, size: this.num(args[0]), slide: this.num(args[1]), offset: args[2] ? this.num(args[2]) : 0 });
    if (w && w.kind === 'session' && method === 'withGap') return data({ kind: 'session', time: w.time, gap: this.num(args[0]) });
    if (w && w.kind === 'session' && method === 'withDynamicGap') return data({ kind: 'dynamicSession', time: w.time, gapExtractor: this.fnArg(args[0], e) });
    if (api === 'GlobalWindows' && method === 'create') return data({ kind: 'global' });
    if (api === 'CountTrigger' && method === 'of') return data({ kind: 'count', maxCount: this.num(args[0]) });
    if (api === 'EventTimeTrigger' && method === 'create') return data({ kind: 'eventTime' });
    if (api === 'ProcessingTimeTrigger' && method === 'create') return data({ kind: 'processingTime' });
    if (api === 'PurgingTrigger' && method === 'of') return data({ kind: 'purging', nested: this.plain(args[0]) });
    if (api === 'CountEvictor' && method === 'of') return data({ kind: 'count', maxCount: this.num(args[0]), doEvictAfter: args[1] ? this.plain(args[1]) : false });
    if (api === 'TimeEvictor' && method === 'of') return data({ kind: 'time', windowSize: this.num(args[0]), doEvictAfter: args[1] ? this.plain(args[1]) : false });
    return this.fail(e, `${api}.${method}(…) cannot be drawn on the canvas`);
  }

  /** Builder methods of values the API returns as data (a WatermarkStrategy's with…). */
  private dataCall(v: unknown, method: string, args: N[], e: N): Value {
    const spec = v as Record<string, unknown>;
    if (typeof spec === 'object' && spec !== null && typeof spec.kind === 'string' && (spec.kind === 'boundedOutOfOrderness' || spec.kind === 'noWatermarks')) {
      if (method === 'withTimestampAssigner') return data({ ...spec, timestampAssigner: this.fnArg(args[0], e) });
      if (method === 'withIdleness') return data({ ...spec, idleness: this.num(args[0]) });
    }
    return this.fail(e, `.${method}(…) cannot be drawn on the canvas`);
  }

  private envCall(method: string, args: N[], e: N): Value {
    const env: Env = { k: 'env' };
    switch (method) {
      case 'enableCheckpointing':
        this.config.checkpointInterval = this.num(args[0]);
        return env;
      case 'setParallelism':
        this.config.parallelism = this.num(args[0]);
        return env;
      case 'addNode': {
        // toCode's form for graphs the fluent API cannot build: type, config, name and the input edges as data.
        const type = this.str(args[0]);
        const config = this.plain(args[1]);
        const edges = this.plain(args[3]);
        if (type === undefined || typeof config !== 'object' || config === null || !Array.isArray(edges)) this.fail(e, 'env.addNode(type, config, name, edges) expects a type, a config object and an array of edges');
        const id = `${type}-${++this.nextId}`;
        const name = this.str(args[2]);
        this.nodes.push({ id, type, config: config as Record<string, unknown>, ...(name !== undefined ? { name } : {}) });
        for (const x of edges as (Omit<GraphEdge, 'target'> & { [EDGE]?: true })[]) {
          if (x?.[EDGE] !== true) this.fail(args[3]!, 'each edge must be stream.edge(…)');
          const { [EDGE]: _, ...edge } = x;
          this.edges.push({ ...edge, target: id });
        }
        return data(id);
      }
      case 'getConfig':
        return { k: 'api', name: 'ExecutionConfig' };
      case 'setRestartStrategy':
        this.config.restartStrategy = this.plain(args[0]) as PipelineGraph['config']['restartStrategy'];
        return env;
      case 'setMaxParallelism':
        this.config.maxParallelism = this.num(args[0]);
        return env;
      case 'execute':
        this.name = this.str(args[0]);
        this.executed = true;
        return data(undefined);
      case 'fromElements': {
        const elements = args.map((a) => this.plain(a));
        return this.addNode('source', { connector: 'elements', config: { elements } }, 'elements', [], e);
      }
      case 'fromCollection':
        return this.addNode('source', { connector: 'elements', config: { elements: this.plain(args[0]) } }, this.str(args[1]) ?? 'elements', [], e);
      case 'fromSequence': {
        const from = this.num(args[0]);
        const to = this.num(args[1]);
        return this.addNode('source', { connector: 'elements', config: { elements: Array.from({ length: to - from + 1 }, (_, i) => from + i) } }, 'sequence', [], e);
      }
      case 'socketTextStream': {
        const host = this.str(args[0]);
        const port = this.num(args[1]);
        const config = { host, port, delimiter: this.str(args[2]) ?? '\n', maxRetry: args[3] ? this.num(args[3]) : -1, retryDelayMs: args[4] ? this.num(args[4]) : 500 };
        return this.addNode('source', { connector: 'socket-text', config }, `Socket ${host}:${port}`, [], e);
      }
      case 'fromSource': {
        const spec = this.plain(args[0]) as { connector?: unknown; config?: unknown };
        if (typeof spec?.connector !== 'string') this.fail(args[0] ?? e, 'fromSource needs a connector');
        if (!args[1]) this.fail(e, 'fromSource needs a WatermarkStrategy');
        const watermarkStrategy = this.plain(args[1]);
        return this.addNode('source', { connector: spec.connector, config: spec.config, watermarkStrategy }, this.str(args[2]) ?? spec.connector, [], e);
      }
      default:
        return this.fail(e, `env.${method}(…) cannot be drawn on the canvas`);
    }
  }

  private streamCall(s: Stream, method: string, args: N[], e: N): Value {
    const name = (i: number) => this.str(args[i]);
    if (s.key) {
      // A KeyedStream (after keyBy).
      switch (method) {
        case 'reduce':
        case 'aggregate':
          return this.addNode(method, { fn: this.fnArg(args[0], e) }, name(1), [s], e);
        case 'process':
          return this.addNode('keyedProcess', { fn: this.fnArg(args[0], e) }, name(1) ?? 'KeyedProcess', [s], e);
        case 'window':
          return { k: 'windowed', from: s, config: { assigner: this.plain(args[0]) } };
        default:
          return this.fail(e, `.keyBy(…).${method}(…) cannot be drawn on the canvas`);
      }
    }
    switch (method) {
      case 'map':
      case 'filter':
      case 'flatMap':
        return this.addNode(method, { fn: this.fnArg(args[0], e) }, name(1), [s], e);
      case 'process':
        return this.addNode('process', { fn: this.fnArg(args[0], e) }, name(1) ?? 'Process', [s], e);
      case 'keyBy':
        return { ...s, key: this.fnArg(args[0], e) };
      case 'windowAll':
        return { k: 'windowed', from: s, config: { assigner: this.plain(args[0]), allWindow: true } };
      case 'assignTimestampsAndWatermarks':
        return this.addNode('assignTimestampsAndWatermarks', { watermarkStrategy: this.plain(args[0]) }, name(1) ?? 'Timestamps/Watermarks', [s], e);
      case 'union': {
        const others = args.map((a) => this.expr(a));
        if (others.some((o) => o.k !== 'stream' || o.key)) this.fail(e, 'union takes streams');
        return this.addNode('union', {}, 'Union', [s, ...(others as Stream[])], e);
      }
      case 'print': {
        const prefix = name(0);
        return this.addNode('sink', { connector: 'print', config: prefix !== undefined ? { prefix } : {} }, 'Print', [s], e);
      }
      case 'sinkTo': {
        const spec = this.plain(args[0]) as { connector?: unknown; config?: unknown };
        if (typeof spec?.connector !== 'string') this.fail(args[0] ?? e, 'sinkTo needs a connector');
        return this.addNode('sink', { connector: spec.connector, config: spec.config }, name(1) ?? spec.connector, [s], e);
      }
      case 'edge': {
        // DataStream.edge(extra): an input edge of env.addNode, forward unless the extra says otherwise.
        const extra = (args[0] ? this.plain(args[0]) : {}) as Partial<GraphEdge>;
        return data({ [EDGE]: true, source: s.id, targetInput: 0, partitioning: 'forward', ...extra });
      }
      case 'name':
      case 'setParallelism': {
        const node = this.nodes.find((n) => n.id === s.id)!;
        if (method === 'name') node.name = name(0);
        else node.parallelism = this.num(args[0]);
        return s;
      }
      default:
        return this.fail(e, `.${method}(…) cannot be drawn on the canvas`);
    }
  }

  private windowedCall(w: Windowed, method: string, args: N[], e: N): Value {
    const config = { ...w.config };
    switch (method) {
      case 'trigger':
        return { ...w, config: { ...config, trigger: this.plain(args[0]) } };
      case 'evictor':
        return { ...w, config: { ...config, evictor: this.plain(args[0]) } };
      case 'allowedLateness':
        return { ...w, config: { ...config, allowedLateness: this.num(args[0]) } };
      case 'reduce':
      case 'aggregate':
      case 'process': {
        const fn = this.fnArg(args[0], e);
        const process = method !== 'process' && args[1] && !(args[1].type === 'Identifier' && args[1].name === 'undefined') ? this.fnArg(args[1], e) : undefined;
        const name = this.str(args[method === 'process' ? 1 : 2]);
        const spec = method === 'process' ? { kind: 'process', process: fn } : { kind: method, [method]: fn, ...(process ? { process } : {}) };
        // Keys in the order WindowedStream.build writes them, so a graph read equals the graph run, key for key.
        const { assigner, trigger, evictor, allowedLateness, allWindow } = config;
        const full = {
          assigner,
          function: spec,
          ...(trigger !== undefined ? { trigger } : {}),
          ...(evictor !== undefined ? { evictor } : {}),
          ...(allowedLateness !== undefined ? { allowedLateness } : {}),
          ...(allWindow === true ? { allWindow: true } : {}),
        };
        return this.addNode('window', full, name ?? `Window(${String((config.assigner as { kind?: unknown } | undefined)?.kind)})`, [w.from], e);
      }
      default:
        return this.fail(e, `.window(…).${method}(…) cannot be drawn on the canvas`);
    }
  }
}

/** 'ForOfStatement' → 'for of statement': the construct, as an error names it. */
function describe(node: N): string {
  return node.type.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

/**
 * The pipeline a cell's code builds, read without running it. Throws FromCodeError naming the line and the construct
 * the canvas cannot express (a loop, a helper function, a connector or call it has no form for).
 */
export function fromCode(source: string): PipelineGraph {
  let js: string;
  try {
    // sucrase strips the types and keeps every line where it was, so lines in errors are the cell's own.
    js = transform(source, { transforms: ['typescript'], disableESTransforms: true, keepUnusedImports: true }).code;
  } catch (e) {
    const m = /\((\d+):\d+\)/.exec((e as Error).message);
    throw new FromCodeError((e as Error).message.replace(/ \(\d+:\d+\)$/, ''), m ? Number(m[1]) : undefined);
  }
  let program: N;
  try {
    program = parse(js, { ecmaVersion: 'latest', sourceType: 'module', allowAwaitOutsideFunction: true, locations: true }) as N;
  } catch (e) {
    const m = /\((\d+):\d+\)$/.exec((e as Error).message);
    throw new FromCodeError((e as Error).message.replace(/ \(\d+:\d+\)$/, ''), m ? Number(m[1]) : undefined);
  }
  const reader = new Reader(js);
  for (const s of program.body) reader.statement(s);
  const graph = reader.graph();
  if (graph.nodes.length === 0) throw new FromCodeError('the code builds no pipeline (no env.fromSource, fromElements, socketTextStream…)');
  return graph;
}
