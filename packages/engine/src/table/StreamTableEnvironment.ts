import type { DataStream } from '../api/DataStream.js';
import type { StreamExecutionEnvironment } from '../api/StreamExecutionEnvironment.js';
import { WatermarkStrategy } from '../time/WatermarkStrategy.js';
import type { Expr, Statement } from '../sql/ast.js';
import { parseStatements, SqlCatalog } from '../sql/catalog.js';
import { AGGREGATES, compilePiece, RelScope, typeOf, type Piece } from '../sql/compileExpr.js';
import { calcStream, Planner, type Rel } from '../sql/planner.js';
import { SCALAR_FUNCTIONS } from '../sql/functions.js';
import { SqlError } from '../sql/SqlError.js';
import { FunctionCatalog, type ScalarFunction, type SqlAggregateFunction, type TableFunction, withFunctions } from '../sql/udf.js';
import { tableSink, type Row } from '../sql/tableConnectors.js';
import { formatTimestamp, kindOf, type Column } from '../sql/types.js';
import { Schema } from './Schema.js';
import { Table } from './Table.js';

export type RowKind = '+I' | '-U' | '+U' | '-D';
export type ChangelogRow = Row & { $rowKind: RowKind };

/** Names a user function may not take: the built-in scalar and aggregate functions. */
const BUILT_IN_FUNCTIONS = [...SCALAR_FUNCTIONS, ...AGGREGATES];

/** Parses a duration option ('10 s', '1min', '500 ms', '2h', a number of ms). */
export function parseDuration(v: string, what: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|milli|millis|s|sec|second|seconds|min|minute|minutes|m|h|hour|hours|d|day|days)?\s*$/i.exec(v);
  if (!m) throw new SqlError(`${what}: cannot read duration '${v}' (e.g. '10 s', '1 min', '500 ms')`);
  const n = Number(m[1]);
  const u = (m[2] ?? 'ms').toLowerCase();
  const f = u.startsWith('ms') || u.startsWith('milli') ? 1 : u === 's' || u.startsWith('sec') ? 1000 : u === 'm' || u.startsWith('min') ? 60_000 : u.startsWith('h') ? 3_600_000 : 86_400_000;
  return n * f;
}

/**
 * Flink's StreamTableEnvironment: SQL and the DataStream API in one job. Tables read streams (fromDataStream,
 * createTemporaryView) and become streams (toDataStream, toChangelogStream); executeSql runs DDL, SET and INSERT INTO.
 */
export class StreamTableEnvironment {
  readonly catalog = new SqlCatalog();
  private viewSeq = 0;
  private constructor(readonly env: StreamExecutionEnvironment) {}

  static create(env: StreamExecutionEnvironment): StreamTableEnvironment {
    return new StreamTableEnvironment(env);
  }

  /** Flink's temporary (system) functions of this environment: scalar functions written in TypeScript. */
  readonly functions = new FunctionCatalog();

  /**
   * Registers a function for SQL (Flink's createTemporarySystemFunction). A scalar function: a function, or an object
   * with `eval(...)` and optionally `resultType` ('DOUBLE', 'STRING', ...); `SELECT name(a, b) FROM t` calls it per
   * row. An aggregate function (Flink's AggregateFunction: createAccumulator, accumulate, retract, merge, getValue)
   * is used in GROUP BY, window and OVER aggregations. A TableFunction is used as `LATERAL TABLE(name(a))`.
   */
  createTemporarySystemFunction(name: string, fn: ScalarFunction | SqlAggregateFunction | TableFunction): void {
    this.functions.register(name, fn, BUILT_IN_FUNCTIONS);
  }

  /** The same as createTemporarySystemFunction: the engine has one catalog and database, so the scopes coincide. */
  createTemporaryFunction(name: string, fn: ScalarFunction | SqlAggregateFunction | TableFunction): void {
    this.createTemporarySystemFunction(name, fn);
  }

  dropTemporarySystemFunction(name: string): boolean {
    return this.functions.drop(name);
  }

  dropTemporaryFunction(name: string): boolean {
    return this.functions.drop(name);
  }

  /**
   * What `CREATE FUNCTION f AS 'module.export'` loads (Flink's class path, for TypeScript): modules by name. A SQL cell
   * gets the TypeScript code cells its CREATE FUNCTION statements name (by title or id), imported as PyFlink imports
   * a Python module for `LANGUAGE PYTHON`.
   */
  readonly functionModules = new Map<string, Record<string, unknown>>();

  /** Flink's CREATE [TEMPORARY] [SYSTEM] FUNCTION: the export is a function, an object with eval, or a class with eval. */
  private createFunction(st: Extract<Statement, { k: 'createFunction' }>): void {
    const at = (m: string) => new SqlError(`CREATE FUNCTION ${st.name}: ${m}`, st.pos.line, st.pos.column);
    if (st.language) throw at(`LANGUAGE ${st.language} functions run on a Flink cluster only; here a function is a TypeScript export: AS 'cell.export' without LANGUAGE`);
    if (st.ifNotExists && this.functions.get(st.name)) return;
    const dot = st.identifier.lastIndexOf('.');
    if (dot <= 0 || dot === st.identifier.length - 1) throw at(`AS '${st.identifier}' must name a module and its export: 'cell.export' (a TypeScript code cell above, by its title or id)`);
    const moduleName = st.identifier.slice(0, dot);
    const exportName = st.identifier.slice(dot + 1);
    const mod = this.functionModules.get(moduleName);
    const known = [...this.functionModules.keys()];
    if (!mod) throw at(`no code cell '${moduleName}' above (a TypeScript code cell, by its title or id)${known.length ? `; known: ${known.join(', ')}` : ''}`);
    let f = mod[exportName];
    if (f === undefined) throw at(`code cell '${moduleName}' exports no '${exportName}'; its exports: ${Object.keys(mod).join(', ') || '(none)'}`);
    // A class with eval (ScalarFunction, TableFunction) or accumulate (AggregateFunction), as Flink's function
    // classes: one instance, as Flink instantiates the class it loads.
    const proto = typeof f === 'function' ? (f as { prototype?: { eval?: unknown; accumulate?: unknown } }).prototype : undefined;
    if (typeof proto?.eval === 'function' || typeof proto?.accumulate === 'function') f = new (f as new () => unknown)();
    try {
      this.functions.register(st.name, f as ScalarFunction, BUILT_IN_FUNCTIONS);
    } catch (e) {
      throw e instanceof SqlError ? at(e.message) : e;
    }
  }

  listUserDefinedFunctions(): string[] {
    return this.functions.names();
  }

  /** Plans a query with this environment's functions visible. */
  private plan(q: Parameters<Planner['query']>[0]): Rel {
    return withFunctions(this.functions, () => this.planner().query(q));
  }

  private planner(): Planner {
    const ttl = this.catalog.options.get('table.exec.state.ttl');
    const reuse = this.catalog.options.get('table.optimizer.reuse-sub-plan-enabled');
    return new Planner(this.env, this.catalog, {
      stateTtlMs: ttl ? parseDuration(ttl, 'table.exec.state.ttl') || undefined : undefined,
      reuseSubPlans: reuse === undefined ? undefined : reuse.toLowerCase() !== 'false',
    });
  }

  /** Applies SET options to the environment (parallelism, checkpoint interval). */
  private applyOption(key: string, value: string): void {
    if (key === 'parallelism.default') {
      const p = Number(value);
      if (!Number.isInteger(p) || p < 1) throw new SqlError(`SET 'parallelism.default': expected a positive integer, got '${value}'`);
      this.env.setParallelism(p);
    } else if (key === 'execution.checkpointing.interval') {
      this.env.enableCheckpointing(parseDuration(value, key));
    } else if (key === 'table.exec.state.ttl') {
      parseDuration(value, key);
    }
  }

  /**
   * Runs one statement: DDL and SET apply to the catalog; INSERT INTO adds its sink (the job runs with env.execute());
   * a query returns its Table. Scripts with several statements run them in order.
   */
  executeSql(sql: string): { table?: Table; explain?: string } {
    let last: { table?: Table; explain?: string } = {};
    for (const st of parseStatements(sql)) last = this.executeStatement(st);
    return last;
  }

  executeStatement(st: Statement): { table?: Table; explain?: string } {
    if (st.k === 'createFunction') {
      this.createFunction(st);
      return {};
    }
    if (st.k === 'dropFunction') {
      if (!this.functions.drop(st.name) && !st.ifExists) throw new SqlError(`function '${st.name}' does not exist`, st.pos.line, st.pos.column);
      return {};
    }
    if (this.catalog.apply(st)) {
      if (st.k === 'set' && st.key !== undefined) {
        try {
          this.applyOption(st.key, st.value ?? '');
        } catch (e) {
          // a bad value names the SET statement's position, as every SQL error does
          throw e instanceof SqlError && e.line === undefined ? new SqlError(e.message, st.pos.line, st.pos.column) : e;
        }
      }
      return {};
    }
    switch (st.k) {
      case 'insert':
        this.insertInto(st.table, new Table(this, this.plan(st.query)), st.pos);
        return {};
      case 'query':
        return { table: new Table(this, this.plan(st.query)) };
      case 'explain':
        return { explain: this.explainStatement(st.inner) };
      default:
        throw new SqlError(`unsupported statement`, st.pos.line, st.pos.column);
    }
  }

  explainStatement(st: Statement): string {
    const scratch = new SqlCatalog();
    for (const [k, v] of this.catalog.entries) scratch.entries.set(k, v);
    if (st.k === 'query') return `== Physical Plan ==\n${this.plan(st.query).explain}`;
    if (st.k === 'insert') return `== Physical Plan ==\nSink(table=[${st.table}])\n${this.plan(st.query).explain.split('\n').map((l) => '  ' + l).join('\n')}`;
    throw new SqlError('EXPLAIN needs a query or INSERT INTO', st.pos.line, st.pos.column);
  }

  /** Plans an already parsed query (describeCatalog reads a view's columns from it). */
  sqlQueryOf(query: Extract<Statement, { k: 'query' }>['query']): Table {
    return new Table(this, this.plan(query));
  }

  /** The plan of a query or INSERT, as text (Flink's tEnv.explainSql). */
  explainSql(sql: string): string {
    const sts = parseStatements(sql);
    const st = sts[sts.length - 1];
    if (!st) throw new SqlError('nothing to explain');
    return this.explainStatement(st.k === 'explain' ? st.inner : st);
  }

  sqlQuery(sql: string): Table {
    const sts = parseStatements(sql);
    if (sts.length !== 1 || sts[0]!.k !== 'query') throw new SqlError('sqlQuery takes one SELECT statement');
    return new Table(this, this.plan((sts[0] as Extract<Statement, { k: 'query' }>).query));
  }

  private insertInto(name: string, table: Table, pos?: { line: number; column: number }): void {
    const e = this.catalog.get(name, pos);
    if (e.kind !== 'table') throw new SqlError(`INSERT INTO ${name}: not a table with a connector`, pos?.line, pos?.column);
    const { spec, encode } = tableSink(e.ddl, table.rel.updating);
    const cols = table.rel.columns.map((c) => c.name);
    const target = e.ddl.columns.filter((c) => !c.computed && !c.metadata).map((c) => c.name);
    if (target.length !== cols.length) throw new SqlError(`INSERT INTO ${name}: the query has ${cols.length} columns, the table ${target.length}`, pos?.line, pos?.column);
    const updating = table.rel.updating;
    // the query's columns are written by position into the table's columns
    const rename = (r: Row): Row => {
      const o: Row = {};
      for (let i = 0; i < cols.length; i++) o[target[i]!] = r[cols[i]!];
      if (updating) o.$rowKind = r.$rowKind;
      return o;
    };
    const rows = table.rel.stream.map((r) => (encode ? encode(rename(r)) : rename(r)) as Row, `encode ${name}`);
    rows.sinkTo(spec, `Sink(${name})`);
  }

  /** Registers a DataStream (or Table) under a name for SQL. */
  createTemporaryView(name: string, source: DataStream<unknown> | Table, schema?: Schema): void {
    const t = source instanceof Table ? source : this.fromDataStream(source, schema);
    const rel = t.rel;
    // the relation itself, not its stream: a query over the view fuses with its Calc (computed columns) and builds
    // only the operators it uses
    this.catalog.entries.set(name, {
      kind: 'stream',
      name,
      get stream() {
        return rel.stream;
      },
      columns: rel.columns,
      updating: rel.updating,
      rel,
    });
  }

  /**
   * A Table over a DataStream of objects. The Schema names its columns and types (JS objects carry no types);
   * columnByMetadata('rowtime', ...) reads each record's timestamp, watermark(..., 'SOURCE_WATERMARK()') keeps the
   * stream's watermarks. Computed columns (columnByExpression) are a Calc over the records: a query inlines their
   * expressions where it reads them, so no row object is made for the table.
   */
  fromDataStream(stream: DataStream<unknown>, schema?: Schema): Table {
    if (!schema || schema.columns.length === 0) throw new SqlError('fromDataStream needs a Schema with columns (Schema.newBuilder().column(name, type)...)');
    const columns: Column[] = [];
    const meta = schema.columns.filter((c) => c.metadata);
    for (const m of meta) if (m.metadata !== 'rowtime') throw new SqlError(`columnByMetadata('${m.name}'): only the 'rowtime' metadata exists on a DataStream`);
    // each column as an expression over the record (after the metadata step): a physical or metadata column reads
    // its field, a computed one its expression with the columns before it inlined
    const proj: { name: string; p: Piece }[] = [];
    let computedCount = 0;
    for (const c of schema.columns) {
      if (c.expression !== undefined) {
        const e = parseExpression(c.expression);
        const scope = new RelScope(columns.map((col, i) => ({ name: col.name, key: col.name, type: col.type, inline: proj[i]!.p })));
        proj.push({ name: c.name, p: withFunctions(this.functions, () => compilePiece(e, scope)) });
        computedCount++;
        const isProc = e.k === 'call' && e.name === 'PROCTIME';
        columns.push({ name: c.name, type: isProc ? 'TIMESTAMP_LTZ(3)' : withFunctions(this.functions, () => typeOf(e, scope)), time: isProc ? 'proctime' : undefined });
      } else {
        const key = c.name;
        proj.push({ name: c.name, p: { js: `r[${JSON.stringify(key)}]`, fn: (r) => r[key], deterministic: true } });
        columns.push({ name: c.name, type: c.type });
      }
    }
    let rows: DataStream<Row>;
    const metaNames = meta.map((m) => m.name);
    if (metaNames.length) {
      // a record's timestamp is not a field of it: the metadata columns are set on a copy
      rows = stream.process<Row>(
        {
          processElement: (v, ctx, out) => {
            const r: Row = { ...(v as Row) };
            const ts = ctx.timestamp();
            for (const m of metaNames) r[m] = ts ?? null;
            out.collect(r);
          },
        },
        'fromDataStream',
      );
    } else rows = stream as DataStream<Row>;
    let explain = `DataStreamScan(fields=[${columns.map((c) => c.name).join(', ')}])`;
    if (schema.watermark) {
      const { column, expression } = schema.watermark;
      const col = columns.find((c) => c.name === column);
      if (!col) throw new SqlError(`watermark('${column}', ...): no such column`);
      col.time = 'rowtime';
      if (!/^\s*SOURCE_WATERMARK\s*\(\s*\)\s*$/i.test(expression)) {
        const e = parseExpression(expression);
        const delay = e.k === 'col' ? 0 : e.k === 'bin' && e.op === '-' && e.r.k === 'interval' ? e.r.ms : NaN;
        if (Number.isNaN(delay)) throw new SqlError(`watermark('${column}', '${expression}'): use SOURCE_WATERMARK() or '${column} - INTERVAL ...'`);
        const ts = proj[columns.indexOf(col)]!.p.fn;
        const strategy = (delay === 0 ? WatermarkStrategy.forMonotonousTimestamps<Row>() : WatermarkStrategy.forBoundedOutOfOrderness<Row>(delay)).withTimestampAssigner((r) => ts(r) as number);
        rows = rows.assignTimestampsAndWatermarks(strategy, `watermark ${column}`);
        explain = `WatermarkAssigner(rowtime=[${column}], watermark=[${expression}])\n  ${explain}`;
      }
    }
    const scan: Rel = { stream: rows, columns, updating: false, explain };
    if (!computedCount) return new Table(this, scan);
    const fused = this.planner().calcOf(scan, proj, `Calc(select=[${columns.map((c) => c.name).join(', ')}])\n  ${explain}`, columns);
    return new Table(this, fused);
  }

  /** An append-only table as a stream of row objects; an updating table is refused, as in Flink. */
  toDataStream(table: Table): DataStream<Row> {
    if (table.rel.updating) throw new SqlError("Table sink 'toDataStream' doesn't support consuming update changes which is produced by the query; use toChangelogStream");
    return table.rel.stream;
  }

  /** Every row with its kind: `{ ...columns, $rowKind: '+I' | '-U' | '+U' | '-D' }`. */
  toChangelogStream(table: Table): DataStream<ChangelogRow> {
    const rel = table.rel;
    if (rel.updating) return rel.stream as unknown as DataStream<ChangelogRow>;
    // an append-only Calc makes its rows: they get their kind where they are made, not by a copy of each
    if (rel.calc?.proj) return calcStream(rel.calc, { $rowKind: '+I' }) as unknown as DataStream<ChangelogRow>;
    return rel.stream.map((r) => ({ ...r, $rowKind: '+I' as RowKind }), 'toChangelogStream');
  }

  /** Rows for display: timestamps formatted as Flink prints them, with their row kind. */
  toDisplayStream(table: Table): DataStream<ChangelogRow> {
    const ts = table.rel.columns.filter((c) => kindOf(c.type) === 'timestamp').map((c) => c.name);
    const updating = table.rel.updating;
    return table.rel.stream.map((r) => {
      const o: Row = { ...r };
      for (const k of ts) if (typeof o[k] === 'number') o[k] = formatTimestamp(o[k] as number);
      if (!updating) o.$rowKind = '+I';
      return o as ChangelogRow;
    }, 'Calc(display)');
  }

  /** Internal: a unique name for an anonymous view. */
  nextViewName(): string {
    return `_view${this.viewSeq++}`;
  }
}

/** Parses a standalone SQL expression (Schema expressions, watermarks); once per text, as a Schema is reused by jobs. */
function parseExpression(text: string) {
  let e = parsedExpressions.get(text);
  if (e) return e;
  const st = parseStatements(`SELECT ${text} FROM t`)[0];
  if (!st || st.k !== 'query' || st.query.items.length !== 1) throw new SqlError(`cannot parse expression '${text}'`);
  e = st.query.items[0]!.e;
  parsedExpressions.set(text, e);
  return e;
}
const parsedExpressions = new Map<string, Expr>();

export type { Rel };
