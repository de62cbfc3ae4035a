import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openApi } from './apiV1.js';

const require = createRequire(import.meta.url);
const config = fileURLToPath(new URL('../../redocly.yaml', import.meta.url));

describe('the OpenAPI document', () => {
  const doc = openApi() as { servers: unknown[]; paths: Record<string, Record<string, { operationId?: string; responses: Record<string, unknown>; requestBody?: unknown }>> };
  const operations = Object.values(doc.paths).flatMap((p) => Object.values(p));

  it('has servers, an operationId for every operation, and 4XX responses everywhere', () => {
    expect(doc.servers.length).toBeGreaterThan(0);
    const ids = operations.map((o) => o.operationId);
    expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    for (const o of operations) expect(Object.keys(o.responses).some((c) => /^4\d\d$/.test(c)), o.operationId).toBe(true);
    const clear = doc.paths['/api/v1/notebooks/{name}/clear-outputs']!.post!;
    expect(clear.requestBody).toMatchObject({ content: { 'application/json': { schema: { $ref: '#/components/schemas/ClearOutputsRequest' } } } });
    expect(clear.responses['200']).toMatchObject({ content: { 'application/json': { schema: { $ref: '#/components/schemas/ClearOutputsResult' } } } });
    expect(doc.paths['/api/v1/jobs/{id}/checkpoints']!.get!.responses['200']).toMatchObject({ content: { 'application/json': { schema: { $ref: '#/components/schemas/CheckpointHistory' } } } });
  });

  // @redocly/cli (pinned devDependency) with telemetry and update checks off: it reads only the local file and config.
  it('is clean under redocly lint (recommended-strict rules: warnings count as errors)', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'flowbook-openapi-')), 'openapi.json');
    writeFileSync(file, JSON.stringify(doc, null, 2));
    const cli = require.resolve('@redocly/cli/bin/cli.js');
    const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(
        process.execPath,
        [cli, 'lint', file, '--config', config, '--format', 'json'],
        { env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' } },
        (err, out) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout: out }),
      );
    });
    const report = JSON.parse(stdout) as { totals: { errors: number; warnings: number; ignored: number }; problems: { message: string }[] };
    expect(report.problems.map((p) => p.message)).toEqual([]);
    expect(report.totals).toEqual({ errors: 0, warnings: 0, ignored: 0 });
    expect(code).toBe(0);
  }, 60_000);
});
