import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));
const bin = path.resolve(here, '../../bin/flowbook.mjs');
const notebooks = path.resolve(here, '../../../../notebooks');
const exec = promisify(execFile);

// Event-time windows of 30 s sliding by 5 s with a 5 s watermark delay: the first averages need some seconds. The sales
// sample starts a server cell and a socket source that retries every 500 ms before its 2 s windows fire: 10 s, as in the README.
const TIMEOUT: Record<string, string> = { 'iot-sensors': '14s', 'sales-profit-per-month': '10s' };

describe('every sample notebook runs headless (flowbook run --timeout)', () => {
  const samples = readdirSync(notebooks).filter((f) => f.endsWith('.flowbook.json'));

  it.each(samples)('%s produces results', { timeout: 120_000 }, async (file, ctx) => {
    const nb = JSON.parse(readFileSync(path.join(notebooks, file), 'utf8')) as { cells: { id: string; type: string; source?: string; graph?: unknown }[] };
    const producing = nb.cells.filter((c) => (c.type === 'code' && c.source?.includes('LiveSink')) || (c.type === 'pipeline' && JSON.stringify(c.graph).includes('"live"')));
    // The CLI skips SQL cells until the engine runs SQL: a notebook of SQL cells only has nothing to check here.
    if (producing.length === 0 && nb.cells.some((c) => c.type === 'sql')) return ctx.skip();
    const name = file.replace(/\.flowbook\.json$/, '');
    const out = mkdtempSync(path.join(tmpdir(), `flowbook-sample-${name}-`));
    const r = await exec(process.execPath, [bin, 'run', path.join(notebooks, file), '--output', out, '--timeout', TIMEOUT[name] ?? '6s']).catch((e) => e);
    expect(r.stderr).toBe('');
    expect(r.code ?? 0).toBe(0);
    // Every runnable cell with a live sink wrote rows.
    expect(producing.length).toBeGreaterThan(0);
    for (const c of producing) {
      const dir = path.join(out, c.id);
      const rows = existsSync(dir) ? readdirSync(dir).flatMap((f) => readFileSync(path.join(dir, f), 'utf8').trim().split('\n').filter(Boolean)) : [];
      expect(rows.length, `cell ${c.id} of ${file}`).toBeGreaterThan(0);
    }
  });
});
