import { SqlError } from '../../sql/SqlError.js';
import { jobLogger } from '../kafka/client.js';
import type { SourceContext, SourceFunction } from '../SourceFunction.js';
import { FlinkSqlGatewayClient, FlinkSqlGatewayError, nextToken } from './FlinkSqlGatewayClient.js';
import type { FlinkSqlGatewayConfig } from './flinkSqlGateway.js';
import type { FetchResultsResponseBody } from './schemas.js';

const ROW_KIND = { INSERT: '+I', UPDATE_BEFORE: '-U', UPDATE_AFTER: '+U', DELETE: '-D' } as const;

/** Flink's JSON timestamps ("2024-01-01T10:00:00", "… 10:00:00.5") in the engine's display form "2024-01-01 10:00:00.000". */
export function displayTimestamp(v: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.(\d+))?(Z)?$/.exec(v);
  if (!m) return v;
  const time = m[2]!.length === 5 ? `${m[2]}:00` : m[2]!;
  return `${m[1]} ${time}.${(m[3] ?? '').padEnd(3, '0').slice(0, 3)}`;
}

/** A Flink error that points into a statement ("From line 2, column 6 to ..."): the line in the cell's SQL. */
function sqlErrorOf(e: unknown, statement: { line: number; where?: string }): Error {
  if (!(e instanceof FlinkSqlGatewayError)) return e as Error;
  const m = /(?:From line|at line) (\d+), column (\d+)/.exec(e.message) ?? /(?:From line|at line) (\d+), column (\d+)/.exec(e.errors.join('\n'));
  const message = `Flink: ${e.message}`;
  if (statement.where) return new SqlError(`${statement.where}: ${message}`);
  return m ? new SqlError(message, statement.line + Number(m[1]) - 1, Number(m[2])) : new SqlError(message, statement.line);
}

/**
 * Runs SQL statements on an Apache Flink cluster through its SQL Gateway and emits the changelog of the last one
 * (a query) as rows with `$rowKind`, like the embedded engine's SQL results. Cancelling closes the operation, which
 * cancels the Flink job; the session is closed when the source ends.
 */
export class FlinkSqlGatewaySourceFunction implements SourceFunction<Record<string, unknown>> {
  private running = true;
  private client: FlinkSqlGatewayClient;
  private session: string | undefined;
  private operation: string | undefined;

  constructor(private readonly config: FlinkSqlGatewayConfig) {
    this.client = new FlinkSqlGatewayClient(config.url);
  }

  async run(ctx: SourceContext<Record<string, unknown>>): Promise<void> {
    const c = this.config;
    const log = jobLogger(ctx.services);
    this.session = await this.client.openSession({ 'execution.runtime-mode': 'streaming', ...(c.jobName ? { 'pipeline.name': c.jobName } : {}), ...c.properties }, c.jobName);
    try {
      const all = [...c.catalog.map((text, i) => ({ text, line: 1, where: `in catalog statement ${i + 1}` })), ...c.statements];
      for (let i = 0; i < all.length && this.running && ctx.isRunning(); i++) {
        const st = all[i]!;
        const last = i === all.length - 1;
        try {
          this.operation = await this.client.executeStatement(this.session, st.text);
          await this.drain(ctx, last ? (rows, first) => this.emit(ctx, rows, first) : undefined, log);
        } catch (e) {
          if (!this.running) return;
          throw sqlErrorOf(e, st);
        }
        const op = this.operation;
        this.operation = undefined;
        await this.client.closeOperation(this.session, op).catch(() => {});
      }
    } finally {
      await this.close();
    }
  }

  /** Fetches an operation's results until EOS (or cancel); `onRows` gets each payload's rows. */
  private async drain(ctx: SourceContext<Record<string, unknown>>, onRows: ((r: FetchResultsResponseBody, first: boolean) => void) | undefined, log: (line: string) => void) {
    let token: number | undefined = 0;
    let first = true;
    let jobLogged = false;
    while (token !== undefined && this.running && ctx.isRunning()) {
      const r = await this.client.fetchResults(this.session!, this.operation!, token);
      if (r.jobID && !jobLogged) {
        jobLogged = true;
        log(`Flink job ${r.jobID} (SQL Gateway ${this.client.base})`);
      }
      if (r.resultType === 'EOS') return;
      if (r.resultType === 'PAYLOAD' && r.results) {
        onRows?.(r, first);
        first = false;
        // An INSERT's answer is its job id: the job keeps running on Flink, the statement is done.
        if (r.isQueryResult === false && r.jobID) return;
      }
      const next = nextToken(r.nextResultUri);
      if (next === token || r.resultType === 'NOT_READY' || r.results?.data.length === 0) await ctx.sleep(this.config.pollIntervalMs);
      token = next;
    }
  }

  private emit(ctx: SourceContext<Record<string, unknown>>, r: FetchResultsResponseBody, _first: boolean): void {
    const cols = r.results!.columns;
    const ts = cols.map((col) => /^TIMESTAMP/.test(col.logicalType.type));
    const rows = r.results!.data.map((d) => {
      const o: Record<string, unknown> = {};
      cols.forEach((col, i) => {
        const v = d.fields[i];
        o[col.name] = ts[i] && typeof v === 'string' ? displayTimestamp(v) : v;
      });
      o.$rowKind = ROW_KIND[d.kind];
      return o;
    });
    if (rows.length > 0) ctx.collectBatch(rows);
  }

  private async close(): Promise<void> {
    const { session, operation } = this;
    this.session = this.operation = undefined;
    if (session === undefined) return;
    // Closing the operation cancels its Flink job; closing the session drops its tables.
    if (operation !== undefined) await this.client.closeOperation(session, operation).catch(() => {});
    await this.client.closeSession(session).catch(() => {});
  }

  cancel(): void {
    this.running = false;
    const { session, operation } = this;
    if (session !== undefined && operation !== undefined) void this.client.closeOperation(session, operation).catch(() => {});
  }
}
