import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, waitFor } from '../testing.js';

let server: Awaited<ReturnType<typeof startTestServer>>;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

/** Child processes of this process that exited and were never waited for (state Z in /proc/<pid>/stat). */
function zombieChildren(): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .flatMap((pid) => {
      try {
        // "pid (comm) state ppid …": comm may hold spaces, so read after the last ')'.
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return state === 'Z' && Number(ppid) === process.pid ? [Number(pid)] : [];
      } catch {
        return [];
      }
    });
}

describe('cell compilation', () => {
  it('leaves no defunct esbuild process behind after ten cell runs', async () => {
    const before = zombieChildren().length;
    for (let i = 0; i < 10; i++) {
      const ref = { notebook: 'generated-sales', cellId: `z${i}` };
      await server.jobs.run(ref, `const n: number = ${i};\nconsole.log('run', n);`);
      const run = await waitFor(async () => server.jobs.get(ref), (r) => r?.status === 'finished' || r?.status === 'error');
      expect(run!.logs).toEqual([`run ${i}`]);
    }
    // Workers are terminated shortly after their job ends; give them time to go.
    await new Promise((r) => setTimeout(r, 1500));
    expect(zombieChildren().length - before).toBe(0);
  });

  it('still reports compile errors with the cell line', async () => {
    const ref = { notebook: 'generated-sales', cellId: 'broken' };
    await server.jobs.run(ref, 'const a = 1;\nconst b = ;\n');
    const run = await waitFor(async () => server.jobs.get(ref), (r) => r?.status === 'error');
    expect(run!.error).toMatchObject({ line: 2 });
    expect(run!.error!.message).toMatch(/line 2/);
  });
});
