import type { z } from 'zod';
import {
  CloseSessionResponseBody,
  ErrorResponseBody,
  ExecuteStatementRequestBody,
  ExecuteStatementResponseBody,
  FetchResultsResponseBody,
  GetInfoResponseBody,
  OpenSessionRequestBody,
  OpenSessionResponseBody,
  OperationStatusResponseBody,
} from './schemas.js';

/** The line of a Flink error that says what went wrong: the deepest "Caused by", without the Java class name. */
export function flinkErrorMessage(errors: string[]): string {
  const text = errors.join('\n');
  const causes = [...text.matchAll(/^(?:Caused by: )?([\w.$]+(?:Exception|Error)): (.+)$/gm)].map((m) => m[2]!.trim());
  const useful = causes.filter((c) => !/^(Failed to (execute|fetch)|Internal server error|Encountered)/i.test(c) || causes.length === 1);
  return (useful.at(-1) ?? causes.at(-1) ?? errors[0] ?? 'unknown error').slice(0, 2000);
}

export class FlinkSqlGatewayError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly errors: string[] = [],
  ) {
    super(message);
    this.name = 'FlinkSqlGatewayError';
  }
}

/**
 * A client of Flink's SQL Gateway REST API v2 (sessions, statements, operations, results). Every request body and
 * every answer is checked against the zod schemas written from the gateway's OpenAPI description.
 */
export class FlinkSqlGatewayClient {
  readonly base: string;

  constructor(url: string) {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`Flink SQL Gateway URL must be http(s): ${url}`);
    this.base = url.replace(/\/+$/, '').replace(/\/v\d+$/, '');
  }

  private async call<S extends z.ZodType>(method: string, path: string, schema: S | undefined, body?: unknown): Promise<z.infer<S>> {
    const url = `${this.base}${path.startsWith('/v2/') ? path : `/v2${path}`}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
        signal: AbortSignal.timeout(60_000),
      });
    } catch (e) {
      throw new FlinkSqlGatewayError(`Flink SQL Gateway at ${this.base} is not reachable: ${(e as Error).cause instanceof Error ? ((e as Error).cause as Error).message : (e as Error).message}`, 0);
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = text === '' ? {} : JSON.parse(text);
    } catch {
      throw new FlinkSqlGatewayError(`Flink SQL Gateway ${method} ${path}: HTTP ${res.status}, not JSON: ${text.slice(0, 200)}`, res.status);
    }
    if (!res.ok) {
      const err = ErrorResponseBody.safeParse(json);
      const errors = err.success ? err.data.errors : [text.slice(0, 2000)];
      throw new FlinkSqlGatewayError(flinkErrorMessage(errors), res.status, errors);
    }
    if (!schema) return json as z.infer<S>;
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new FlinkSqlGatewayError(`Flink SQL Gateway ${method} ${path}: unexpected answer (${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')})`, res.status);
    return parsed.data;
  }

  info() {
    return this.call('GET', '/info', GetInfoResponseBody);
  }

  async openSession(properties: Record<string, string> = {}, sessionName?: string): Promise<string> {
    const body = OpenSessionRequestBody.parse({ properties, ...(sessionName !== undefined ? { sessionName } : {}) });
    return (await this.call('POST', '/sessions', OpenSessionResponseBody, body)).sessionHandle;
  }

  closeSession(session: string) {
    return this.call('DELETE', `/sessions/${session}`, CloseSessionResponseBody);
  }

  async executeStatement(session: string, statement: string, executionConfig?: Record<string, string>): Promise<string> {
    const body = ExecuteStatementRequestBody.parse({ statement, ...(executionConfig ? { executionConfig } : {}) });
    return (await this.call('POST', `/sessions/${session}/statements`, ExecuteStatementResponseBody, body)).operationHandle;
  }

  /** One batch of results: `token` 0 first, then the token of `nextResultUri` (absent at the end). */
  fetchResults(session: string, operation: string, token: number): Promise<FetchResultsResponseBody> {
    return this.call('GET', `/sessions/${session}/operations/${operation}/result/${token}?rowFormat=JSON`, FetchResultsResponseBody);
  }

  operationStatus(session: string, operation: string) {
    return this.call('GET', `/sessions/${session}/operations/${operation}/status`, OperationStatusResponseBody);
  }

  cancelOperation(session: string, operation: string) {
    return this.call('POST', `/sessions/${session}/operations/${operation}/cancel`, OperationStatusResponseBody);
  }

  /** Closing a query's operation cancels its Flink job. */
  closeOperation(session: string, operation: string) {
    return this.call('DELETE', `/sessions/${session}/operations/${operation}/close`, OperationStatusResponseBody);
  }
}

/** The token in a `nextResultUri` (`/v2/sessions/s/operations/o/result/7?rowFormat=JSON` → 7). */
export function nextToken(nextResultUri: string | undefined): number | undefined {
  if (nextResultUri === undefined) return undefined;
  const m = /\/result\/(\d+)/.exec(nextResultUri);
  if (!m) throw new FlinkSqlGatewayError(`Flink SQL Gateway: cannot read the token of nextResultUri ${nextResultUri}`, 200);
  return Number(m[1]);
}
