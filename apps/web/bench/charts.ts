// `npm run bench:ui`: frames per second and update → frame latency of live charts in headless Chromium (CPU only),
// SVG (Recharts) against the canvas renderer (uPlot) on the same data in the same run. Needs `npm run build` first.
import { launchChromium } from '../../../e2e/support/browser.js';
import { startServer } from '../../../e2e/support/server.js';

const cases = [
  { series: 10, points: 1000, hz: 10, renderer: 'svg' },
  { series: 10, points: 1000, hz: 10, renderer: 'auto' },
  { series: 20, points: 2000, hz: 20, renderer: 'auto' },
  { series: 2, points: 500, hz: 10, renderer: 'svg' },
];

const server = await startServer();
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(server.url);
  const results = [];
  for (const c of cases) {
    await page.goto(`${server.origin}/bench/charts?series=${c.series}&points=${c.points}&hz=${c.hz}&renderer=${c.renderer}`);
    await page.getByTestId('bench-chart').waitFor();
    await page.waitForTimeout(1000); // warm-up
    await page.evaluate(() => (window as unknown as { __chartBenchReset?: () => void }).__chartBenchReset?.());
    await page.waitForTimeout(5000);
    const r = (await page.evaluate(() => (window as unknown as { __chartBench: () => unknown }).__chartBench())) as Record<string, number>;
    const renderer = await page.getByTestId('bench-chart').getAttribute('data-renderer');
    results.push({ case: `${c.series}×${c.points} @${c.hz}Hz`, renderer: renderer ?? 'svg', fps: r.fps!.toFixed(1), p50: r.p50!.toFixed(0), p95: r.p95!.toFixed(0), p99: r.p99!.toFixed(0) });
  }
  console.table(results);
} finally {
  await browser.close();
  await server.stop();
}
