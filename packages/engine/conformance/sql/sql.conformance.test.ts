// Runs the SQL conformance cases in *.json: each ports a test of Flink's own SQL integration tests (named in
// "ports": inputs from Flink's TestData, the query, the expected rows). Inputs go through the Table API
// (fromDataStream with SOURCE_WATERMARK()) from a source that emits each row with its timestamp and then the watermark
// Flink's bounded-out-of-orderness generator would emit after it, so late rows are late exactly as in Flink.
// Rows print as Flink's Row.toString does (timestamps as LocalDateTime, DECIMAL with its scale, DOUBLE with ".0"), and
// compare sorted, as the ITCases compare sink.getAppendResults / getRetractResults.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseStatements } from '../../src/sql/catalog.js';
import { z } from 'zod';
import '../../src/connectors/index.js';
import { StreamExecutionEnvironment } from '../../src/api/StreamExecutionEnvironment.js';
import { registerConnector } from '../../src/connectors/registry.js';
import type { SourceContext } from '../../src/connectors/SourceFunction.js';
import { Schema } from '../../src/table/Schema.js';
import { StreamTableEnvironment } from '../../src/table/StreamTableEnvironment.js';
import { WatermarkStrategy } from '../../src/time/WatermarkStrategy.js';
import { kindOf, parseTimestamp, type Column } from '../../src/sql/types.js';

interface DataSet {
  /** Physical columns, as `name TYPE` (Flink's DDL of the ITCase). */
  columns: [string, string][];
  /** The column whose value is the row's event time (a timestamp text), if the table has a rowtime. */
  timeOf?: string;
  /** The rowtime attribute: a column with the record's timestamp (columnByMetadata), as the DDL's computed rowtime. */
  rowtime?: string;
  /** A processing-time attribute column (`PROCTIME()`), if the table has one. */
  proctime?: string;
  /** Bounded out-of-orderness of the watermark (the DDL's `rowtime - INTERVAL ...`), ms. */
  watermarkDelayMs?: number;
  /** Rows, or `{ "$watermark": ms }` entries: then watermarks are exactly those (Flink's Either Left/Right test data). */
  rows: (unknown[] | { $watermark: number })[];
}

interface Case {
  name: string;
  ports: string;
  description?: string;
  /** Tables of the query: name → data set name in data.json. */
  tables: Record<string, string>;
  /** Statements run before the query (views, SET). */
  setup?: string[];
  query: string;
  /** `append`: every emitted row; `retract`: the final rows after applying the changelog (TestingRetractSink). */
  mode?: 'append' | 'retract';
  /** The rows must come in this order (ORDER BY on a time attribute), not only as this multiset. */
  ordered?: boolean;
  expected: string[];
}

const dir = path.dirname(fileURLToPath(import.meta.url));
const data = JSON.parse(readFileSync(path.join(dir, 'data.json'), 'utf8')) as Record<string, DataSet>;
const cases: Case[] = readdirSync(dir)
  .filter((f) => f.endsWith('.json') && f !== 'data.json')
  .sort()
  .flatMap((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as Case[]);

/** Emits each row with its timestamp, then the watermark max(ts) - delay when it advances (Flink SQL WATERMARK ts - INTERVAL, and the ITCases' TimestampAndWatermarkWithOffset). */
registerConnector({
  name: 'conformanceRows',
  description: 'SQL conformance input with exact watermarks',
  configSchema: z.object({ rows: z.array(z.unknown()), timestamps: z.array(z.number()).optional(), delay: z.number(), explicit: z.boolean().optional() }),
  emitsWatermarks: true,
  bounded: () => true,
  byReference: ['rows', 'timestamps'],
  createSource: (c: { rows: unknown[]; timestamps?: number[]; delay: number; explicit?: boolean }) => ({
    async run(ctx: SourceContext) {
      let max = -Infinity;
      c.rows.forEach((r, i) => {
        const wm = (r as { $watermark?: number }).$watermark;
        if (wm !== undefined) return ctx.emitWatermark(wm);
        const ts = c.timestamps?.[i];
        if (ts === undefined) return ctx.collect(r);
        ctx.collectWithTimestamp(r, ts);
        if (ts > max && !c.explicit) {
          max = ts;
          ctx.emitWatermark(max - c.delay);
        }
      });
    },
    cancel() {},
  }),
});

/** Flink's LocalDateTime.toString: seconds and fractions only when not zero. */
function localDateTime(ms: number): string {
  const iso = new Date(ms).toISOString().slice(0, 23); // yyyy-MM-ddTHH:mm:ss.SSS
  if (iso.endsWith(':00.000')) return iso.slice(0, 16);
  if (iso.endsWith('.000')) return iso.slice(0, 19);
  return iso;
}

function show(v: unknown, type: string): string {
  if (v === null || v === undefined) return 'null';
  const t = type.toUpperCase();
  if (kindOf(t) === 'timestamp' && typeof v === 'number') return localDateTime(v);
  if (/^(DOUBLE|FLOAT|REAL)\b/.test(t) && typeof v === 'number') return Number.isInteger(v) ? `${v}.0` : String(v);
  const dec = /^DECIMAL\s*\(\s*\d+\s*,\s*(\d+)\s*\)/.exec(t);
  if (dec && typeof v === 'number') return v.toFixed(Number(dec[1]));
  return String(v);
}

function rowText(r: Record<string, unknown>, columns: Column[]): string {
  return columns.map((c) => show(r[c.name], c.type)).join(',');
}

async function runCase(c: Case): Promise<string[]> {
  const env = new StreamExecutionEnvironment();
  env.setParallelism(1);
  const tEnv = StreamTableEnvironment.create(env);
  for (const [name, id] of Object.entries(c.tables)) {
    const ds = data[id];
    if (!ds) throw new Error(`${c.name}: no data set ${id}`);
    const explicit = ds.rows.some((row) => !Array.isArray(row));
    const objects = ds.rows.map((row) => (Array.isArray(row) ? Object.fromEntries(ds.columns.map(([n], i) => [n, row[i] ?? null])) : row));
    const timestamps = ds.timeOf ? objects.map((o) => parseTimestamp((o as Record<string, unknown>)[ds.timeOf!]) ?? 0) : undefined;
    const stream = env.fromSource<Record<string, unknown>>({ connector: 'conformanceRows', config: { rows: objects, timestamps, delay: ds.watermarkDelayMs ?? 0, explicit } }, WatermarkStrategy.noWatermarks(), name);
    let schema = Schema.newBuilder();
    for (const [n, t] of ds.columns) schema = schema.column(n, t);
    if (ds.rowtime) schema = schema.columnByMetadata(ds.rowtime, 'TIMESTAMP(3)').watermark(ds.rowtime, 'SOURCE_WATERMARK()');
    if (ds.proctime) schema = schema.columnByExpression(ds.proctime, 'PROCTIME()');
    tEnv.createTemporaryView(name, stream, schema.build());
  }
  for (const s of c.setup ?? []) tEnv.executeSql(s);
  const table = tEnv.sqlQuery(c.query);
  const columns = table.getResolvedSchema().columns;
  const out = await tEnv.toChangelogStream(table).executeAndCollect();
  if ((c.mode ?? 'append') === 'append') {
    if (table.isUpdating()) throw new Error(`${c.name}: the query is updating; use mode "retract"`);
    const rows = out.map((r) => rowText(r, columns));
    return c.ordered ? rows : rows.sort();
  }
  // TestingRetractSink: +I/+U add a row, -U/-D remove one equal row
  const rows: string[] = [];
  for (const r of out) {
    const text = rowText(r, columns);
    if (r.$rowKind === '+I' || r.$rowKind === '+U') rows.push(text);
    else {
      const i = rows.indexOf(text);
      if (i < 0) throw new Error(`${c.name}: retraction of a row never emitted: ${text}`);
      rows.splice(i, 1);
    }
  }
  return c.ordered ? rows : rows.sort();
}

describe('Flink SQL conformance', () => {
  // the first parse loads dt-sql-parser's grammar (seconds on a busy machine): not inside a test's time
  beforeAll(() => void parseStatements('SELECT a FROM t'), 120_000);
  it(`has at least 40 cases (has ${cases.length})`, () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });
  for (const c of cases) {
    it(`${c.name} (${c.ports})`, async () => {
      expect(await runCase(c)).toEqual(c.ordered ? c.expected : [...c.expected].sort());
    });
  }
});
