import { spawnSync } from 'node:child_process';
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
});
