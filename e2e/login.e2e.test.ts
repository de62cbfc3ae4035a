import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeSession, openSession } from './support/session.js';
import { repoRoot, type RunningServer } from './support/server.js';

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  ({ server, browser } = await openSession({ viewport: false }));
  // The documented way to create a user: the CLI, password from the environment.
  execFileSync(process.execPath, [path.join(repoRoot, 'apps/server/dist/cli/users.js'), 'add', 'alice'], {
    env: { ...process.env, FLOWBOOK_STATE_DIR: server.stateDir, FLOWBOOK_PASSWORD: 'correct horse' },
  });
  // Notebooks without roles are the token holder's alone: he opens two samples to every logged-in user.
  for (const [notebook, pub] of [['sales-profit-per-month', 'read'], ['generated-sales', 'run']]) {
    const r = await fetch(`${server.origin}/api/notebooks/${notebook}/permissions`, {
      method: 'PUT',
      headers: { authorization: `token ${server.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ owners: [], public: pub }),
    });
    if (!r.ok) throw new Error(`setting roles: ${r.status}`);
  }
});
afterAll(() => closeSession({ server, browser }));

describe('password login, in Chromium', () => {
  it('refuses a wrong password, logs in with the right one, and logs out', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.origin}/login`);
    await page.getByTestId('login-name').fill('alice');
    await page.getByTestId('login-password').fill('wrong horse');
    await page.getByTestId('login-submit').click();
    await page.getByText('wrong user name or password').waitFor();
    await page.getByTestId('login-password').fill('correct horse');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('notebook-list').getByText('Sales profit per month').waitFor();
    expect(await page.locator('.topbar-user').textContent()).toContain('alice');
    // A runner (here through the public flag) runs the saved cell: the page sends no code, the server runs the file's.
    await page.goto(`${server.origin}/notebook/generated-sales`);
    await page.getByTestId('run-profit').click();
    await expect.poll(() => page.getByTestId('status-profit').textContent(), { timeout: 30_000 }).toMatch(/running|finished/);
    const jobs = await page.evaluate(() => fetch('/api/v1/jobs').then((x) => x.json()));
    expect(jobs.jobs.map((j: { cellId?: string }) => j.cellId)).toContain('profit');
    if ((await page.getByTestId('status-profit').textContent()) === 'running') await page.getByTestId('cancel-profit').click();
    await page.goto(`${server.origin}/`);
    await page.getByRole('link', { name: 'log out' }).click();
    await page.getByTestId('login').waitFor();
    const r = await page.evaluate(() => fetch('/api/notebooks').then((x) => x.status));
    expect(r).toBe(401);
  });
});
