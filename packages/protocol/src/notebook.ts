import { LIMITS } from './limits.js';
import { z } from 'zod';
import { GRAPH_LIMITS, withinLimits } from './payloadLimits.js';
import { StoredPipelineGraph } from './graph.js';

/** Current notebook file format version. Older files are migrated on load (see migrate.ts). */
export const NOTEBOOK_VERSION = 1;

export const ChartType = z.enum(['line', 'bar', 'area', 'pie', 'scatter', 'table', 'number']);
export type ChartType = z.infer<typeof ChartType>;

/** How the rows of one key (and group) are combined into a value, as in Zeppelin's pivot. */
export const Aggregation = z.enum(['sum', 'count', 'avg', 'min', 'max']);
export type Aggregation = z.infer<typeof Aggregation>;

/**
 * How live rows make up the result: 'append' keeps every row (windowed results: each window adds rows); 'update' keeps
 * only the latest row per `updateKey` (keyed aggregates that are re-emitted as they change).
 */
export const ResultMode = z.enum(['append', 'update']);
export type ResultMode = z.infer<typeof ResultMode>;

/**
 * How a cell's result rows are drawn: Zeppelin-like keys / groups / values. Every field added after the first release
 * has a default or is optional, so settings saved by older versions still parse.
 */
export const ChartSettings = z.object({
  /** 'number' is the single-value view: the latest value of one field, large. */
  type: ChartType.default('line'),
  /** Field on the x axis (a key). */
  x: z.string().optional(),
  /** Fields drawn as values. */
  y: z.array(z.string()).default([]),
  /** Aggregation of each value, by position in `y`; a missing entry means 'sum'. */
  aggs: z.array(Aggregation).default([]),
  /** Field whose distinct values become separate series (a group); null: no groups (undefined: inferred from the rows). */
  series: z.string().nullable().optional(),
  mode: ResultMode.default('append'),
  /** Fields identifying a row in 'update' mode; empty: the key and group fields. */
  updateKey: z.array(z.string()).default([]),
  /** Field shown by the single-value view; undefined: the first value. */
  valueField: z.string().optional(),
});
export type ChartSettings = z.infer<typeof ChartSettings>;

export const CellId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'cell ids are 1-64 letters, digits, _ or -');

/** A cell's title, shown above it (Zeppelin's paragraph title). */
const CellTitle = z.string().max(500).optional();

export const MarkdownCell = z.object({
  id: CellId,
  type: z.literal('markdown'),
  title: CellTitle,
  source: z.string(),
  /** 'raw': shown as plain text, never rendered (Jupyter's raw cells). */
  format: z.enum(['markdown', 'raw']).optional(),
});

/** A dynamic form input (Zeppelin's dynamic forms): shown above the cell; the code reads `params.<name>`. */
export const ParamValue = z.union([z.string(), z.number(), z.boolean()]);
export type ParamValue = z.infer<typeof ParamValue>;
export const ParamDef = z.object({
  name: z.string().regex(/^[A-Za-z_$][\w$]*$/, 'parameter names are identifiers'),
  type: z.enum(['text', 'number', 'select', 'checkbox', 'date']),
  label: z.string().optional(),
  default: ParamValue,
  /** Choices of a select. */
  options: z.array(z.string()).optional(),
});
export type ParamDef = z.infer<typeof ParamDef>;

/** Rows kept per sink in a saved notebook: enough to redraw the chart on reopen, bounded so files stay small. */
export const SAVED_ROWS_PER_SINK = LIMITS.savedRowsPerSink;

/** A code cell's last run as saved with the notebook (written by the server when the job ends). */
/**
 * The language of a code cell. Only TypeScript runs here; the others come from imports (Zeppelin's interpreters, Jupyter
 * kernels) and are kept, shown and exported as they are, for porting.
 */
export const CodeLanguage = z.enum(['typescript', 'python', 'scala', 'java', 'sql', 'sh', 'r', 'html', 'other']);
export type CodeLanguage = z.infer<typeof CodeLanguage>;

/** Bounds on imported outputs, so an imported notebook stays a file a browser can load. */
export const STATIC_OUTPUT_LIMITS = { perCell: 50, textChars: 200_000, htmlChars: 500_000, imageBase64Chars: 4_000_000, tableRows: 1000, tableColumns: 200 } as const;

/**
 * A result saved by another tool and imported with the notebook (Zeppelin's TEXT / TABLE / HTML results, Jupyter's
 * outputs): shown under the cell as it was, until the cell runs here. HTML is sanitized where it is shown.
 */
export const StaticOutput = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('text'), text: z.string().max(STATIC_OUTPUT_LIMITS.textChars) }),
  z.object({
    kind: z.literal('table'),
    columns: z.array(z.string().max(1000)).max(STATIC_OUTPUT_LIMITS.tableColumns),
    rows: z.array(z.array(z.string().max(10_000)).max(STATIC_OUTPUT_LIMITS.tableColumns)).max(STATIC_OUTPUT_LIMITS.tableRows),
  }),
  z.object({ kind: z.literal('html'), html: z.string().max(STATIC_OUTPUT_LIMITS.htmlChars) }),
  z.object({
    kind: z.literal('image'),
    mime: z.enum(['image/png', 'image/jpeg', 'image/gif']),
    /** Base64, without the `data:` prefix. */
    data: z.string().max(STATIC_OUTPUT_LIMITS.imageBase64Chars).regex(/^[A-Za-z0-9+/=\s]*$/, 'image data is base64'),
  }),
  z.object({ kind: z.literal('error'), name: z.string().max(1000), message: z.string().max(STATIC_OUTPUT_LIMITS.textChars), traceback: z.string().max(STATIC_OUTPUT_LIMITS.textChars).optional() }),
]);
export type StaticOutput = z.infer<typeof StaticOutput>;

export const CellOutputs = z.object({
  status: z.enum(['finished', 'error', 'cancelled']),
  startedAt: z.number(),
  finishedAt: z.number(),
  error: z.object({ message: z.string(), line: z.number().optional(), column: z.number().optional() }).optional(),
  results: z.record(z.string(), z.object({ rows: z.array(z.record(z.string(), z.unknown())).max(SAVED_ROWS_PER_SINK), total: z.number() })).default({}),
  logs: z.array(z.string()).default([]),
  /** Results imported from another tool (see StaticOutput); a run here replaces them. */
  static: z.array(StaticOutput).max(STATIC_OUTPUT_LIMITS.perCell).optional(),
});
export type CellOutputs = z.infer<typeof CellOutputs>;

export const CodeCell = z.object({
  id: CellId,
  type: z.literal('code'),
  title: CellTitle,
  /** Only TypeScript runs; cells of other languages are imported ones waiting to be ported. */
  language: CodeLanguage.default('typescript'),
  source: z.string(),
  /** Chart settings per live sink name ('result' when the sink has no name). */
  charts: z.record(z.string(), ChartSettings).default({}),
  /** Dynamic form inputs of this cell, and their current values (saved, as Zeppelin does). */
  params: z.array(ParamDef).optional(),
  paramValues: z.record(z.string(), ParamValue).optional(),
  /** The last run's results; the server owns this field (clients' copies are ignored on save). */
  outputs: CellOutputs.optional(),
});

/**
 * A pipeline drawn on the canvas: its PipelineGraph (graph.ts, migrated on load; the engine validates what the schema
 * cannot, such as operator configs). It runs like a code cell: live sinks, charts, dead letters, checkpoints.
 */
/** A pipeline graph from a file or a client: its size and depth checked before anything walks it, then the graph schema. */
export const GraphJson = withinLimits(GRAPH_LIMITS, StoredPipelineGraph);

export const PipelineCell = z.object({
  id: CellId,
  type: z.literal('pipeline'),
  title: CellTitle,
  graph: GraphJson,
  charts: z.record(z.string(), ChartSettings).default({}),
  params: z.array(ParamDef).optional(),
  paramValues: z.record(z.string(), ParamValue).optional(),
  outputs: CellOutputs.optional(),
});

/**
 * How a SQL cell shows its result, as Zeppelin's %flink.ssql(type=...): one value (with an optional template such as
 * `{0} orders`), the current materialized table (retractions applied), or rows as they come.
 */
export const SqlMode = z.enum(['single', 'update', 'append']);
export type SqlMode = z.infer<typeof SqlMode>;

/** Flink SQL statements (DDL, SET, queries, INSERT INTO), run on the embedded engine or on a Flink SQL Gateway. */
export const SqlCell = z.object({
  id: CellId,
  type: z.literal('sql'),
  title: CellTitle,
  source: z.string(),
  mode: SqlMode.default('update'),
  /** For mode single: how the value is shown; {0}, {1}, ... are the row's columns. */
  template: z.string().max(2000).optional(),
  charts: z.record(z.string(), ChartSettings).default({}),
  params: z.array(ParamDef).optional(),
  paramValues: z.record(z.string(), ParamValue).optional(),
  outputs: CellOutputs.optional(),
});

/** A result-only view of another cell's live output (Zeppelin's "chart" of a paragraph), with its own chart settings. */
export const ChartCell = z.object({
  id: CellId,
  type: z.literal('chart'),
  title: CellTitle,
  /** The cell and the live sink shown; unset until chosen. */
  of: z.object({ cellId: CellId, sink: z.string() }).optional(),
  settings: ChartSettings.optional(),
});

export const Cell = z.discriminatedUnion('type', [MarkdownCell, CodeCell, PipelineCell, SqlCell, ChartCell]);
export type Cell = z.infer<typeof Cell>;
export type MarkdownCell = z.infer<typeof MarkdownCell>;
export type CodeCell = z.infer<typeof CodeCell>;
export type PipelineCell = z.infer<typeof PipelineCell>;
export type ChartCell = z.infer<typeof ChartCell>;
export type SqlCell = z.infer<typeof SqlCell>;
/** Cells that run a job (code, pipeline or SQL): they have charts, forms and outputs. */
export type RunnableCell = CodeCell | PipelineCell | SqlCell;
export const isRunnable = (c: Cell): c is RunnableCell => c.type === 'code' || c.type === 'pipeline' || c.type === 'sql';
/** Runnable cells that run here: all but code cells of other languages than TypeScript (imported, waiting for porting). */
export const runsHere = (c: Cell): c is RunnableCell => isRunnable(c) && !(c.type === 'code' && c.language !== 'typescript');

/** The series (group) field of each sink's chart settings, where one is set. */
export function seriesOf(cell: RunnableCell): Record<string, string> {
  return Object.fromEntries(Object.entries(cell.charts).flatMap(([sink, s]) => (typeof s.series === 'string' ? [[sink, s.series]] : [])));
}

/** One output on the dashboard: a code cell's live sink, placed on a 12-column grid. */
export const DashboardItem = z.object({
  cellId: CellId,
  sink: z.string().min(1),
  title: z.string().optional(),
  /** Width in grid columns (1-12) and height in rows of 100 px. */
  w: z.number().int().min(1).max(12).default(6),
  h: z.number().int().min(1).max(12).default(3),
});
export type DashboardItem = z.infer<typeof DashboardItem>;

export const Dashboard = z.object({ items: z.array(DashboardItem).default([]) });
export type Dashboard = z.infer<typeof Dashboard>;

export const Notebook = z.object({
  version: z.literal(NOTEBOOK_VERSION),
  title: z.string().min(1),
  description: z.string().optional(),
  cells: z.array(Cell),
  /** Notebook-wide dynamic form inputs, visible to every cell as `params.<name>` (a cell's own win). */
  params: z.array(ParamDef).optional(),
  paramValues: z.record(z.string(), ParamValue).optional(),
  /** The layout of `/dashboard/<notebook>`: chosen outputs, live, read-only. */
  dashboard: Dashboard.optional(),
});
export type Notebook = z.infer<typeof Notebook>;

/** A notebook's name: its path relative to the notebooks folder, without `.flowbook.json`. */
export const NotebookName = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9_-][A-Za-z0-9 _.-]*(\/[A-Za-z0-9_-][A-Za-z0-9 _.-]*)*$/, 'notebook names use letters, digits, space, _ . - and / between folders')
  .refine((s) => !s.split('/').some((part) => part === '..' || part === '.' || part.endsWith('.')), 'notebook names may not contain . or .. segments');
export type NotebookName = z.infer<typeof NotebookName>;

export const NotebookSummary = z.object({ name: NotebookName, title: z.string() });
export type NotebookSummary = z.infer<typeof NotebookSummary>;

/** A notebook file that could not be loaded: the file is named, the problem said. */
export const NotebookLoadError = z.object({ file: z.string(), message: z.string() });
export type NotebookLoadError = z.infer<typeof NotebookLoadError>;

export const NotebookList = z
  .object({
    notebooks: z.array(NotebookSummary),
    errors: z.array(NotebookLoadError),
  })
  .meta({ id: 'NotebookList' });
export type NotebookList = z.infer<typeof NotebookList>;
