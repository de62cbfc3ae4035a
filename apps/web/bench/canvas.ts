// `npm run bench:ui` (canvas part): frames per second while panning the pipeline canvas with a 200-node pipeline, in
// headless Chromium (CPU only). The pipeline: 40 chains of source → map → filter → keyBy+window → sink.
import { launchChromium } from '../../../e2e/support/browser.js';
import { startServer } from '../../../e2e/support/server.js';

const CHAINS = 40;
const nodes: unknown[] = [];
const edges: unknown[] = [];
for (let c = 0; c < CHAINS; c++) {
  const id = (t: string) => `${t}-${c}`;
  const at = (col: number) => ({ x: col * 260, y: c * 110 });
  nodes.push({ id: id('src'), type: 'source', config: { connector: 'sales-generator', config: { ratePerSecond: 10 } }, position: at(0) });
  nodes.push({ id: id('map'), type: 'map', config: { fn: { code: '(l) => l' } }, position: at(1) });
  nodes.push({ id: id('filter'), type: 'filter', config: { fn: { code: '(l) => true' } }, position: at(2) });
  nodes.push({ id: id('win'), type: 'window', config: { assigner: { kind: 'tumbling', time: 'processing', size: 2000, offset: 0 }, function: { kind: 'reduce', reduce: { code: '(a, b) => a' } } }, position: at(3) });
  nodes.push({ id: id('sink'), type: 'sink', config: { connector: 'print', config: {} }, position: at(4) });
  edges.push({ source: id('src'), target: id('map') }, { source: id('map'), target: id('filter') });
  edges.push({ source: id('filter'), target: id('win'), partitioning: 'hash', keySelector: { code: '(l) => l' } }, { source: id('win'), target: id('sink') });
}
const graph = { version: 1, name: 'big', config: { autoWatermarkInterval: 200, maxParallelism: 128 }, nodes, edges };

const server = await startServer();
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(server.url);
  await page.evaluate((g) => localStorage.setItem('flowbook.pipeline.scratch', JSON.stringify(g)), graph);
  await page.goto(`${server.origin}/pipeline`);
  await page.locator('.react-flow__node').first().waitFor();
  const count = await page.locator('.react-flow__node').count();
  const pane = page.locator('.react-flow__pane');
  const box = (await pane.boundingBox())!;
  // Count animation frames while the pointer drags the pane around for 4 s.
  // A string, not a function: tsx would wrap named functions in a helper the page does not have.
  await page.evaluate(`(() => {
    window.__frames = [];
    window.__stop = false;
    const tick = (t) => { window.__frames.push(t); if (!window.__stop) requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  })()`);
  const transform = () => page.locator('.react-flow__viewport').evaluate((el) => getComputedStyle(el).transform);
  const before = await transform();
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  await page.mouse.move(cx, cy);
  await page.mouse.down();
  const started = Date.now();
  let i = 0;
  while (Date.now() - started < 4000) {
    const a = (i++ / 30) * Math.PI;
    await page.mouse.move(cx + Math.cos(a) * 300, cy + Math.sin(a) * 200, { steps: 2 });
  }
  await page.mouse.up();
  // The drag must have moved the view (panning), not drawn a selection box.
  if ((await transform()) === before) throw new Error('the canvas did not pan');
  const frames = await page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __stop: boolean };
    w.__stop = true;
    return w.__frames;
  });
  const gaps = frames.slice(1).map((t, k) => t - frames[k]!).sort((a, b) => a - b);
  const fps = (frames.length - 1) / ((frames.at(-1)! - frames[0]!) / 1000);
  console.table([{ nodes: graph.nodes.length, 'rendered nodes': count, 'fps while panning': +fps.toFixed(1), 'frame p95 (ms)': +gaps[Math.floor(gaps.length * 0.95)]!.toFixed(1) }]);
} finally {
  await browser.close();
  await server.stop();
}
