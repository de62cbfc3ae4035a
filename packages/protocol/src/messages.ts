import { LIMITS } from './limits.js';
import { z } from 'zod';
import { CellId, GraphJson, NotebookName, ParamValue } from './notebook.js';

/**
 * Socket.io messages between server and web. Event names say what the message carries.
 * Client → server events are validated on the server with these schemas; server → client payloads are typed by them.
 */

export const CellRef = z.object({ notebook: NotebookName, cellId: CellId });
export type CellRef = z.infer<typeof CellRef>;

// client → server
export const NotebookJoin = z.object({ notebook: NotebookName });
export type NotebookJoin = z.infer<typeof NotebookJoin>;
export const CellRun = CellRef.extend({
  /** What runs: a code cell's TypeScript, or (pipeline cells) the graph JSON as drawn. */
  source: z.string().max(1_000_000).default(''),
  graph: GraphJson.optional(),
  /** Values of the notebook's and the cell's dynamic forms; the cell's code reads them as `params`. */
  params: z.record(z.string(), ParamValue).default({}),
  /** The series field of each sink's chart: the server keeps the newest rows per series (a memory bound, not a filter). */
  series: z.record(z.string(), z.string()).optional(),
  /** Resume the cell's state: 'latest' (newest complete checkpoint) or the name of a checkpoint or savepoint. */
  restore: z.string().regex(/^(latest|chk-\d+|savepoint-\d+-\d+)$/).optional(),
});
export type CellRun = z.infer<typeof CellRun>;
export const CellCancel = CellRef;
export type CellCancel = z.infer<typeof CellCancel>;

export const CellStatus = z.enum(['ready', 'pending', 'running', 'finished', 'error', 'cancelled']);
export type CellStatus = z.infer<typeof CellStatus>;

// server → client
export const CellStatusMessage = CellRef.extend({
  jobId: z.string().optional(),
  status: CellStatus,
  startedAt: z.number().optional(),
  finishedAt: z.number().optional(),
  error: z.object({ message: z.string(), line: z.number().optional(), column: z.number().optional(), stack: z.string().optional() }).optional(),
  /** Restarts after failures so far (restart strategy), and the last failure's message. */
  restarts: z.number().optional(),
  lastFailure: z.string().optional(),
});
export type CellStatusMessage = z.infer<typeof CellStatusMessage>;

export const Row = z.record(z.string(), z.unknown());
export type Row = z.infer<typeof Row>;

/** New result rows of one live sink of a cell (append mode). */
export const ResultAppend = CellRef.extend({
  sink: z.string(),
  rows: z.array(Row),
  /** Rows the server received for this sink since the job started (rows may be coalesced or trimmed). */
  total: z.number(),
  /** Approximate JSON size of `rows`, so the browser can bound what it keeps by bytes too. */
  bytes: z.number().optional(),
});
export type ResultAppend = z.infer<typeof ResultAppend>;

/** Lines printed by the job (print() sink, console.log in the cell). */
export const CellLog = CellRef.extend({ lines: z.array(z.string()) });
export type CellLog = z.infer<typeof CellLog>;

export const OperatorMetrics = z
  .object({
    nodeId: z.string(),
    type: z.string(),
    name: z.string(),
    /** Subtasks of the node when more than one (their counters are summed; the watermark is the slowest one's). */
    parallelism: z.number().int().positive().optional(),
    recordsIn: z.number(),
    recordsOut: z.number(),
    lateRecordsDropped: z.number(),
    deadLetters: z.number(),
    watermark: z.number().nullable(),
    stateEntries: z.number(),
    /** A job in several slots: batches of this node waiting for credit on exchanges to other slots (backpressure). */
    queuedBatches: z.number().optional(),
    /** ... and how long they have waited in all, in ms. */
    creditWaitMs: z.number().optional(),
  })
  .meta({ id: 'OperatorMetrics' });
export type OperatorMetrics = z.infer<typeof OperatorMetrics>;

export const JobMetrics = CellRef.extend({
  jobId: z.string(),
  recordsIn: z.number(),
  recordsOut: z.number(),
  lateRecordsDropped: z.number(),
  deadLetters: z.number(),
  /** Per operator: records in/out, watermark, state entries (for the job graph). */
  operators: z
    .array(OperatorMetrics)
    .default([]),
  /**
   * Share of the last second the job's thread was busy (0–1). A job runs on one thread, so when it is saturated the
   * sources are the ones held back: this is what Flink shows as backpressure on the upstream tasks.
   */
  busy: z.number().optional(),
});
export type JobMetrics = z.infer<typeof JobMetrics>;

/** Backpressure level from the job thread's busy share: high from 95 % busy, low from 80 % (like Flink's ok / low / high). */
export function backpressureLevel(busy: number | undefined): 'ok' | 'low' | 'high' | undefined {
  if (busy === undefined) return undefined;
  return busy >= 0.95 ? 'high' : busy >= 0.8 ? 'low' : 'ok';
}

/** The socket.io event map, shared by server and web so both sides are typed by one module. */
/** Where a viewer is: which cell they have selected (client → server). */
export const PresenceUpdate = z.object({ notebook: NotebookName, cellId: CellId.optional(), name: z.string().max(40).optional() });
export type PresenceUpdate = z.infer<typeof PresenceUpdate>;

/** Everyone who has a notebook open, and the cell each one is on (server → clients of that notebook). */
export const PresenceList = z.object({
  notebook: NotebookName,
  viewers: z.array(z.object({ id: z.string(), name: z.string(), role: z.enum(['owner', 'user', 'reader']), cellId: z.string().optional() })),
});
export type PresenceList = z.infer<typeof PresenceList>;

/**
 * Co-editing (Yjs, see notebookDoc.ts). Binary Yjs updates travel as socket.io binary attachments; one message is
 * bounded by socket.io's own buffer limit (1 MB), which this schema repeats so the error names it.
 */
export const DOC_MESSAGE_BYTES = 1_000_000;
const YBytes = z
  .custom<Uint8Array>((v) => v instanceof Uint8Array || v instanceof ArrayBuffer, 'expected binary data')
  .transform((v) => (v instanceof Uint8Array ? v : new Uint8Array(v as ArrayBuffer)))
  .refine((v) => v.byteLength <= DOC_MESSAGE_BYTES, `more than ${DOC_MESSAGE_BYTES} bytes`);
/** Client → server: my state vector; the ack carries what I miss and the server's state vector (so I send what it misses). */
export const DocSync = z.object({ notebook: NotebookName, stateVector: YBytes });
export type DocSync = z.infer<typeof DocSync>;
/** Both ways: a Yjs update of the notebook's document. */
export const DocUpdate = z.object({ notebook: NotebookName, update: YBytes });
export type DocUpdate = z.infer<typeof DocUpdate>;
/** Both ways: a y-protocols awareness update (cursors, selections, names). */
export const AwarenessUpdate = DocUpdate;
export type AwarenessUpdate = DocUpdate;
/** Client → server: write the document to its file now (a run waits for it: the server runs the saved cell). */
export const DocFlush = z.object({ notebook: NotebookName });
export type DocFlush = z.infer<typeof DocFlush>;
export type DocSyncAck = (res: { ok: true; update: Uint8Array; stateVector: Uint8Array; canWrite: boolean } | { ok: false; error: string }) => void;
/** Server → client: an update of theirs was refused (role) or could not be applied; they should reload the document. */
export const DocRefused = z.object({ notebook: NotebookName, error: z.string() });
export type DocRefused = z.infer<typeof DocRefused>;
/** Server → clients: the last save of the document failed (or works again: error undefined). */
export const DocSaved = z.object({ notebook: NotebookName, error: z.string().optional(), at: z.number() });
export type DocSaved = z.infer<typeof DocSaved>;

export interface ServerToClientEvents {
  'doc.update': (msg: DocUpdate) => void;
  'doc.refused': (msg: DocRefused) => void;
  'doc.saved': (msg: DocSaved) => void;
  'awareness.update': (msg: AwarenessUpdate) => void;
  presence: (msg: PresenceList) => void;
  'cell.status': (msg: CellStatusMessage) => void;
  'result.append': (msg: ResultAppend) => void;
  'cell.log': (msg: CellLog) => void;
  'job.metrics': (msg: JobMetrics) => void;
}

export type Ack = (res: { ok: true } | { ok: false; error: string }) => void;

export interface ClientToServerEvents {
  'notebook.join': (msg: NotebookJoin, ack?: Ack) => void;
  'cell.run': (msg: CellRun, ack?: Ack) => void;
  'cell.cancel': (msg: CellCancel, ack?: Ack) => void;
  'presence.update': (msg: PresenceUpdate, ack?: Ack) => void;
  'doc.sync': (msg: DocSync, ack?: DocSyncAck) => void;
  'doc.update': (msg: DocUpdate, ack?: Ack) => void;
  'doc.flush': (msg: DocFlush, ack?: Ack) => void;
  'awareness.update': (msg: AwarenessUpdate, ack?: Ack) => void;
}

/** Server keeps at most this many rows per sink for late joiners, and sends at most one message per cell per interval (see limits.ts). */
export const RESULT_COALESCE_MS = LIMITS.resultCoalesceMs;
export const RESULT_ROWS_KEPT = LIMITS.keptRowsPerSeries;
