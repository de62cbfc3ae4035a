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

interface FlinkSqlLike {
  parse(sql: string, errorListener?: (e: ParseErrorLike) => void): CstNode;
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
export function parseFlinkSql(script: string): CstNode[] {
  const p = flinkSql();
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
  return out;
}
