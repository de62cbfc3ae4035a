/**
 * Every bound on what jobs send towards browsers, in one place. Results and logs pass four hops — the job's worker (rows
 * waiting for the next flush), the JobManager (rows kept for clients that join later), each socket message, and the
 * browser's store — and each hop is bounded by rows AND by bytes (approximate JSON size), so neither a fast job nor a
 * job of huge records can grow the server or a tab without bound. A record larger than RECORD_BYTES_MAX is cut for
 * display at the first hop, with a `__truncated` note saying so.
 */
export const LIMITS = {
  /** Result rows go out at most once per interval per cell (coalesced in the worker). */
  resultCoalesceMs: 50,
  /** One record shown: larger ones are cut to this size, with a note. */
  recordBytes: 64 * 1024,
  /** Per sink, rows waiting in the worker for the next flush: the newest kept. */
  workerPendingRows: 5000,
  workerPendingBytes: 4 * 1024 * 1024,
  /** Per cell, result bytes sent per second (with a burst of one second): a slow browser or socket is not flooded. */
  resultBytesPerSecond: 4 * 1024 * 1024,
  /**
   * Per chart series of each sink, rows the JobManager keeps for clients that join later; and per sink, bytes — no more
   * than one socket message, since a joining client gets them replayed in one.
   */
  keptRowsPerSeries: 1000,
  keptBytesPerSink: 4 * 1024 * 1024,
  /** One `result.append` socket message. */
  messageRows: 20_000,
  messageBytes: 4 * 1024 * 1024,
  /** Per sink, rows the browser keeps (charts draw the last 1,000 x values per series; a dozen series need more). */
  browserRows: 20_000,
  browserBytes: 32 * 1024 * 1024,
  /** Per sink, rows saved with the notebook when a cell's run ends. */
  savedRowsPerSink: 1000,
  /** Log lines: waiting in the worker, kept by the JobManager, kept by the browser, saved with the notebook and in a job's REST detail, shown under a cell. */
  logLines: { workerPending: 1000, kept: 500, browser: 500, saved: 200, shown: 50 },
  /** One log line, in characters: longer ones are cut with a note. */
  logLineChars: 4000,
  /** A data tap's value, in characters of JSON. */
  tapValueChars: 4000,
} as const;

/**
 * Approximate JSON size of a value in bytes (string lengths, not escapes or UTF-8 widths), walking at most until `cap`:
 * cheap for a record holding one huge string, which is the case that matters.
 */
export function approxJsonBytes(value: unknown, cap = Number.POSITIVE_INFINITY): number {
  let n = 0;
  const walk = (v: unknown, depth: number): void => {
    if (n > cap) return;
    if (typeof v === 'string') n += v.length + 2;
    else if (typeof v === 'number' || typeof v === 'bigint') n += 8;
    else if (typeof v === 'boolean' || v === null || v === undefined) n += 5;
    else if (typeof v === 'object') {
      if (depth > 32) return void (n += 16);
      if (Array.isArray(v)) {
        n += 2;
        for (const x of v) {
          walk(x, depth + 1);
          n += 1;
          if (n > cap) return;
        }
      } else {
        n += 2;
        for (const k in v as Record<string, unknown>) {
          n += k.length + 4;
          walk((v as Record<string, unknown>)[k], depth + 1);
          if (n > cap) return;
        }
      }
    }
  };
  walk(value, 0);
  return n;
}

function formatBytes(b: number): string {
  return b >= 1024 * 1024 ? `${(b / 1024 / 1024).toFixed(1)} MB` : `${Math.round(b / 1024)} KB`;
}

/**
 * A record cut for display to about `maxBytes`: numbers and booleans stay, long strings and large nested values are cut
 * to their share of the budget, and `__truncated` says what happened ("record of 12.3 MB cut to 64 KB").
 */
export function truncateRecord(row: Record<string, unknown>, bytes: number, maxBytes: number = LIMITS.recordBytes): Record<string, unknown> {
  const keys = Object.keys(row);
  const share = Math.max(16, Math.floor((maxBytes - 64) / Math.max(1, keys.length)));
  const out: Record<string, unknown> = { __truncated: `record of ${formatBytes(bytes)} cut to ${formatBytes(maxBytes)}` };
  for (const k of keys) {
    const v = row[k];
    if (typeof v === 'string') out[k] = v.length > share ? `${v.slice(0, share)}…` : v;
    else if (v !== null && typeof v === 'object') {
      if (approxJsonBytes(v, share) <= share) out[k] = v;
      else {
        let json: string;
        try {
          json = JSON.stringify(v) ?? String(v);
        } catch {
          json = String(v);
        }
        out[k] = `${json.slice(0, share)}…`;
      }
    } else out[k] = v;
  }
  return out;
}

/** Drops the oldest rows (and their sizes) until both bounds hold; returns the bytes left. */
export function trimOldest(rows: unknown[], sizes: number[], bytes: number, maxRows: number, maxBytes: number): number {
  let drop = Math.max(0, rows.length - maxRows);
  let left = bytes;
  for (let i = 0; i < drop; i++) left -= sizes[i]!;
  while (drop < rows.length - 1 && left > maxBytes) left -= sizes[drop++]!;
  if (drop > 0) {
    rows.splice(0, drop);
    sizes.splice(0, drop);
  }
  return left;
}

/** A log line cut to LIMITS.logLineChars, saying how long it was. */
export function truncateLogLine(line: string): string {
  return line.length > LIMITS.logLineChars ? `${line.slice(0, LIMITS.logLineChars)}… (line of ${line.length} characters cut)` : line;
}
