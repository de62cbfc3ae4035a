import { execFile, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));

describe('SQL expressions without code generation', () => {
  it('a process with --disallow-code-generation-from-strings compiles expressions to closures with the same results', () => {
    const script = `
      import { compileExpr, RelScope } from ${JSON.stringify(path.join(here, 'compileExpr.ts'))};
      import { parseStatements } from ${JSON.stringify(path.join(here, 'catalog.ts'))};
      const q = parseStatements("SELECT CASE WHEN a > 1 THEN UPPER(s) ELSE 'small' END, a * 2 + 1, s LIKE 'h%', a IN (1, 3), r.x FROM t")[0].query;
      const scope = RelScope.of([{ name: 'a', type: 'INT' }, { name: 's', type: 'STRING' }, { name: 'r', type: 'ROW<x INT>' }]);
      const fns = q.items.map((i) => compileExpr(i.e, scope));
      console.log(JSON.stringify([{ a: 3, s: 'hi', r: { x: 7 } }, { a: 1, s: 'yo', r: null }].map((row) => fns.map((f) => f(row)))));
    `;
    const child = spawnSync(process.execPath, ['--disallow-code-generation-from-strings', '--conditions=development', '--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 120_000 });
    expect(child.stderr).not.toMatch(/Error/);
    expect(JSON.parse(child.stdout.trim().split('\n').pop()!)).toEqual([
      ['HI', 7, true, true, 7],
      ['small', 3, false, true, null],
    ]);
  }, 120_000);

  it('window and updating aggregates, window and regular joins give the same rows with and without code generation', async () => {
    // the compiled accumulators, keys, joined rows and pair conditions against their closure fallbacks (every row of
    // the changelogs, retractions included, as multisets)
    const script = `
      import '../connectors/index.js';
      import { punctuatedTable } from ${JSON.stringify(path.join(here, '../testing/punctuatedTable.ts'))};
      const rows = [];
      for (let i = 0; i < 60; i++) rows.push({ k: 'k' + (i % 4), v: i % 7 === 0 ? null : (i * 37) % 11, ts: 1000 + i * 700 });
      const tvf = "TABLE(TUMBLE(TABLE T, DESCRIPTOR(rowtime), INTERVAL '5' SECOND))";
      const agg = "SELECT k, window_start AS st, window_end AS en, COUNT(*) AS n, SUM(v) AS s, AVG(v) AS a, MIN(v) AS lo, MAX(v) FILTER (WHERE v > 3) AS hi FROM " + tvf + " GROUP BY k, window_start, window_end";
      const queries = [
        "SELECT k, COUNT(v), SESSION_START(rowtime, INTERVAL '1' SECOND) FROM T GROUP BY k, SESSION(rowtime, INTERVAL '1' SECOND)",
        "SELECT L.k, L.st, L.n, R.hi FROM (" + agg + ") L JOIN (" + agg + ") R ON L.k = R.k AND L.st = R.st AND L.en = R.en AND L.n >= R.lo",
        "SELECT A.k, A.v, B.v FROM T A JOIN T B ON A.k = B.k AND A.v = B.v + 1",
        // an updating aggregation over an updating one: accumulate and retract
        "SELECT n, COUNT(*), SUM(n), AVG(s) FROM (SELECT k, COUNT(*) AS n, SUM(v) AS s, MAX(v) AS m FROM T GROUP BY k) GROUP BY n",
      ];
      const out = [];
      for (const q of queries) {
        const tEnv = punctuatedTable(rows, [['k', 'STRING'], ['v', 'INT']]);
        const got = await tEnv.toChangelogStream(tEnv.sqlQuery(q)).executeAndCollect();
        out.push(got.map((r) => JSON.stringify(r)).sort());
      }
      console.log(JSON.stringify(out));
    `;
    // both processes at once: most of each one's time is starting up
    const run = (flags: string[]) =>
      new Promise<string[][]>((resolve, reject) => {
        execFile(process.execPath, [...flags, '--conditions=development', '--import', 'tsx', '--input-type=module', '-e', script], { cwd: here, encoding: 'utf8', timeout: 120_000 }, (err, stdout, stderr) => {
          if (err || /Error/.test(stderr)) reject(err ?? new Error(stderr));
          else resolve(JSON.parse(stdout.trim().split('\n').pop()!) as string[][]);
        });
      });
    const [closures, generated] = await Promise.all([run(['--disallow-code-generation-from-strings']), run([])]);
    expect(closures.map((q) => q.length)).toEqual(generated.map((q) => q.length));
    expect(generated.every((q) => q.length > 0)).toBe(true);
    expect(closures).toEqual(generated);
  }, 240_000);
});
