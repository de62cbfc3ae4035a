// Co-editing latency (`npx tsx apps/web/bench/coedit.ts`, after `npm run build`): 5 users, each in their own browser
// context, on a notebook of 50 code cells. All five type at once, each in their own cell, ~10 keys/s; every page
// records when each key is pressed and when the frame after each other user's key appeared in its editor. The
// latency is from the keydown in one browser to the next animation frame showing it in another (same machine clock).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { launchChromium } from '../../../e2e/support/browser.js';
import { startServer } from '../../../e2e/support/server.js';

const USERS = 5;
const CELLS = 50;
const KEYS = Number(process.env.COEDIT_KEYS ?? 60);
const KEY_DELAY_MS = 100;
/** COEDIT_PROFILE=dir: a CPU profile of the second page (Chromium's Profiler) and of the server (--cpu-prof) go there. */
const PROFILE = process.env.COEDIT_PROFILE;
/** COEDIT_WEB_DIR=dir: serve another build of the page (e.g. a copy of apps/web/dist before a change), for an A/B. */
const WEB_DIR = process.env.COEDIT_WEB_DIR;

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
};

const cells = Array.from({ length: CELLS }, (_, i) => ({ id: `c${i}`, type: 'code', source: `// cell ${i}\nconst x${i} = ${i};\n`, charts: {} }));
/**
 * COEDIT_SPACING: cells between two typists' cells (default 10: each typist's cell is off the others' screens, shown
 * by the static view; 1: all five typed cells are on everyone's screen, in live editors).
 */
const SPACING = Number(process.env.COEDIT_SPACING ?? 10);
const typists = Array.from({ length: USERS }, (_, u) => `c${u * SPACING}`);

type TraceEvent = { ph: string; name: string; dur?: number; tid: number; args?: { name?: string } };
const traceEvents: TraceEvent[] = [];
type Win = typeof globalThis & { __typed: number[]; __seen: Record<string, { len: number; t: number }[]>; __base: Record<string, number> };

if (PROFILE) mkdirSync(PROFILE, { recursive: true });
const server = await startServer(WEB_DIR ? { FLOWBOOK_WEB_DIR: path.resolve(WEB_DIR) } : {}, PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(PROFILE)}`] : []);
const browser = await launchChromium();
try {
  writeFileSync(path.join(server.notebooksDir, 'coedit-bench.flowbook.json'), JSON.stringify({ version: 1, title: 'Co-edit bench', cells }));
  const pages: Page[] = [];
  for (let u = 0; u < USERS; u++) {
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    const page = await context.newPage();
    // Five pages of fifty editors on a shared machine load slowly: the bench measures typing, not loading.
    page.setDefaultTimeout(240_000);
    page.setDefaultNavigationTimeout(240_000);
    await page.goto(server.url);
    await page.goto(`${server.origin}/notebook/coedit-bench`);
    // The last cell's code, as a live editor or (off screen, since editors are made for visible cells only) a static view.
    await page.getByTestId(`cell-c${CELLS - 1}`).locator('.view-lines, .code-static').first().waitFor();
    pages.push(page);
  }
  // Observers: each page watches the typists' cells and records when their text grew, at the next frame.
  for (const page of pages) {
    await page.evaluate((ids) => {
      const w = globalThis as Win;
      w.__typed = [];
      w.__seen = {};
      w.__base = {};
      document.addEventListener('keydown', () => w.__typed.push(Date.now()), true);
      for (const id of ids) {
        // No named functions in here: tsx's __name helper does not exist in the page.
        // The cell's code box holds a live editor or a static view (off screen), and may switch between them while
        // the page scrolls: the characters shown are counted in either, without line breaks (Monaco has none).
        const box = document.querySelector(`[data-testid="cell-${id}"] .editor`)!;
        w.__seen[id] = [];
        w.__base[id] = (box.querySelector('.view-lines') ?? box.querySelector('.code-static'))?.textContent?.replace(/\n/g, '').length ?? 0;
        let last = w.__base[id]!;
        new MutationObserver(() => {
          const n = (box.querySelector('.view-lines') ?? box.querySelector('.code-static'))?.textContent?.replace(/\n/g, '').length ?? 0;
          if (n <= last) return;
          last = n;
          requestAnimationFrame(() => w.__seen[id]!.push({ len: n, t: Date.now() }));
        }).observe(box, { subtree: true, childList: true, characterData: true });
      }
    }, typists);
  }
  const cdp = PROFILE ? await pages[1]!.context().newCDPSession(pages[1]!) : undefined;
  if (cdp) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
    await cdp.send('Profiler.start');
    // And a trace of the same page: where the time outside JavaScript goes (style, layout, paint).
    cdp.on('Tracing.dataCollected', (e) => traceEvents.push(...(e.value as unknown as TraceEvent[])));
    await cdp.send('Tracing.start', { categories: 'devtools.timeline', transferMode: 'ReportEvents' });
  }
  // Everyone types at once, letters only (no auto-closing brackets), at the end of their own cell.
  await Promise.all(
    pages.map(async (page, u) => {
      // Scrolled to, a cell gets its live editor (cells off screen have a static view); typing starts once it has the focus.
      const cell = page.getByTestId(`cell-${typists[u]}`);
      await cell.scrollIntoViewIfNeeded();
      await cell.locator('.monaco-editor .view-lines').click();
      await cell.locator('.monaco-editor.focused').waitFor();
      await page.keyboard.press('Control+End');
      const base = await page.evaluate((id) => (globalThis as Win).__base[id]!, typists[u]!);
      await page.evaluate((b) => ((globalThis as Win).__typed = []), base);
      for (let k = 0; k < KEYS; k++) await page.keyboard.type('abcdefghij'[k % 10]!, { delay: KEY_DELAY_MS });
    }),
  );
  await pages[0]!.waitForTimeout(3000);
  if (cdp) {
    const { profile } = await cdp.send('Profiler.stop');
    writeFileSync(path.join(PROFILE!, 'page.cpuprofile'), JSON.stringify(profile));
    const done = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
    await cdp.send('Tracing.end');
    await done;
    // Time per trace event name (complete events, nested ones counted in each), per thread of the page's renderer.
    const names = new Map(traceEvents.filter((e) => e.ph === 'M' && e.name === 'thread_name').map((e) => [e.tid, String(e.args?.name)]));
    const byThread = new Map<number, Map<string, number>>();
    for (const e of traceEvents) {
      if (e.ph !== 'X' || !e.dur) continue;
      let m = byThread.get(e.tid);
      if (!m) byThread.set(e.tid, (m = new Map()));
      m.set(e.name, (m.get(e.name) ?? 0) + e.dur / 1000);
    }
    const busiest = [...byThread].sort((x, y) => Math.max(...y[1].values()) - Math.max(...x[1].values())).slice(0, 3);
    for (const [tid, main] of busiest) {
      console.log(names.get(tid) ?? `thread ${tid}`);
      console.table([...main].sort((x, y) => y[1] - x[1]).slice(0, 12).map(([name, ms]) => ({ name, ms: Math.round(ms) })));
    }
  }
  const latencies: number[] = [];
  let missing = 0;
  for (let u = 0; u < USERS; u++) {
    const id = typists[u]!;
    const typed = await pages[u]!.evaluate(() => (globalThis as Win).__typed);
    for (let v = 0; v < USERS; v++) {
      if (v === u) continue;
      const { seen, base } = await pages[v]!.evaluate((cell) => ({ seen: (globalThis as Win).__seen[cell]!, base: (globalThis as Win).__base[cell]! }), id);
      typed.forEach((t, k) => {
        const shown = seen.find((s) => s.len >= base + k + 1);
        if (shown) latencies.push(shown.t - t);
        else missing++;
      });
    }
  }
  // The file has every key of every user.
  const saved = (await (await fetch(`${server.origin}/api/notebooks/coedit-bench`, { headers: { authorization: `token ${server.token}` } })).json()) as { notebook: { cells: { id: string; source: string }[] } };
  const typedChars = typists.map((id) => saved.notebook.cells.find((c) => c.id === id)!.source.length - cells.find((c) => c.id === id)!.source.length);
  console.table([
    {
      web: WEB_DIR ?? 'apps/web/dist',
      users: USERS,
      cells: CELLS,
      'keys per user': KEYS,
      spacing: SPACING,
      samples: latencies.length,
      missing,
      'p50 ms': quantile(latencies, 0.5),
      'p95 ms': quantile(latencies, 0.95),
      'p99 ms': quantile(latencies, 0.99),
      'max ms': Math.max(...latencies),
      'chars saved per user': typedChars.join(' '),
    },
  ]);
} finally {
  await browser.close();
  await server.stop();
}
