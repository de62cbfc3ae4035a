// Which SQL parser covers Flink's dialect: dt-sql-parser (FlinkSQL grammar) against node-sql-parser (database
// flinksql), statement by statement. Prints the Markdown table kept in src/sql/README.md.
// Run: node --import tsx packages/engine/bench/sql/parsers.ts
import { createRequire } from 'node:module';
import { statements } from './statements.js';

const require = createRequire(import.meta.url);
const { FlinkSQL } = (await import('dt-sql-parser')) as unknown as { FlinkSQL: new () => { validate(s: string): { message: string }[] } };
const { Parser } = require('node-sql-parser') as { Parser: new () => { astify(s: string, o: { database: string }): unknown } };
const dt = new FlinkSQL();
const nsp = new Parser();
let a = 0;
let b = 0;
const rows: string[] = ['| statement | dt-sql-parser | node-sql-parser |', '|---|---|---|'];
for (const [name, sql] of Object.entries(statements)) {
  const errs = dt.validate(sql);
  let nerr = '';
  try {
    nsp.astify(sql, { database: 'flinksql' });
  } catch (e) {
    nerr = String((e as Error).message).slice(0, 60).replace(/\|/g, '/').replace(/\n/g, ' ');
  }
  if (!errs.length) a++;
  if (!nerr) b++;
  rows.push(`| ${name} | ${errs.length ? 'no: ' + errs[0]!.message.slice(0, 60) : 'yes'} | ${nerr ? 'no: ' + nerr : 'yes'} |`);
}
rows.push(`| **total** | **${a} / ${rows.length - 2}** | **${b} / ${rows.length - 2}** |`);
console.log(rows.join('\n'));
