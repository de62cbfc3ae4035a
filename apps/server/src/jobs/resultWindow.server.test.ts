import { beforeAll, describe, expect, it } from 'vitest';
import { useTestServer } from '../testing.js';

const server = useTestServer({ resultPointsPerSeries: 5 });
const headers = { authorization: 'token test-token', 'content-type': 'application/json' };

// Twelve months, a 100 ms window: many rows per series quickly.
const CELL = `import { StreamExecutionEnvironment, SalesGenerator, WatermarkStrategy, TumblingProcessingTimeWindows, LiveSink } from '@flowbook/engine';
const env = StreamExecutionEnvironment.getExecutionEnvironment();
env.fromSource(new SalesGenerator({ ratePerSecond: 5000 }), WatermarkStrategy.noWatermarks<string>(), 'sales')
  .map((l) => ({ month: l.split(',')[1]!, n: 1 }))
  .keyBy((s) => s.month)
  .window(TumblingProcessingTimeWindows.of(100))
  .reduce((a, b) => ({ month: a.month, n: a.n + b.n }))
  .sinkTo(new LiveSink('counts'));
await env.execute('many windows');`;

beforeAll(async () => {
  const nb = { version: 1, title: 'Bounded', cells: [{ id: 'c', type: 'code', source: CELL, charts: { counts: { type: 'line', y: ['n'], series: 'month' } } }] };
  await fetch(`${server.origin}/api/notebooks/bounded`, { method: 'PUT', headers, body: JSON.stringify(nb) });
});

describe('rows kept for late joiners', () => {
  it('are bounded per series of the chart (FLOWBOOK_RESULT_POINTS_PER_SERIES), newest kept', async () => {
    const { jobId } = await (await fetch(`${server.origin}/api/v1/jobs`, { method: 'POST', headers, body: JSON.stringify({ notebook: 'bounded', cellId: 'c' }) })).json();
    const run = server.jobs.byId(jobId)!;
    const end = Date.now() + 15_000;
    while (Date.now() < end && (run.results.get('counts')?.total ?? 0) < 12 * 12) await new Promise((r) => setTimeout(r, 100));
    const kept = run.results.get('counts')!;
    expect(kept.total).toBeGreaterThanOrEqual(12 * 12);
    const perMonth = new Map<unknown, number>();
    for (const r of kept.rows) perMonth.set(r.month, (perMonth.get(r.month) ?? 0) + 1);
    expect(perMonth.size).toBe(12);
    expect(Math.max(...perMonth.values())).toBe(5);
    await fetch(`${server.origin}/api/v1/jobs/${jobId}/cancel`, { method: 'POST', headers });
  });
});
