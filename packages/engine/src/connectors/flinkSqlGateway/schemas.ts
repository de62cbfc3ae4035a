import { z } from 'zod';

// Flink SQL Gateway REST API v2, from Flink's published OpenAPI (docs/static/generated/rest_v2_sql_gateway.yml).
// Where the gateway's JSON differs from the generated description (Flink serializes ResultInfo and ColumnInfo with
// its own Jackson serializers: `columns` not `columnInfos`, `logicalType.type` not `typeRoot`, `isQueryResult` not
// `queryResult`, rows as {kind, fields}), these follow what a Flink 2.3 gateway sends: it is checked by the test.

export const RowFormat = z.enum(['JSON', 'PLAIN_TEXT']);
export const RowKind = z.enum(['INSERT', 'UPDATE_BEFORE', 'UPDATE_AFTER', 'DELETE']);
export const ResultType = z.enum(['NOT_READY', 'PAYLOAD', 'EOS']);
export const ResultKind = z.enum(['SUCCESS', 'SUCCESS_WITH_CONTENT']);
const Handle = z.string().uuid();
const JobID = z.string().regex(/^[0-9a-f]{32}$/);

export const OpenSessionRequestBody = z.object({ properties: z.record(z.string(), z.string()).optional(), sessionName: z.string().optional() }).strict();
export const OpenSessionResponseBody = z.object({ sessionHandle: Handle });
export const ExecuteStatementRequestBody = z
  .object({ statement: z.string(), executionTimeout: z.number().int().optional(), executionConfig: z.record(z.string(), z.string()).optional() })
  .strict();
export const ExecuteStatementResponseBody = z.object({ operationHandle: Handle });
export const OperationStatusResponseBody = z.object({ status: z.string() });
export const CloseSessionResponseBody = z.object({ status: z.string() });
export const GetInfoResponseBody = z.object({ productName: z.string(), version: z.string() });

export interface LogicalType {
  type: string;
  nullable: boolean;
  [k: string]: unknown;
}
export const LogicalType: z.ZodType<LogicalType> = z.looseObject({ type: z.string(), nullable: z.boolean() });
export const ColumnInfo = z.object({ name: z.string(), logicalType: LogicalType, comment: z.string().nullable().optional() });
export const RowData = z.object({ kind: RowKind, fields: z.array(z.unknown()) });
export const ResultInfo = z.object({ columns: z.array(ColumnInfo), rowFormat: RowFormat, data: z.array(RowData) });

export const FetchResultsResponseBody = z.object({
  resultType: ResultType,
  isQueryResult: z.boolean().optional(),
  jobID: JobID.nullable().optional(),
  resultKind: ResultKind.optional(),
  results: ResultInfo.optional(),
  nextResultUri: z.string().optional(),
});
export type FetchResultsResponseBody = z.infer<typeof FetchResultsResponseBody>;

/** What the gateway answers with a 4xx/5xx: Flink's REST ErrorResponseBody, the Java stack traces as strings. */
export const ErrorResponseBody = z.object({ errors: z.array(z.string()) });
