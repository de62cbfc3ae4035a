import { createRequire } from 'node:module';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SqlError } from './SqlError.js';

/** The parse tree node of dt-sql-parser (ANTLR4): rule contexts have children, terminals have `symbol`. */
export interface CstNode {
  children?: CstNode[] | null;
  getText(): string;
  start?: { line: number; column: number };
  symbol?: { line: number; column: number };
  constructor: { name: string };
}

interface TokenLike {
  text: string;
  start: number;
  stop: number;
  channel: number;
}
interface FlinkSqlLike {
  parse(sql: string, errorListener?: (e: ParseErrorLike) => void): CstNode;
  getAllTokens(sql: string): TokenLike[];
  validate(sql: string): ParseErrorLike[];
}
interface ParseErrorLike {
  startLine: number;
  startColumn: number;
  message: string;
}

let parser: FlinkSqlLike | undefined;

/**
 * dt-sql-parser's FlinkSQL grammar. Its package is ES modules with extension-less imports that Node cannot load as
 * they are (only bundlers can), so it is bundled once with esbuild (already the engine's cell compiler) into a
 * CommonJS file in the temp directory and required synchronously: parsing stays synchronous (explainSql, completion).
 */
function flinkSql(): FlinkSqlLike {
  if (parser) return parser;
  const require = createRequire(import.meta.url);
  const entry = require.resolve('dt-sql-parser');
  const version = (require('dt-sql-parser/package.json') as { version: string }).version;
  const dir = path.join(tmpdir(), 'flowbook-sql');
  const file = path.join(dir, `dt-sql-parser-${version}.cjs`);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    const esbuild = require('esbuild') as typeof import('esbuild');
    const tmp = `${file}.${process.pid}.tmp`;
    esbuild.buildSync({ entryPoints: [entry], bundle: true, format: 'cjs', platform: 'node', outfile: tmp, logLevel: 'error' });
    renameSync(tmp, file); // atomic: concurrent processes never require a half-written bundle
  }
  const { FlinkSQL } = require(file) as { FlinkSQL: new () => FlinkSqlLike };
  parser = new FlinkSQL();
  return parser;
}

/** Rule name of a parse tree node ("SelectClause"), without esbuild's de-duplication suffix ("SelectClauseContext3"). */
export function ruleOf(n: CstNode): string {
  return n.constructor.name.replace(/\d+$/, '').replace(/Context$/, '');
}

/** Where a node starts, 1-based line and column. */
export function posOf(n: CstNode): { line: number; column: number } {
  const t = n.start ?? n.symbol;
  return t ? { line: t.line, column: t.column + 1 } : { line: 1, column: 1 };
}

/**
 * Parses a script into its statements' parse trees; the first syntax error throws SqlError with line and column.
 * `lineOffset` shifts lines when the script is part of a larger text.
 */
export function parseFlinkSql(script: string): { trees: CstNode[]; text: string } {
  const p = flinkSql();
  script = rewriteFilterClauses(p, script);
  const errors: ParseErrorLike[] = [];
  const tree = p.parse(script, (e) => errors.push(e));
  if (errors.length > 0) {
    const e = errors[0]!;
    throw new SqlError(`syntax error: ${e.message}`, e.startLine, e.startColumn);
  }
  const out: CstNode[] = [];
  for (const c of tree.children ?? []) {
    if (ruleOf(c) === 'SingleStatement' && c.children) out.push(c.children[0]!);
  }
  return { trees: out, text: script };
}

/** The name aggregate calls with a FILTER clause get before parsing (see rewriteFilterClauses). */
export const FILTER_CALL = 'FLOWBOOK_FILTER';

/**
 * dt-sql-parser's grammar lacks the aggregate FILTER clause (`COUNT(*) FILTER (WHERE x > 1)`, standard SQL that
 * Flink supports). Using the parser's own tokens, each such call becomes `FLOWBOOK_FILTER(COUNT(*), x > 1)`, which it
 * parses; toAst turns it back into the aggregate with its filter. Only tokens move: strings and comments are safe,
 * and lines stay where they were.
 */
function rewriteFilterClauses(p: FlinkSqlLike, script: string): string {
  if (!/\bFILTER\b/i.test(script)) return script;
  const t = p.getAllTokens(script).filter((x) => x.channel === 0);
  const edits: { at: number; end: number; text: string }[] = [];
  for (let i = 1; i + 2 < t.length; i++) {
    if (t[i]!.text.toUpperCase() !== 'FILTER' || t[i - 1]!.text !== ')' || t[i + 1]!.text !== '(' || t[i + 2]!.text.toUpperCase() !== 'WHERE') continue;
    let depth = 0;
    let k = i - 1;
    for (; k >= 0; k--) {
      if (t[k]!.text === ')') depth++;
      else if (t[k]!.text === '(' && --depth === 0) break;
    }
    const name = t[k - 1];
    if (k <= 0 || !name) continue;
    edits.push({ at: name.start, end: name.start, text: `${FILTER_CALL}(` });
    edits.push({ at: t[i]!.start, end: t[i + 2]!.stop + 1, text: ', ' });
  }
  let out = script;
  for (const e of edits.sort((a, b) => b.at - a.at)) out = out.slice(0, e.at) + e.text + out.slice(e.end);
  return out;
}
