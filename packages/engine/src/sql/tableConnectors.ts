import type { DataStream } from '../api/DataStream.js';
import type { StreamExecutionEnvironment } from '../api/StreamExecutionEnvironment.js';
import type { ConnectorSpec } from '../connectors/registry.js';
import { WatermarkStrategy } from '../time/WatermarkStrategy.js';
import type { CreateTable } from './catalog.js';
import { compileExpr, RelScope, typeOf } from './compileExpr.js';
import { SqlError } from './SqlError.js';
import { coerce, type Column } from './types.js';

export type Row = Record<string, unknown>;

/** Connectors a CREATE TABLE may name, with the options each reads (for completion and docs). */
export const TABLE_CONNECTOR_OPTIONS: Record<string, string[]> = {
  datagen: ['rows-per-second', 'number-of-rows', 'fields.#.kind', 'fields.#.min', 'fields.#.max', 'fields.#.length', 'fields.#.start', 'fields.#.end'],
  filesystem: ['path', 'format', 'csv.field-delimiter', 'source.monitor-interval'],
  kafka: ['topic', 'properties.bootstrap.servers', 'properties.group.id', 'scan.startup.mode', 'scan.bounded.mode', 'format', 'value.format'],
  socket: ['hostname', 'port', 'format', 'byte-delimiter'],
  nexmark: ['events.num', 'seed', 'events-per-second', 'out-of-orderness'],
  print: ['print-identifier'],
  blackhole: [],
};

const physical = (ddl: CreateTable) => ddl.columns.filter((c) => c.computed === undefined && c.metadata === undefined);

function fail(ddl: CreateTable, msg: string): never {
  throw new SqlError(`table '${ddl.name}': ${msg}`, ddl.pos.line, ddl.pos.column);
}

/** Parses one external record (JSON object, JSON text, CSV line, raw line) into a row of the physical columns. */
function decoder(ddl: CreateTable, format: string, delimiter: string): (v: unknown) => Row | null {
  const cols = physical(ddl).map((c) => ({ name: c.name, type: c.type ?? 'STRING' }));
  if (format === 'raw') {
    if (cols.length !== 1) fail(ddl, "format 'raw' needs exactly one physical column");
    const name = cols[0]!.name;
    return (v) => ({ [name]: typeof v === 'string' ? v : JSON.stringify(v) });
  }
  if (format === 'csv') {
    return (v) => {
      if (typeof v === 'object' && v !== null) return fromObject(v as Row);
      const parts = String(v).split(delimiter);
      const r: Row = {};
      cols.forEach((c, i) => (r[c.name] = coerce(parts[i], c.type)));
      return r;
    };
  }
  if (format !== 'json') fail(ddl, `format '${format}' is not supported (json, csv, raw)`);
  function fromObject(o: Row): Row {
    const r: Row = {};
    for (const c of cols) r[c.name] = coerce(o[c.name], c.type);
    return r;
  }
  return (v) => {
    if (typeof v === 'string') {
      const t = v.trim();
      if (!t) return null;
      return fromObject(JSON.parse(t) as Row);
    }
    if (typeof v === 'object' && v !== null) return fromObject(v as Row);
    return null;
  };
}

function int(ddl: CreateTable, key: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) fail(ddl, `option '${key}' must be a number, got '${v}'`);
  return n;
}

/** The engine connector behind a table's source, and the decoder of its records. */
function sourceSpec(ddl: CreateTable): { spec: ConnectorSpec; decode?: (v: unknown) => Row | null; name: string } {
  const o = ddl.options;
  const connector = o.connector;
  if (!connector) fail(ddl, "WITH ('connector' = ...) is missing");
  const format = o['value.format'] ?? o.format ?? 'json';
  switch (connector) {
    case 'datagen': {
      const fields = physical(ddl).map((c) => {
        const opt = (k: string) => o[`fields.${c.name}.${k}`];
        const options: Record<string, unknown> = {};
        if (opt('kind')) options.kind = opt('kind');
        for (const k of ['min', 'max', 'length', 'start', 'end']) if (opt(k) !== undefined) options[k] = int(ddl, `fields.${c.name}.${k}`, opt(k));
        return { name: c.name, type: c.type ?? 'STRING', options };
      });
      const config: Record<string, unknown> = { fields };
      if (o['rows-per-second']) config.rowsPerSecond = int(ddl, 'rows-per-second', o['rows-per-second']);
      if (o['number-of-rows']) config.numberOfRows = int(ddl, 'number-of-rows', o['number-of-rows']);
      return { spec: { connector: 'datagen', config }, name: `datagen ${ddl.name}` };
    }
    case 'filesystem': {
      if (!o.path) fail(ddl, "'path' is required for the filesystem connector");
      const fileFormat = format === 'csv' ? 'text' : format === 'json' ? 'text' : 'text';
      const config: Record<string, unknown> = { path: o.path, format: fileFormat };
      if (o['source.monitor-interval']) config.follow = true;
      return { spec: { connector: 'file', config }, decode: decoder(ddl, format, o['csv.field-delimiter'] ?? ','), name: `filesystem ${ddl.name}` };
    }
    case 'kafka': {
      if (!o.topic) fail(ddl, "'topic' is required for the kafka connector");
      const servers = o['properties.bootstrap.servers'];
      if (!servers) fail(ddl, "'properties.bootstrap.servers' is required for the kafka connector");
      const mode = o['scan.startup.mode'] ?? 'group-offsets';
      const startFrom = mode === 'earliest-offset' ? 'earliest' : mode === 'latest-offset' ? 'latest' : mode === 'timestamp' ? { timestamp: int(ddl, 'scan.startup.timestamp-millis', o['scan.startup.timestamp-millis']) ?? 0 } : 'committed';
      const config: Record<string, unknown> = {
        brokers: servers.split(',').map((s) => s.trim()),
        topics: o.topic.split(';').map((s) => s.trim()),
        groupId: o['properties.group.id'] ?? `flowbook-sql-${ddl.name}`,
        startFrom,
        format: format === 'json' ? 'json' : 'string',
        valueOnly: true,
      };
      // Flink's scan.bounded.mode: 'latest-offset' reads up to the end offsets the partitions have at the start, then ends
      const bounded = o['scan.bounded.mode'] ?? 'unbounded';
      if (bounded === 'latest-offset') config.bounded = true;
      else if (bounded !== 'unbounded') fail(ddl, `'scan.bounded.mode' = '${bounded}' is not supported ('unbounded', 'latest-offset')`);
      return { spec: { connector: 'kafka', config }, decode: decoder(ddl, format, o['csv.field-delimiter'] ?? ','), name: `kafka ${ddl.name}` };
    }
    case 'socket': {
      const port = int(ddl, 'port', o.port);
      if (port === undefined) fail(ddl, "'port' is required for the socket connector");
      return { spec: { connector: 'socket-text', config: { host: o.hostname ?? 'localhost', port } }, decode: decoder(ddl, format, o['csv.field-delimiter'] ?? ','), name: `socket ${ddl.name}` };
    }
    case 'nexmark': {
      // Flowbook's Nexmark generator, as the official Nexmark DDL's `datagen` table: event_type and one ROW per kind
      const config: Record<string, unknown> = {};
      if (o['events.num']) config.count = int(ddl, 'events.num', o['events.num']);
      if (o.seed) config.seed = int(ddl, 'seed', o.seed);
      if (o['events-per-second']) config.eventsPerSecond = int(ddl, 'events-per-second', o['events-per-second']);
      if (o['out-of-orderness']) config.outOfOrdernessMs = int(ddl, 'out-of-orderness', o['out-of-orderness']);
      const cols = new Set(physical(ddl).map((c) => c.name));
      return {
        spec: { connector: 'nexmark', config },
        decode: (v) => {
          const e = v as { person?: Row; auction?: Row; bid?: Row };
          const r: Row = { event_type: e.person ? 0 : e.auction ? 1 : 2, person: e.person ?? null, auction: e.auction ?? null, bid: e.bid ?? null };
          for (const k of Object.keys(r)) if (!cols.has(k)) delete r[k];
          return r;
        },
        name: `nexmark ${ddl.name}`,
      };
    }
    case 'print':
    case 'blackhole':
      return fail(ddl, `the ${connector} connector is a sink only; it cannot be read`);
    default:
      return fail(ddl, `connector '${connector}' is not supported (datagen, nexmark, filesystem, kafka, socket, print, blackhole)`);
  }
}

/** The columns a table shows to queries: physical, computed, metadata; time attributes marked. */
export function tableColumns(ddl: CreateTable): Column[] {
  const cols: Column[] = [];
  for (const c of ddl.columns) {
    if (c.computed) {
      const scope = RelScope.of(cols);
      const isProctime = c.computed.k === 'call' && c.computed.name === 'PROCTIME';
      cols.push({ name: c.name, type: isProctime ? 'TIMESTAMP_LTZ(3)' : typeOf(c.computed, scope), time: isProctime ? 'proctime' : undefined });
    } else cols.push({ name: c.name, type: (c.type ?? 'STRING').toUpperCase() });
  }
  if (ddl.watermark) {
    const w = cols.find((c) => c.name === ddl.watermark!.column);
    if (!w) fail(ddl, `WATERMARK FOR ${ddl.watermark.column}: no such column`);
    w.time = 'rowtime';
  }
  return cols;
}

/** Reads a table: its connector's source, decoded rows, computed columns, then its watermark strategy. */
export function tableSource(env: StreamExecutionEnvironment, ddl: CreateTable): { stream: DataStream<Row>; columns: Column[]; explain: string } {
  const columns = tableColumns(ddl);
  const { spec, decode, name } = sourceSpec(ddl);
  let stream: DataStream<unknown> | DataStream<Row> = env.fromSource<unknown>(spec, WatermarkStrategy.noWatermarks(), name);
  const computed = ddl.columns.filter((c) => c.computed).map((c) => ({ name: c.name, fn: compileExpr(c.computed!, RelScope.of(columns)) }));
  const where = `table '${ddl.name}'`;
  if (decode || computed.length) {
    stream = (stream as DataStream<unknown>).flatMap<Row>((v, out) => {
      let r: Row | null;
      try {
        r = decode ? decode(v) : (v as Row);
      } catch (e) {
        throw new Error(`${where}: cannot decode record ${String(v).slice(0, 120)}: ${(e as Error).message}`);
      }
      if (!r) return;
      for (const c of computed) r[c.name] = c.fn(r);
      out.collect(r);
    }, `decode ${ddl.name}`);
  }
  let rows = stream as DataStream<Row>;
  let explain = `TableSourceScan(table=[${ddl.name}], connector=[${ddl.options.connector}], fields=[${columns.map((c) => c.name).join(', ')}])`;
  if (ddl.watermark) {
    const col = ddl.watermark.column;
    const delay = watermarkDelay(ddl);
    const wm = (delay === 0 ? WatermarkStrategy.forMonotonousTimestamps<Row>() : WatermarkStrategy.forBoundedOutOfOrderness<Row>(delay)).withTimestampAssigner((r) => r[col] as number);
    rows = rows.assignTimestampsAndWatermarks(wm, `watermark ${ddl.name}`);
    explain = `WatermarkAssigner(rowtime=[${col}], watermark=[${col} - ${delay} ms])\n  ${explain}`;
  }
  return { stream: rows, columns, explain };
}

/** WATERMARK FOR ts AS ts [- INTERVAL ...]: the bounded out-of-orderness in ms. */
function watermarkDelay(ddl: CreateTable): number {
  const e = ddl.watermark!.e;
  if (e.k === 'col') return 0;
  if (e.k === 'bin' && e.op === '-' && e.l.k === 'col' && e.r.k === 'interval') return e.r.ms;
  return fail(ddl, 'WATERMARK must be `ts` or `ts - INTERVAL ...`');
}

/** The engine sink of a table written by INSERT INTO; `updating` queries need a sink that takes updates. */
export function tableSink(ddl: CreateTable, updating: boolean): { spec: ConnectorSpec; encode?: (r: Row) => unknown } {
  const o = ddl.options;
  const connector = o.connector;
  const format = o['value.format'] ?? o.format ?? 'json';
  const cols = tableColumns(ddl).filter((c) => !ddl.columns.find((d) => d.name === c.name)?.computed);
  const appendOnly = (what: string) => {
    if (updating) fail(ddl, `Table sink '${ddl.name}' (${what}) doesn't support consuming update changes which is produced by the query`);
  };
  switch (connector) {
    case 'print':
      return { spec: { connector: 'print', config: o['print-identifier'] ? { prefix: o['print-identifier'] } : {} } };
    case 'blackhole':
      return { spec: { connector: 'blackhole', config: {} } };
    case 'filesystem':
      appendOnly('filesystem');
      if (!o.path) fail(ddl, "'path' is required for the filesystem connector");
      return {
        spec: { connector: 'file-sink', config: { path: o.path, format: format === 'csv' ? 'csv' : 'jsonl' } },
        encode: (r) => Object.fromEntries(cols.map((c) => [c.name, r[c.name]])),
      };
    case 'kafka': {
      if (updating && !ddl.primaryKey) fail(ddl, "Table sink 'kafka' doesn't support consuming update changes; declare a PRIMARY KEY (upsert)");
      const servers = o['properties.bootstrap.servers'];
      if (!o.topic || !servers) fail(ddl, "'topic' and 'properties.bootstrap.servers' are required for the kafka connector");
      return {
        spec: { connector: 'kafka', config: { brokers: servers.split(','), topic: o.topic, format: format === 'json' ? 'json' : 'string', ...(ddl.primaryKey ? { keyField: ddl.primaryKey[0] } : {}) } },
        encode: (r) => Object.fromEntries(cols.map((c) => [c.name, r[c.name]])),
      };
    }
    default:
      return fail(ddl, `connector '${connector}' cannot be written by INSERT INTO here (print, blackhole, filesystem, kafka)`);
  }
}
