import { PipelineGraph, type FnSpec, type GraphEdge, type GraphNode, type PipelineGraphInput } from './PipelineGraph.js';

/**
 * "Show as code": a pipeline graph as TypeScript in the engine's fluent API, in the notebook cells' style. Run, the
 * code builds the same graph (node types, configs, names and edges; ids and positions aside). Each node is written
 * with the API call that produces exactly its config and edges; a node no fluent call produces (e.g. a source without
 * watermark strategy on a generator) is added as graph data with `env.addNode`, so the round trip stays exact.
 */

export interface ToCodeOptions {
  /** End with `await env.execute(name)` (default true). */
  execute?: boolean;
  /** Job name for execute; defaults to the graph's name. */
  jobName?: string;
}

export class ToCodeError extends Error {
  constructor(
    message: string,
    readonly nodeId?: string,
  ) {
    super(message);
    this.name = 'ToCodeError';
  }
}

/** The name the API gives a node when the program names none (toCode omits it; the canvas starts new nodes with it). */
export function defaultNodeName(type: string, config: Record<string, unknown>): string | undefined {
  const c = config as { connector?: unknown; config?: { host?: unknown; port?: unknown }; watermarkStrategy?: unknown; assigner?: { kind?: unknown } };
  switch (type) {
    case 'source':
      if (c.watermarkStrategy === undefined && c.connector === 'socket-text') return `Socket ${String(c.config?.host)}:${String(c.config?.port)}`;
      return typeof c.connector === 'string' ? c.connector : undefined;
    case 'sink':
      return c.connector === 'print' ? 'Print' : typeof c.connector === 'string' ? c.connector : undefined;
    case 'window':
      return `Window(${String(c.assigner?.kind)})`;
    default:
      return FIXED_NAMES[type];
  }
}

const FIXED_NAMES: Record<string, string> = {
  process: 'Process',
  keyedProcess: 'KeyedProcess',
  coProcess: 'CoProcess',
  keyedCoProcess: 'CoProcess',
  windowJoin: 'WindowJoin',
  windowCoGroup: 'WindowCoGroup',
  intervalJoin: 'IntervalJoin',
  union: 'Union',
  assignTimestampsAndWatermarks: 'Timestamps/Watermarks',
};

export function toCode(input: PipelineGraphInput, options: ToCodeOptions = {}): string {
  const parsed = PipelineGraph.safeParse(input);
  if (!parsed.success) throw new ToCodeError('pipeline graph: ' + parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  return new CodeWriter(parsed.data).write(options);
}

// ---------------------------------------------------------------------------------------------------------------
// Literals and layout

const IDENT = /^[A-Za-z_$][\w$]*$/;
const LINE = 100;

function isFn(v: unknown): v is FnSpec {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const o = v as Record<string, unknown>;
  return typeof o.code === 'string' && Object.keys(o).every((k) => k === 'code' || k === 'ref');
}

/** Keys with a value (undefined counts as absent, as in JSON). */
function keysOf(o: unknown): string[] {
  return typeof o === 'object' && o !== null ? Object.keys(o).filter((k) => (o as Record<string, unknown>)[k] !== undefined) : [];
}

function hasOnly(o: unknown, required: string[], optional: string[] = []): o is Record<string, unknown> {
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return false;
  const keys = keysOf(o);
  return required.every((k) => keys.includes(k)) && keys.every((k) => required.includes(k) || optional.includes(k));
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function str(s: string): string {
  return `'${JSON.stringify(s).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'")}'`;
}

/** Re-indents a block of code: later lines keep their indentation relative to each other, shifted to `indent`. */
function reindent(code: string, indent: string): string {
  const lines = code.split('\n');
  if (lines.length === 1) return code;
  const rest = lines.slice(1);
  // Tabs count as one column: functions printed by other tools may indent with tabs.
  const min = Math.min(...rest.filter((l) => l.trim() !== '').map((l) => /^[ \t]*/.exec(l)![0].length));
  return [lines[0], ...rest.map((l) => (l.trim() === '' ? '' : indent + l.slice(Number.isFinite(min) ? min : 0)))].join('\n');
}

function isExpression(code: string): boolean {
  try {
    new Function(`return (${code}\n);`);
    return true;
  } catch {
    return false;
  }
}

/** A function's source as an expression; method shorthand (`reduce(a, b) { … }`) is taken from a one-method object. */
function fnCode(spec: FnSpec): string {
  const code = spec.code.trim();
  if (isExpression(code)) return code;
  const method = /^(?:async\s+)?\*?\s*([A-Za-z_$][\w$]*)\s*\(/.exec(code);
  return method ? `({ ${code} }).${method[1]}` : code;
}

/** A JS literal; with `fns`, FnSpec objects become `toFnSpec(<function>)` (for configs written as graph data). */
function literal(v: unknown, fns: ((spec: FnSpec) => string) | undefined, indent = ''): string {
  if (v === undefined) return 'undefined';
  if (typeof v === 'string') return str(v);
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : v === Infinity ? 'Infinity' : v === -Infinity ? '-Infinity' : String(v);
  if (typeof v !== 'object' || v === null) return JSON.stringify(v);
  if (fns && isFn(v)) return fns(v);
  const inner = indent + '  ';
  let parts: string[];
  let open: string;
  let close: string;
  if (Array.isArray(v)) {
    // Arrays hold data (elements), never functions.
    parts = v.map((x) => literal(x, undefined, inner));
    [open, close] = ['[', ']'];
  } else {
    parts = keysOf(v).map((k) => `${IDENT.test(k) ? k : str(k)}: ${literal((v as Record<string, unknown>)[k], fns, inner)}`);
    [open, close] = ['{', '}'];
    if (parts.length === 0) return '{}';
  }
  const flat = Array.isArray(v) ? `[${parts.join(', ')}]` : `{ ${parts.join(', ')} }`;
  if (!flat.includes('\n') && flat.length + indent.length <= LINE - 20) return flat;
  return `${open}\n${parts.map((p) => `${inner}${p},`).join('\n')}\n${indent}${close}`;
}

/** One `.method(args)` of a chain. Arguments are code; multi-line ones are laid out as prettier would. */
interface Segment {
  method: string;
  args: string[];
}

const seg = (method: string, ...args: (string | undefined)[]): Segment => {
  // Trailing undefined arguments are left out; inner ones stay as `undefined` placeholders.
  let n = args.length;
  while (n > 0 && args[n - 1] === undefined) n--;
  return { method, args: args.slice(0, n).map((a) => a ?? 'undefined') };
};

function formatCall(callee: string, args: string[], indent: string): string {
  if (args.length === 0) return `${callee}()`;
  const flat = `${callee}(${args.join(', ')})`;
  if (!flat.includes('\n') && flat.length + indent.length <= LINE) return flat;
  // One multi-line argument (a function body, an object) hugs the parentheses.
  if (args.length === 1) return `${callee}(${reindent(args[0]!, indent)})`;
  const inner = indent + '  ';
  return `${callee}(\n${args.map((a) => `${inner}${reindent(a, inner)},`).join('\n')}\n${indent})`;
}

function formatChain(receiver: string, segments: Segment[], indent: string): string {
  const flat = receiver + segments.map((s) => `.${s.method}(${s.args.join(', ')})`).join('');
  if (segments.length <= 2 && !flat.includes('\n') && flat.length + indent.length <= LINE) return flat;
  if (segments.length === 1) return formatCall(`${receiver}.${segments[0]!.method}`, segments[0]!.args, indent);
  const inner = indent + '  ';
  return receiver + segments.map((s) => `\n${inner}${formatCall(`.${s.method}`, s.args, inner)}`).join('');
}

/** Keywords, and globals a user function may read (a `const process = …` would hide Node's process from it). */
const RESERVED = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends false finally for function if import in ' +
    'instanceof let new null return super switch this throw true try typeof var void while with yield await implements interface package ' +
    'private protected public static env undefined process console window document globalThis Math JSON Date Number String Object Array ' +
    'Promise Error Map Set params notebookDir'
  ).split(' '),
);

function camel(text: string): string {
  const words = text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  const name = words.map((w, i) => (i === 0 ? w.toLowerCase() : w.charAt(0).toUpperCase() + w.slice(1).toLowerCase())).join('');
  return /^[0-9]/.test(name) ? `s${name}` : name;
}

// ---------------------------------------------------------------------------------------------------------------
// The writer

/** How one node is written. */
type Plan =
  /** A single-input node appended to its input stream: `<input>.map(…)`. */
  | { kind: 'chain'; edge: GraphEdge; segments: Segment[] }
  /** A node whose expression starts from a receiver: `env.fromSource(…)`, `a.connect(b)…`; built once its inputs have variables. */
  | { kind: 'head'; build: () => { receiver: string; segments: Segment[] } }
  /** Graph data: `env.addNode(type, config, name, edges)`. */
  | { kind: 'node' };

const WINDOW_CLASSES = {
  tumbling: ['TumblingEventTimeWindows', 'TumblingProcessingTimeWindows'],
  sliding: ['SlidingEventTimeWindows', 'SlidingProcessingTimeWindows'],
  session: ['EventTimeSessionWindows', 'ProcessingTimeSessionWindows'],
  dynamicSession: ['EventTimeSessionWindows', 'ProcessingTimeSessionWindows'],
} as const;

/** Connectors with a spec class in the API, and the record type their sources emit. */
const CONNECTOR_CLASSES: Record<string, string> = { 'sales-generator': 'SalesGenerator', nexmark: 'Nexmark', 'socket-text': 'SocketText' };
const SOURCE_TYPES: Record<string, string> = { 'sales-generator': 'string', 'socket-text': 'string', nexmark: 'any' };

/** Everything the generated code may import; the imports are the ones the code uses. */
const ENGINE_NAMES = [
  'StreamExecutionEnvironment',
  'DataStream',
  'toFnSpec',
  'OutputTag',
  'Time',
  'WatermarkStrategy',
  'LiveSink',
  ...Object.values(CONNECTOR_CLASSES),
  ...Object.values(WINDOW_CLASSES).flat(),
  'GlobalWindows',
  'EventTimeTrigger',
  'ProcessingTimeTrigger',
  'NeverTrigger',
  'CountTrigger',
  'PurgingTrigger',
  'ContinuousEventTimeTrigger',
  'ContinuousProcessingTimeTrigger',
  'CountEvictor',
  'TimeEvictor',
  'DeltaEvictor',
];

class CodeWriter {
  private readonly used = new Set<string>(ENGINE_NAMES);
  private readonly tags = new Map<string, string>();
  private readonly vars = new Map<string, string>();
  private readonly incoming = new Map<string, GraphEdge[]>();
  private readonly outgoing = new Map<string, GraphEdge[]>();
  private readonly byId = new Map<string, GraphNode>();

  constructor(private readonly graph: PipelineGraph) {
    for (const n of graph.nodes) {
      this.byId.set(n.id, n);
      this.incoming.set(n.id, []);
      this.outgoing.set(n.id, []);
    }
    for (const e of graph.edges) {
      if (!this.byId.has(e.source) || !this.byId.has(e.target)) throw new ToCodeError(`edge ${e.source} → ${e.target}: unknown node`, this.byId.has(e.source) ? e.target : e.source);
      this.incoming.get(e.target)!.push(e);
      this.outgoing.get(e.source)!.push(e);
    }
    for (const list of this.incoming.values()) list.sort((a, b) => a.targetInput - b.targetInput);
    // Stream variables never take a name the user functions use: the cell compiler would rename the functions'
    // parameters to avoid the clash, and a function reading a global of that name would see the stream.
    const fns: FnSpec[] = [];
    const collect = (v: unknown) => {
      if (isFn(v)) fns.push(v);
      else if (typeof v === 'object' && v !== null && !Array.isArray(v)) Object.values(v).forEach(collect);
    };
    graph.nodes.forEach((n) => collect(n.config));
    graph.edges.forEach((e) => collect(e.keySelector));
    for (const f of fns) for (const id of f.code.match(/[A-Za-z_$][\w$]*/g) ?? []) this.used.add(id);
  }

  write(options: ToCodeOptions): string {
    const order = this.topologicalOrder();
    const plans = new Map(order.map((n) => [n.id, this.plan(n)]));
    // A chain node joins its input's statement when it is that stream's only consumer (and the input is a stream).
    const chained = (n: GraphNode): boolean => {
      const p = plans.get(n.id)!;
      return p.kind === 'chain' && this.outgoing.get(p.edge.source)!.length === 1 && plans.get(p.edge.source)!.kind !== 'node';
    };
    const statements: string[] = [];
    for (const n of order) {
      if (chained(n)) continue;
      const p = plans.get(n.id)!;
      let last = n;
      if (p.kind === 'node') {
        const out = this.outgoing.get(n.id)!.length > 0;
        const call = this.nodeCall(n);
        const stream = n.parallelism !== undefined ? `new DataStream<any>(env, ${call}).setParallelism(${n.parallelism})` : `new DataStream<any>(env, ${call})`;
        statements.push(out ? `const ${this.declare(n, n)} = ${stream};` : n.parallelism !== undefined ? `${stream};` : `${call};`);
        continue;
      }
      const start = p.kind === 'chain' ? { receiver: this.ref(p.edge), segments: p.segments } : p.build();
      const receiver = start.receiver;
      const segments = [...start.segments];
      for (;;) {
        const out = this.outgoing.get(last.id)!;
        if (out.length !== 1 || !chained(this.byId.get(out[0]!.target)!)) break;
        const e = out[0]!;
        if (e.sideOutput !== undefined) segments.push(seg('getSideOutput', this.tag(e.sideOutput)));
        last = this.byId.get(e.target)!;
        segments.push(...(plans.get(last.id) as { segments: Segment[] }).segments);
      }
      const expr = formatChain(receiver, segments, '');
      const head = p.kind === 'head' ? n : last;
      statements.push(this.outgoing.get(last.id)!.length > 0 ? `const ${this.declare(last, head)} = ${expr};` : `${expr};`);
    }
    return this.assemble(statements, options);
  }

  private assemble(statements: string[], options: ToCodeOptions): string {
    const { config } = this.graph;
    const envSegments: Segment[] = [];
    if (config.checkpointInterval !== undefined) envSegments.push(seg('enableCheckpointing', String(config.checkpointInterval)));
    if (config.parallelism !== undefined) envSegments.push(seg('setParallelism', String(config.parallelism)));
    if (config.maxParallelism !== 128) envSegments.push(seg('setMaxParallelism', String(config.maxParallelism)));
    const lines = [`const env = ${formatChain('StreamExecutionEnvironment', [seg('getExecutionEnvironment'), ...envSegments], '')};`];
    if (config.autoWatermarkInterval !== 200) lines.push(`env.getConfig().setAutoWatermarkInterval(${config.autoWatermarkInterval});`);
    const body = statements.join('\n');
    const mentions = (name: string) => new RegExp(`(^|[^\\w$.])${name.replace(/\$/g, '\\$')}\\b`).test(body);
    for (const [id, name] of this.tags) if (mentions(name)) lines.push(`const ${name} = new OutputTag<any>(${str(id)});`);
    const code = lines.join('\n') + '\n' + body;
    const names = ENGINE_NAMES.filter((n, i) => ENGINE_NAMES.indexOf(n) === i && new RegExp(`(^|[^\\w$.])${n}\\b`).test(code)).sort((a, b) => a.localeCompare(b));
    const flatImport = `import { ${names.join(', ')} } from '@flowbook/engine';`;
    const importLine = flatImport.length <= LINE ? flatImport : `import {\n${names.map((n) => `  ${n},`).join('\n')}\n} from '@flowbook/engine';`;
    const jobName = options.jobName ?? this.graph.name;
    const tail = options.execute === false ? [] : [`await env.execute(${jobName ? str(jobName) : ''});`];
    return [importLine, lines.join('\n'), ...statements, ...tail].join('\n\n') + '\n';
  }

  /** Stable topological order: the graph's own order wherever the edges allow it. */
  private topologicalOrder(): GraphNode[] {
    const index = new Map(this.graph.nodes.map((n, i) => [n.id, i]));
    const pending = new Map(this.graph.nodes.map((n) => [n.id, this.incoming.get(n.id)!.length]));
    const ready = this.graph.nodes.filter((n) => pending.get(n.id) === 0);
    const order: GraphNode[] = [];
    while (ready.length > 0) {
      ready.sort((a, b) => index.get(a.id)! - index.get(b.id)!);
      const n = ready.shift()!;
      order.push(n);
      for (const e of this.outgoing.get(n.id)!) {
        const left = pending.get(e.target)! - 1;
        pending.set(e.target, left);
        if (left === 0) ready.push(this.byId.get(e.target)!);
      }
    }
    if (order.length < this.graph.nodes.length) {
      const stuck = this.graph.nodes.find((n) => !order.includes(n))!;
      throw new ToCodeError(`the pipeline has a cycle through node "${stuck.name ?? stuck.id}": code cannot express it`, stuck.id);
    }
    return order;
  }

  /** A variable for a statement's stream, named after its source or its last node. */
  private declare(last: GraphNode, head: GraphNode): string {
    const nameOf = (n: GraphNode) => (n.name !== undefined && n.name !== defaultNodeName(n.type, n.config) ? n.name : n.type === 'source' ? String(n.config.connector ?? 'source') : n.type);
    let base = camel(head.type === 'source' ? nameOf(head) : nameOf(last)) || 'stream';
    if (RESERVED.has(base)) base += 'Stream';
    const name = this.unique(base);
    this.vars.set(last.id, name);
    return name;
  }

  private unique(base: string): string {
    let name = base;
    for (let i = 2; this.used.has(name); i++) name = `${base}${i}`;
    this.used.add(name);
    return name;
  }

  private tag(id: string): string {
    let name = this.tags.get(id);
    if (name === undefined) {
      name = this.unique(`${camel(id) || 'side'}Tag`);
      this.tags.set(id, name);
    }
    return name;
  }

  /** The stream an edge reads: the source's variable, or its side output. */
  private ref(e: GraphEdge): string {
    const v = this.vars.get(e.source)!;
    return e.sideOutput !== undefined ? `${v}.getSideOutput(${this.tag(e.sideOutput)})` : v;
  }

  private fn(spec: FnSpec): string {
    return fnCode(spec);
  }

  private duration(ms: number): string {
    const units: [number, string][] = [
      [86_400_000, 'days'],
      [3_600_000, 'hours'],
      [60_000, 'minutes'],
      [1000, 'seconds'],
    ];
    const abs = Math.abs(ms);
    for (const [size, unit] of units) {
      if (abs >= size && abs % size === 0) {
        return `${ms < 0 ? '-' : ''}Time.${unit}(${abs / size})`;
      }
    }
    return String(ms);
  }

  /** The name argument: undefined when the API's default fits; false when no call can produce the node's name. */
  private nameArg(node: GraphNode): string | undefined | false {
    const def = defaultNodeName(node.type, node.config);
    if (node.name === undefined) return def === undefined ? undefined : false;
    return node.name === def ? undefined : str(node.name);
  }

  private plan(node: GraphNode): Plan {
    const p = this.fluent(node);
    if (p === undefined) return { kind: 'node' };
    if (node.parallelism === undefined || p.kind === 'node') return p;
    // setParallelism applies to the node the fluent call made: append it to that call.
    const extra = seg('setParallelism', String(node.parallelism));
    if (p.kind === 'chain') return { ...p, segments: [...p.segments, extra] };
    return { kind: 'head', build: () => { const b = p.build(); return { receiver: b.receiver, segments: [...b.segments, extra] }; } };
  }

  private nodeCall(node: GraphNode): string {
    const edges = this.incoming.get(node.id)!.map((e) => {
      const extra: string[] = [];
      if (e.targetInput !== 0) extra.push(`targetInput: ${e.targetInput}`);
      if (e.partitioning !== 'forward') extra.push(`partitioning: ${str(e.partitioning)}`);
      if (e.keySelector) extra.push(`keySelector: ${this.toFnSpec(e.keySelector)}`);
      return `${this.ref(e)}.edge(${extra.length > 0 ? `{ ${extra.join(', ')} }` : ''})`;
    });
    const config = literal(node.config, (s) => this.toFnSpec(s), '  ');
    const args = [str(node.type), config, node.name !== undefined ? str(node.name) : 'undefined', `[${edges.join(', ')}]`];
    return formatCall('env.addNode', args, '');
  }

  private toFnSpec(spec: FnSpec): string {
    return `toFnSpec(${this.fn(spec)})`;
  }

  /** The fluent API call that builds exactly this node, if there is one. */
  private fluent(node: GraphNode): Plan | undefined {
    const ins = this.incoming.get(node.id)!;
    const c = node.config;
    const name = this.nameArg(node);
    if (name === false) return undefined;
    if (node.type === 'source') return ins.length === 0 ? this.source(node, name) : undefined;
    if (ins.length === 0) return undefined;
    const one = ins.length === 1 ? ins[0]! : undefined;
    const plain = one !== undefined && one.targetInput === 0 && one.partitioning === 'forward' && one.keySelector === undefined;
    const keyed = one !== undefined && one.targetInput === 0 && one.partitioning === 'hash' && one.keySelector !== undefined;
    const chain = (...segments: Segment[]): Plan => ({ kind: 'chain', edge: one!, segments });
    switch (node.type) {
      case 'map':
      case 'filter':
      case 'flatMap':
      case 'process':
        return plain && hasOnly(c, ['fn']) && isFn(c.fn) ? chain(seg(node.type, this.fn(c.fn), name)) : undefined;
      case 'reduce':
      case 'aggregate':
      case 'keyedProcess':
        return keyed && hasOnly(c, ['fn']) && isFn(c.fn) ? chain(seg('keyBy', this.fn(one.keySelector!)), seg(node.type === 'keyedProcess' ? 'process' : node.type, this.fn(c.fn), name)) : undefined;
      case 'assignTimestampsAndWatermarks':
        return plain && hasOnly(c, ['watermarkStrategy']) ? chain(seg('assignTimestampsAndWatermarks', this.watermarkStrategy(c.watermarkStrategy, 'any'), name)) : undefined;
      case 'window':
        return one ? this.window(node, one, name) : undefined;
      case 'sink':
        return plain ? this.sink(node, one, name) : undefined;
      case 'union':
        return hasOnly(c, []) && ins.every((e) => e.targetInput === 0 && e.partitioning === 'forward' && e.keySelector === undefined)
          ? { kind: 'head', build: () => ({ receiver: this.ref(ins[0]!), segments: [seg('union', ...ins.slice(1).map((e) => this.ref(e))), ...this.nameSegment(name)] }) }
          : undefined;
      case 'coProcess':
      case 'keyedCoProcess':
      case 'windowJoin':
      case 'windowCoGroup':
      case 'intervalJoin':
        return this.twoInputs(node, name);
      default:
        return undefined;
    }
  }

  private env(...segments: Segment[]): Plan {
    return { kind: 'head', build: () => ({ receiver: 'env', segments }) };
  }

  /** `.name(…)` for calls without a name parameter. */
  private nameSegment(name: string | undefined): Segment[] {
    return name === undefined ? [] : [seg('name', name)];
  }

  private source(node: GraphNode, name: string | undefined): Plan | undefined {
    const c = node.config;
    if (!hasOnly(c, ['connector'], ['config', 'watermarkStrategy']) || typeof c.connector !== 'string') return undefined;
    const cfg = c.config as Record<string, unknown> | undefined;
    if (c.watermarkStrategy !== undefined) {
      const type = SOURCE_TYPES[c.connector] ?? 'any';
      const cls = CONNECTOR_CLASSES[c.connector];
      let spec: string;
      // The spec classes always set a config object; an absent config needs the plain `{ connector }` form.
      if (cls !== undefined && typeof cfg === 'object' && cfg !== null && !Array.isArray(cfg)) {
        spec = `new ${cls}(${keysOf(cfg).length > 0 || cls === 'SocketText' ? literal(cfg, undefined) : ''})`;
      } else {
        spec = literal({ connector: c.connector, config: cfg }, undefined);
      }
      // fromSource's default name is the connector, as defaultNodeName says.
      return this.env(seg(`fromSource<${type}>`, spec, this.watermarkStrategy(c.watermarkStrategy, type), name));
    }
    if (c.connector === 'elements' && hasOnly(cfg, ['elements']) && Array.isArray(cfg.elements)) {
      const items = cfg.elements;
      const nodeName = node.name!;
      const ints = items.every((x, i) => Number.isInteger(x) && (i === 0 || x === (items[i - 1] as number) + 1));
      if (nodeName === 'sequence' && items.length > 0 && ints) {
        return this.env(seg('fromSequence', String(items[0]), String(items.at(-1))));
      }
      if (nodeName === 'elements') return this.env(seg('fromElements', ...items.map((x) => literal(x, undefined, '  '))));
      return this.env(seg('fromCollection', literal(items, undefined), str(nodeName)));
    }
    if (c.connector === 'socket-text' && hasOnly(cfg, ['host', 'port', 'delimiter', 'maxRetry', 'retryDelayMs'])) {
      const { host, port, delimiter, maxRetry, retryDelayMs } = cfg;
      if (typeof host !== 'string' || !isNum(port) || typeof delimiter !== 'string' || !isNum(maxRetry) || !isNum(retryDelayMs)) return undefined;
      const args: (string | undefined)[] = [str(host), String(port), delimiter === '\n' ? undefined : str(delimiter), maxRetry === -1 ? undefined : String(maxRetry), retryDelayMs === 500 ? undefined : String(retryDelayMs)];
      // Inner defaults must be written out when a later argument is given.
      for (let i = args.length - 1, later = false; i >= 2; i--) {
        if (args[i] !== undefined) later = true;
        else if (later) args[i] = [undefined, undefined, str('\n'), '-1', '500'][i];
      }
      return this.env(seg('socketTextStream', ...args), ...this.nameSegment(name));
    }
    return undefined;
  }

  private sink(node: GraphNode, edge: GraphEdge, name: string | undefined): Plan | undefined {
    const c = node.config;
    if (!hasOnly(c, ['connector'], ['config']) || typeof c.connector !== 'string') return undefined;
    const cfg = c.config;
    if (c.connector === 'print' && hasOnly(cfg, [], ['prefix']) && (cfg.prefix === undefined || typeof cfg.prefix === 'string')) {
      return { kind: 'chain', edge, segments: [seg('print', cfg.prefix !== undefined ? str(cfg.prefix as string) : undefined), ...this.nameSegment(name)] };
    }
    // Not print(): sinkTo's default name is the connector (print() names its node 'Print', as defaultNodeName says).
    if (node.name === undefined) return undefined;
    const sinkName = node.name === c.connector ? undefined : str(node.name);
    if (c.connector === 'live' && hasOnly(cfg, ['name']) && typeof cfg.name === 'string') {
      return { kind: 'chain', edge, segments: [seg('sinkTo', `new LiveSink(${cfg.name === 'result' ? '' : str(cfg.name)})`, sinkName)] };
    }
    return { kind: 'chain', edge, segments: [seg('sinkTo', literal({ connector: c.connector, config: cfg }, undefined), sinkName)] };
  }

  private window(node: GraphNode, edge: GraphEdge, name: string | undefined): Plan | undefined {
    const c = node.config;
    if (!hasOnly(c, ['assigner', 'function'], ['trigger', 'evictor', 'allowedLateness', 'lateDataOutputTag', 'allWindow'])) return undefined;
    const segments: Segment[] = [];
    const forward = edge.targetInput === 0 && edge.partitioning === 'forward' && edge.keySelector === undefined;
    const keyed = edge.targetInput === 0 && edge.partitioning === 'hash' && edge.keySelector !== undefined;
    const assigner = this.assigner(c.assigner);
    if (assigner === undefined) return undefined;
    if (keyed && c.allWindow === undefined) segments.push(seg('keyBy', this.fn(edge.keySelector!)), seg('window', assigner));
    else if (forward && c.allWindow === true) segments.push(seg('windowAll', assigner));
    else return undefined;
    if (c.trigger !== undefined) {
      const t = this.trigger(c.trigger);
      if (t === undefined) return undefined;
      segments.push(seg('trigger', t));
    }
    if (c.evictor !== undefined) {
      const ev = this.evictor(c.evictor);
      if (ev === undefined) return undefined;
      segments.push(seg('evictor', ev));
    }
    if (c.allowedLateness !== undefined) {
      if (!isNum(c.allowedLateness) || c.allowedLateness < 0) return undefined;
      segments.push(seg('allowedLateness', this.duration(c.allowedLateness)));
    }
    if (c.lateDataOutputTag !== undefined) {
      if (typeof c.lateDataOutputTag !== 'string') return undefined;
      segments.push(seg('sideOutputLateData', this.tag(c.lateDataOutputTag)));
    }
    const f = c.function as Record<string, unknown>;
    const process = f.process;
    if (process !== undefined && !isFn(process)) return undefined;
    if ((f.kind === 'reduce' || f.kind === 'aggregate') && hasOnly(f, ['kind', f.kind], ['process']) && isFn(f[f.kind])) {
      segments.push(seg(f.kind, this.fn(f[f.kind] as FnSpec), process ? this.fn(process) : undefined, name));
    } else if (f.kind === 'process' && hasOnly(f, ['kind', 'process']) && process) {
      segments.push(seg('process', this.fn(process), name));
    } else {
      return undefined;
    }
    return { kind: 'chain', edge, segments };
  }

  private twoInputs(node: GraphNode, name: string | undefined): Plan | undefined {
    const ins = this.incoming.get(node.id)!;
    if (ins.length !== 2 || ins[0]!.targetInput !== 0 || ins[1]!.targetInput !== 1) return undefined;
    const [a, b] = ins as [GraphEdge, GraphEdge];
    const c = node.config;
    const bothKeyed = a.partitioning === 'hash' && b.partitioning === 'hash' && a.keySelector !== undefined && b.keySelector !== undefined;
    const bothForward = [a, b].every((e) => e.partitioning === 'forward' && e.keySelector === undefined);
    // The inputs' variables exist only when this statement is written: build it then.
    const head = (segments: () => Segment[]): Plan => ({ kind: 'head', build: () => ({ receiver: this.ref(a), segments: segments() }) });
    if (node.type === 'coProcess' || node.type === 'keyedCoProcess') {
      if (!hasOnly(c, ['fn']) || !isFn(c.fn)) return undefined;
      const fn = this.fn(c.fn);
      if (node.type === 'coProcess' && bothForward) return head(() => [seg('connect', this.ref(b)), seg('process', fn, name)]);
      if (node.type === 'keyedCoProcess' && bothKeyed) return head(() => [seg('connect', this.ref(b)), seg('keyBy', this.fn(a.keySelector!), this.fn(b.keySelector!)), seg('process', fn, name)]);
      return undefined;
    }
    if (!bothKeyed) return undefined;
    // windowJoin and windowCoGroup: the same builder, started with join(b) or coGroup(b).
    if (node.type === 'windowJoin' || node.type === 'windowCoGroup') {
      if (!hasOnly(c, ['assigner', 'fn'], ['trigger', 'allowedLateness']) || !isFn(c.fn)) return undefined;
      const assigner = this.assigner(c.assigner);
      const trigger = c.trigger === undefined ? undefined : this.trigger(c.trigger);
      if (assigner === undefined || (c.trigger !== undefined && trigger === undefined)) return undefined;
      const lateness = c.allowedLateness;
      if (lateness !== undefined && !(isNum(lateness) && lateness >= 0)) return undefined;
      const fn = this.fn(c.fn);
      return head(() => [
        seg(node.type === 'windowJoin' ? 'join' : 'coGroup', this.ref(b)),
        seg('where', this.fn(a.keySelector!)),
        seg('equalTo', this.fn(b.keySelector!)),
        seg('window', assigner),
        ...(trigger !== undefined ? [seg('trigger', trigger)] : []),
        ...(lateness !== undefined ? [seg('allowedLateness', this.duration(lateness))] : []),
        seg('apply', fn, name),
      ]);
    }
    // intervalJoin: the API always writes both inclusive flags, and late-data tags only when set.
    if (!hasOnly(c, ['lowerBound', 'upperBound', 'lowerBoundInclusive', 'upperBoundInclusive', 'fn'], ['leftLateDataOutputTag', 'rightLateDataOutputTag'])) return undefined;
    const { lowerBound, upperBound, lowerBoundInclusive, upperBoundInclusive, leftLateDataOutputTag: leftLate, rightLateDataOutputTag: rightLate } = c;
    if (!isNum(lowerBound) || !isNum(upperBound) || typeof lowerBoundInclusive !== 'boolean' || typeof upperBoundInclusive !== 'boolean' || !isFn(c.fn)) return undefined;
    const tagOk = (t: unknown) => t === undefined || (typeof t === 'string' && t !== '');
    if (!tagOk(leftLate) || !tagOk(rightLate)) return undefined;
    const fn = this.fn(c.fn);
    return head(() => [
      seg('keyBy', this.fn(a.keySelector!)),
      seg('intervalJoin', `${this.ref(b)}.keyBy(${this.fn(b.keySelector!)})`),
      seg('between', this.duration(lowerBound), this.duration(upperBound)),
      ...(lowerBoundInclusive ? [] : [seg('lowerBoundExclusive')]),
      ...(upperBoundInclusive ? [] : [seg('upperBoundExclusive')]),
      ...(leftLate !== undefined ? [seg('sideOutputLeftLateData', this.tag(leftLate as string))] : []),
      ...(rightLate !== undefined ? [seg('sideOutputRightLateData', this.tag(rightLate as string))] : []),
      seg('process', fn, name),
    ]);
  }

  /** Always expressible: the fluent builder when it produces this spec, else WatermarkStrategy.fromSpec. */
  private watermarkStrategy(raw: unknown, type: string): string {
    const s = raw as Record<string, unknown>;
    const rest = (base: string): string => {
      let out = base;
      if (s.timestampAssigner !== undefined) out += `.withTimestampAssigner(${this.fn(s.timestampAssigner as FnSpec)})`;
      if (s.idleness !== undefined) out += `.withIdleness(${this.duration(s.idleness as number)})`;
      return out;
    };
    const assignerOk = s.timestampAssigner === undefined || isFn(s.timestampAssigner);
    const idleOk = s.idleness === undefined || (isNum(s.idleness) && s.idleness > 0);
    if (assignerOk && idleOk && hasOnly(s, ['kind', 'maxOutOfOrderness'], ['timestampAssigner', 'idleness']) && s.kind === 'boundedOutOfOrderness' && isNum(s.maxOutOfOrderness) && s.maxOutOfOrderness >= 0) {
      return rest(s.maxOutOfOrderness === 0 ? `WatermarkStrategy.forMonotonousTimestamps<${type}>()` : `WatermarkStrategy.forBoundedOutOfOrderness<${type}>(${this.duration(s.maxOutOfOrderness)})`);
    }
    if (assignerOk && idleOk && hasOnly(s, ['kind'], ['timestampAssigner', 'idleness']) && s.kind === 'noWatermarks') return rest(`WatermarkStrategy.noWatermarks<${type}>()`);
    return `WatermarkStrategy.fromSpec<${type}>(${literal(s, (f) => this.toFnSpec(f))})`;
  }

  private assigner(raw: unknown): string | undefined {
    const s = raw as Record<string, unknown>;
    if (hasOnly(s, ['kind']) && s.kind === 'global') {
      return 'GlobalWindows.create()';
    }
    if (s === null || typeof s !== 'object' || (s.time !== 'event' && s.time !== 'processing')) return undefined;
    const kind = s.kind as keyof typeof WINDOW_CLASSES;
    const cls = WINDOW_CLASSES[kind]?.[s.time === 'event' ? 0 : 1];
    if (cls === undefined) return undefined;
    const use = (call: string) => `${cls}.${call}`;
    const offset = (o: number) => (o === 0 ? '' : `, ${this.duration(o)}`);
    if (kind === 'tumbling' && hasOnly(s, ['kind', 'time', 'size', 'offset']) && isNum(s.size) && isNum(s.offset)) return use(`of(${this.duration(s.size)}${offset(s.offset)})`);
    if (kind === 'sliding' && hasOnly(s, ['kind', 'time', 'size', 'slide', 'offset']) && isNum(s.size) && isNum(s.slide) && isNum(s.offset)) {
      return use(`of(${this.duration(s.size)}, ${this.duration(s.slide)}${offset(s.offset)})`);
    }
    if (kind === 'session' && hasOnly(s, ['kind', 'time', 'gap']) && isNum(s.gap)) return use(`withGap(${this.duration(s.gap)})`);
    if (kind === 'dynamicSession' && hasOnly(s, ['kind', 'time', 'gapExtractor']) && isFn(s.gapExtractor)) return use(`withDynamicGap(${this.fn(s.gapExtractor)})`);
    return undefined;
  }

  private trigger(raw: unknown): string | undefined {
    const s = raw as Record<string, unknown>;
    const simple: Record<string, string> = { eventTime: 'EventTimeTrigger', processingTime: 'ProcessingTimeTrigger', never: 'NeverTrigger' };
    const use = (cls: string, call: string) => `${cls}.${call}`;
    if (typeof s?.kind !== 'string') return undefined;
    if (simple[s.kind] && hasOnly(s, ['kind'])) return use(simple[s.kind]!, 'create()');
    if (s.kind === 'count' && hasOnly(s, ['kind', 'maxCount']) && isNum(s.maxCount)) return use('CountTrigger', `of(${s.maxCount})`);
    if (s.kind === 'continuousEventTime' && hasOnly(s, ['kind', 'interval']) && isNum(s.interval)) return use('ContinuousEventTimeTrigger', `of(${this.duration(s.interval)})`);
    if (s.kind === 'continuousProcessingTime' && hasOnly(s, ['kind', 'interval']) && isNum(s.interval)) return use('ContinuousProcessingTimeTrigger', `of(${this.duration(s.interval)})`);
    if (s.kind === 'purging' && hasOnly(s, ['kind', 'nested'])) {
      const nested = this.trigger(s.nested);
      return nested === undefined ? undefined : use('PurgingTrigger', `of(${nested})`);
    }
    return undefined;
  }

  private evictor(raw: unknown): string | undefined {
    const s = raw as Record<string, unknown>;
    if (typeof s?.doEvictAfter !== 'boolean') return undefined;
    const after = s.doEvictAfter ? ', true' : '';
    const use = (cls: string, args: string) => `${cls}.of(${args}${after})`;
    if (s.kind === 'count' && hasOnly(s, ['kind', 'maxCount', 'doEvictAfter']) && isNum(s.maxCount)) return use('CountEvictor', String(s.maxCount));
    if (s.kind === 'time' && hasOnly(s, ['kind', 'windowSize', 'doEvictAfter']) && isNum(s.windowSize)) return use('TimeEvictor', this.duration(s.windowSize));
    if (s.kind === 'delta' && hasOnly(s, ['kind', 'threshold', 'deltaFunction', 'doEvictAfter']) && isNum(s.threshold) && isFn(s.deltaFunction)) {
      return use('DeltaEvictor', `${s.threshold}, ${this.fn(s.deltaFunction)}`);
    }
    return undefined;
  }
}
