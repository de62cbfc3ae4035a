import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../testing.js';
import { LOGIN_LIMITS } from './LoginLimiter.js';
import { UserStore } from './UserStore.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
let users: UserStore;

beforeAll(async () => {
  server = await startTestServer();
  users = new UserStore(server.config.stateDir);
  users.add('alice', 'alice-password');
  users.add('carol', 'carol-password');
});
afterAll(async () => {
  await server.close();
});

const login = (name: string, password: string) =>
  fetch(`${server.origin}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, password }) });

/** The longest time the event loop went without running a 5 ms timer while `work` ran, and how long `work` took. */
async function longestStall(work: () => Promise<unknown>): Promise<{ stall: number; total: number }> {
  let last = performance.now();
  let stall = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    stall = Math.max(stall, now - last);
    last = now;
  }, 5);
  const start = performance.now();
  await work();
  const total = performance.now() - start;
  clearInterval(timer);
  return { stall: Math.max(stall, performance.now() - last), total };
}

describe('login', () => {
  it('hashes off the event loop: twenty parallel checks do not stall it', async () => {
    const { stall, total } = await longestStall(() => Promise.all(Array.from({ length: 20 }, (_, i) => users.check(i % 2 ? 'alice' : 'nobody', 'wrong-password'))));
    // With scryptSync the loop was blocked for the whole batch (stall ≈ total).
    expect(stall).toBeLessThan(total / 3);
    expect(await users.check('alice', 'alice-password')).toBe(true);
  });

  it('keeps serving during a storm of 60 wrong passwords, then answers 429 with Retry-After', async () => {
    const timedGet = async () => {
      const t0 = performance.now();
      const r = await fetch(`${server.origin}/api/notebooks`, { headers: { authorization: 'token test-token' } });
      expect(r.status).toBe(200);
      await r.json();
      return performance.now() - t0;
    };
    // Control: the same GET during 60 cheap requests, so the bound is about hashing, not about this machine's load.
    const plain = Promise.all(Array.from({ length: 60 }, () => fetch(`${server.origin}/api/whoami`, { headers: { authorization: 'token test-token' } })));
    const control = await timedGet();
    await plain;
    const storm = Promise.all(Array.from({ length: 60 }, () => login('alice', 'wrong-password')));
    const during = await timedGet();
    const statuses = (await storm).map((r) => r.status);
    console.log(`GET /api/notebooks: ${control.toFixed(0)} ms during 60 cheap requests, ${during.toFixed(0)} ms during 60 wrong logins`);
    // Hashing on the event loop added seconds here (4.7–5.3 s against 1.1 s of control on a loaded machine).
    expect(during).toBeLessThan(control + 2500);
    expect(statuses.filter((s) => s === 401)).toHaveLength(LOGIN_LIMITS.perUser);
    expect(statuses.filter((s) => s === 429)).toHaveLength(60 - LOGIN_LIMITS.perUser);
    const later = await login('alice', 'alice-password');
    expect(later.status).toBe(429);
    expect(Number(later.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await later.json()).error).toMatch(/too many failed logins for this user: try again in \d+ s/);
    // Another user from the same address still logs in (the address has failures left), and
    // guessing across names is bounded per address.
    expect((await login('carol', 'carol-password')).status).toBe(200);
    const spread = await Promise.all(Array.from({ length: 40 }, (_, i) => login(`guess${i}`, 'x')));
    expect(spread.some((r) => r.status === 429)).toBe(true);
    expect((await spread.find((r) => r.status === 429)!.json()).error).toMatch(/from this address/);
  });
});
