// `npm run bench:ui` (second part): event → chart latency in headless Chromium. A job reads 100 K sales records/s,
// aggregates them per month in 1 s tumbling processing-time windows and sends each window's results, stamped with the
// time they were produced, to a live chart; the page records when the frame after each row was applied.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { launchChromium } from '../../../e2e/support/browser.js';
import { startServer } from '../../../e2e/support/server.js';

const RATE = 100_000;
const SECONDS = 15;
const cell = `import { StreamExecutionEnvironment, SalesGenerator, WatermarkStrategy, TumblingProcessingTimeWindows, LiveSink } from '@flowbook/engine';
const env = StreamExecutionEnvironment.getExecutionEnvironment();
env.fromSource(new SalesGenerator({ ratePerSecond: ${RATE} }), WatermarkStrategy.noWatermarks<string>(), 'sales')
  .map((l) => { const f = l.split(','); return { month: f[1]!, profit: Number(f[4]), n: 1 }; })
  .keyBy((s) => s.month)
  .window(TumblingProcessingTimeWindows.of(1000))
  .reduce((a, b) => ({ month: a.month, profit: a.profit + b.profit, n: a.n + b.n }), {
    process(month, ctx, [r], out) { out.collect({ windowEnd: ctx.window.end, month, profit: r!.profit, sales: r!.n, emittedAt: Date.now() }); },
  })
  .sinkTo(new LiveSink('profit'));
await env.execute('latency bench');`;

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
};

const server = await startServer();
const browser = await launchChromium();
try {
  writeFileSync(
    path.join(server.notebooksDir, 'latency-bench.flowbook.json'),
    JSON.stringify({ version: 1, title: 'Latency bench', cells: [{ id: 'job', type: 'code', source: cell, charts: { profit: { type: 'line', x: 'windowEnd', y: ['profit'], series: 'month' } } }] }),
  );
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.addInitScript(() => ((globalThis as { __flowbookLatency?: number[] }).__flowbookLatency = []));
  await page.goto(server.url);
  await page.goto(`${server.origin}/notebook/latency-bench`);
  await page.getByTestId('run-job').click();
  await page.waitForTimeout(3000); // warm-up: JIT, first windows
  await page.evaluate(() => ((globalThis as { __flowbookLatency?: number[] }).__flowbookLatency!.length = 0));
  await page.waitForTimeout(SECONDS * 1000);
  const samples = await page.evaluate(() => [...(globalThis as { __flowbookLatency?: number[] }).__flowbookLatency!]);
  const jobs = (await (await fetch(`${server.origin}/api/v1/jobs`, { headers: { authorization: `token ${server.token}` } })).json()) as { jobs: { recordsIn: number; durationMs: number }[] };
  const job = jobs.jobs[0]!;
  console.table([
    {
      'target events/s': RATE,
      'measured events/s': Math.round(job.recordsIn / (job.durationMs / 1000)),
      'rows charted': samples.length,
      'p50 ms': quantile(samples, 0.5),
      'p95 ms': quantile(samples, 0.95),
      'p99 ms': quantile(samples, 0.99),
      'max ms': Math.max(...samples),
    },
  ]);
} finally {
  await browser.close();
  await server.stop();
}
