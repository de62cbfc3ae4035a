import { describe, expect, it } from 'vitest';
import { flinkErrorMessage, FlinkSqlGatewayClient, nextToken } from './FlinkSqlGatewayClient.js';
import { displayTimestamp } from './FlinkSqlGatewaySourceFunction.js';
import { FetchResultsResponseBody } from './schemas.js';

describe('Flink SQL Gateway client helpers', () => {
  it('parses an answer a Flink 2.3 gateway sent (recorded) with the OpenAPI-derived schema', () => {
    const body = {
      resultType: 'PAYLOAD',
      isQueryResult: true,
      jobID: '010e9544c2020ff1a819df21a5d68788',
      resultKind: 'SUCCESS_WITH_CONTENT',
      results: {
        columns: [
          { name: 'k', logicalType: { type: 'CHAR', nullable: false, length: 1 }, comment: null },
          { name: 'c', logicalType: { type: 'BIGINT', nullable: false }, comment: null },
        ],
        rowFormat: 'JSON',
        data: [
          { kind: 'INSERT', fields: ['a', 1] },
          { kind: 'UPDATE_BEFORE', fields: ['a', 1] },
          { kind: 'UPDATE_AFTER', fields: ['a', 2] },
        ],
      },
      nextResultUri: '/v2/sessions/6d84ec1e-2fdc-48f9-9b5f-ff96733f519a/operations/d8494c5b-a5c9-4efc-8f5d-9b18dca048f8/result/2?rowFormat=JSON',
    };
    const r = FetchResultsResponseBody.parse(body);
    expect(r.results!.data.map((d) => d.kind)).toEqual(['INSERT', 'UPDATE_BEFORE', 'UPDATE_AFTER']);
    expect(nextToken(r.nextResultUri)).toBe(2);
    expect(nextToken(undefined)).toBeUndefined();
    expect(FetchResultsResponseBody.safeParse({ ...body, resultType: 'DONE' }).success).toBe(false);
  });

  it("shows timestamps as the engine's results do", () => {
    expect(displayTimestamp('2024-01-01 10:00:00')).toBe('2024-01-01 10:00:00.000');
    expect(displayTimestamp('2024-01-01T10:00:00.5')).toBe('2024-01-01 10:00:00.500');
    expect(displayTimestamp('2024-01-01 10:00:00.123456')).toBe('2024-01-01 10:00:00.123');
    expect(displayTimestamp('not a time')).toBe('not a time');
  });

  it("takes the deepest cause of a Flink error, without Java's class names", () => {
    const errors = [
      'org.apache.flink.table.gateway.api.utils.SqlGatewayException: Failed to fetchResults.\n' +
        'Caused by: org.apache.flink.table.api.ValidationException: SQL validation failed. From line 2, column 6 to line 2, column 11: Object \'clickz\' not found\n\tat x.y(Z.java:1)',
    ];
    expect(flinkErrorMessage(errors)).toBe("SQL validation failed. From line 2, column 6 to line 2, column 11: Object 'clickz' not found");
  });

  it('refuses a gateway URL that is not http(s)', () => {
    expect(() => new FlinkSqlGatewayClient('file:///etc/passwd')).toThrow(/http/);
    expect(new FlinkSqlGatewayClient('http://h:8083/v2/').base).toBe('http://h:8083');
  });
});
