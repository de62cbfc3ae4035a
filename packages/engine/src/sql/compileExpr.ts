import type { Expr } from './ast.js';
import { F, SCALAR_FUNCTIONS } from './functions.js';
import { lookupFunction } from './udf.js';
import { SqlError } from './SqlError.js';
import { kindOf, type Column } from './types.js';

/** Where a column reference of an expression is found in the row object: its key, type and optional nested path. */
export interface Scope {
  /** Resolves a (possibly qualified, possibly nested) column path. */
  resolve(path: string[], pos?: { line: number; column: number }): Resolved;
}

/**
 * A resolved column: its key in the row object, or (`inline`) the expression that computes it from the row a fused
 * Calc reads, so that a query over a view reads the view's input directly instead of a row the view made.
 */
export interface Resolved {
  key: string;
  type: string;
  nested: string[];
  inline?: Piece;
}

/** A compiled expression: its JS source over the row `r` (for fusing into generated code) and its function. */
export interface Piece {
  js: string;
  fn: RowFn;
  /** False when it calls a function whose value changes between calls (RAND, PROCTIME...): not to be duplicated. */
  deterministic: boolean;
}

export type ScopeEntry = { qualifier?: string; name: string; key: string; type: string; inline?: Piece };

/** Columns of one relation (FROM item), optionally under a qualifier (table name or alias). */
export class RelScope implements Scope {
  constructor(readonly entries: ScopeEntry[]) {}
  static of(columns: Column[], qualifier?: string): RelScope {
    return new RelScope(columns.map((c) => ({ qualifier, name: c.name, key: c.name, type: c.type })));
  }
  resolve(path: string[], pos?: { line: number; column: number }): Resolved {
    const [a, b, ...rest] = path;
    const found = (e: ScopeEntry, nested: string[]): Resolved => ({ key: e.key, type: e.type, nested, inline: e.inline });
    if (b !== undefined) {
      const q = this.entries.filter((e) => e.qualifier === a && e.name === b);
      if (q.length === 1) return found(q[0]!, rest);
    }
    const m = this.entries.filter((e) => e.name === a);
    if (m.length > 1) throw new SqlError(`column '${a}' is ambiguous`, pos?.line, pos?.column);
    if (m.length === 1) return found(m[0]!, path.slice(1));
    // case-insensitive fallback (Flink is case-sensitive but users often type keywords-cased names)
    const ci = this.entries.filter((e) => e.name.toLowerCase() === a!.toLowerCase() && (b === undefined || true));
    if (ci.length === 1) return found(ci[0]!, path.slice(1));
    throw new SqlError(`column '${path.join('.')}' not found; available: ${this.entries.map((e) => (e.qualifier ? e.qualifier + '.' : '') + e.name).join(', ')}`, pos?.line, pos?.column);
  }
}

export const AGGREGATES = new Set(['COUNT', 'SUM', 'AVG', 'MIN', 'MAX', 'FIRST_VALUE', 'LAST_VALUE', 'LISTAGG']);

/** A built-in aggregate or a user-defined aggregate function of the environment being planned (udf.ts). */
export function isAggregate(name: string): boolean {
  return AGGREGATES.has(name) || lookupFunction(name)?.kind === 'aggregate';
}
export const WINDOW_PROPS = /^(TUMBLE|HOP|SESSION)_(START|END|ROWTIME|PROCTIME)$/;

export type RowFn = (r: Record<string, unknown>) => unknown;

/**
 * Compiles an expression to a JS function once (not interpreted per row): column references become property reads,
 * operators and SQL functions calls into `F`. `special` replaces sub-expressions (aggregate calls, window properties)
 * by row keys where the planner has computed them.
 */
export function compileExpr(e: Expr, scope: Scope, special?: (e: Expr) => string | undefined): RowFn {
  const src = exprJs(e, scope, special);
  return compileJs(src, () => closureOf(e, scope, special));
}

/** An expression as a Piece: its source (to fuse into a Calc's generated code) and its function. */
export function compilePiece(e: Expr, scope: Scope, special?: (e: Expr) => string | undefined): Piece {
  const js = exprJs(e, scope, special);
  // the source, with the inlined columns it reads, calls a non-deterministic function
  const deterministic = !NONDETERMINISTIC.test(js);
  // compiled on first use: most pieces are only inlined into the code of the Calc that fuses them
  let fn: RowFn | undefined;
  return {
    js,
    get fn() {
      return (fn ??= compileJs(js, () => closureOf(e, scope, special)));
    },
    deterministic,
  };
}

/** Calls of functions whose value differs between calls with the same arguments (Flink's non-deterministic ones). */
const NONDETERMINISTIC = /\bF\.(RAND|RAND_INTEGER|UUID|PROCTIME|NOW|CURRENT_TIMESTAMP|LOCALTIMESTAMP|CURRENT_ROW_TIMESTAMP|UNIX_TIMESTAMP)\(/;

/**
 * `(r) => <src>` as a function, compiled once; `fallback` builds the same function from closures where code generation
 * from strings is refused.
 */
export function compileJs(src: string, fallback: () => RowFn): RowFn {
  if (codegen) {
    try {
      // one function per source text, shared by every job that plans it: the function depends on nothing but F and
      // its row, and the same function object keeps the call sites of the engine's loops (keyed by source, too)
      // monomorphic across jobs, where a new function per job would make them polymorphic and stop inlining
      let fn = compiled.get(src);
      if (!fn) {
        // eslint-disable-next-line @typescript-eslint/no-implied-eval
        fn = new Function('F', `"use strict"; return (r) => ${src};`)(F) as RowFn;
        if (compiled.size >= 10_000) compiled.clear();
        compiled.set(src, fn);
      }
      return fn;
    } catch (err) {
      if (!(err instanceof EvalError)) throw err;
      codegen = false; // code generation from strings is disallowed (a CSP, --disallow-code-generation-from-strings)
    }
  }
  return fallback();
}

let codegen = true;
const compiled = new Map<string, RowFn>();

/**
 * A JS expression (that may read `F`) evaluated once per source text, as compileJs does for row functions; undefined
 * where code generation from strings is refused (the caller keeps its generic path).
 */
export function compileCode(src: string): unknown {
  if (!codegen) return undefined;
  let v = compiledCode.get(src);
  if (v === undefined) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-implied-eval
      v = new Function('F', `"use strict"; return ${src};`)(F) as unknown;
    } catch (err) {
      if (!(err instanceof EvalError)) throw err;
      codegen = false;
      return undefined;
    }
    if (compiledCode.size >= 10_000) compiledCode.clear();
    compiledCode.set(src, v);
  }
  return v;
}
const compiledCode = new Map<string, unknown>();

/** The same expression as nested closures, built once: for processes that refuse code generation from strings. */
function closureOf(e: Expr, scope: Scope, special?: (e: Expr) => string | undefined): RowFn {
  const go = (x: Expr) => closureOf(x, scope, special);
  const s = special?.(e);
  if (s !== undefined) return (r) => r[s];
  const fns = F as unknown as Record<string, (...a: unknown[]) => unknown>;
  switch (e.k) {
    case 'lit': {
      const v = e.v;
      return () => v;
    }
    case 'interval': {
      const v = e.ms;
      return () => v;
    }
    case 'col': {
      const { key, nested, inline } = scope.resolve(e.path, e.pos);
      const get = inline?.fn;
      return (r) => {
        let v: unknown = get ? get(r) : r[key];
        for (const p of nested) v = v == null ? undefined : (v as Record<string, unknown>)[p];
        return v;
      };
    }
    case 'neg': {
      const a = go(e.e);
      return (r) => F.neg(a(r));
    }
    case 'not': {
      const a = go(e.e);
      return (r) => F.not(a(r));
    }
    case 'bin': {
      const l = go(e.l);
      const rr = go(e.r);
      const op = e.op.toUpperCase();
      const name = ({ '=': 'eq', '<>': 'ne', '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge', AND: 'and', OR: 'or', '+': 'add', '-': 'sub', '*': 'mul', '%': 'MOD', '||': 'concat' } as Record<string, string>)[op];
      if (op === '/') {
        const integral = isIntegral(e.l, scope) && isIntegral(e.r, scope);
        return (r) => F.div(l(r), rr(r), integral);
      }
      if (!name) throw new SqlError(`unsupported operator ${e.op}`, e.pos?.line, e.pos?.column);
      const f = fns[name]!;
      return (r) => f(l(r), rr(r));
    }
    case 'case': {
      const op = e.operand ? go(e.operand) : undefined;
      const whens = e.whens.map(([w, t]) => [go(w), go(t)] as const);
      const els = e.else ? go(e.else) : () => null;
      return (r) => {
        const o = op?.(r);
        for (const [w, t] of whens) if ((op ? F.eq(o, w(r)) : w(r)) === true) return t(r);
        return els(r);
      };
    }
    case 'cast': {
      const a = go(e.e);
      const type = e.type;
      if (kindOf(type) === 'string' && kindOf(safeType(e.e, scope)) === 'timestamp') return (r) => F.castTimestampToString(a(r));
      return (r) => F.cast(a(r), type);
    }
    case 'in': {
      const a = go(e.e);
      const list = e.list.map(go);
      const not = e.not;
      return (r) => {
        const v = F.inList(a(r), list.map((x) => x(r)));
        return not ? F.not(v) : v;
      };
    }
    case 'between': {
      const [a, lo, hi] = [go(e.e), go(e.lo), go(e.hi)];
      const not = e.not;
      return (r) => {
        const v = F.between(a(r), lo(r), hi(r));
        return not ? F.not(v) : v;
      };
    }
    case 'like': {
      const [a, p] = [go(e.e), go(e.pattern)];
      const not = e.not;
      return (r) => {
        const v = F.like(a(r), p(r));
        return not ? F.not(v) : v;
      };
    }
    case 'isnull': {
      const a = go(e.e);
      return e.not ? (r) => a(r) != null : (r) => a(r) == null;
    }
    case 'star':
    case 'call': {
      exprJs(e, scope, special); // the same validation and errors as the generated code
      const call = e as Extract<Expr, { k: 'call' }>;
      const f = fns[call.name] ?? lookupFunction(call.name)!.fn;
      const args = call.args.map(go);
      return (r) => f(...args.map((x) => x(r)));
    }
  }
}

export function exprJs(e: Expr, scope: Scope, special?: (e: Expr) => string | undefined): string {
  const go = (x: Expr): string => exprJs(x, scope, special);
  const s = special?.(e);
  if (s !== undefined) return `r[${JSON.stringify(s)}]`;
  switch (e.k) {
    case 'lit':
      return JSON.stringify(e.v);
    case 'interval':
      return String(e.ms);
    case 'col': {
      const { key, nested, inline } = scope.resolve(e.path, e.pos);
      return (inline ? `(${inline.js})` : `r[${JSON.stringify(key)}]`) + nested.map((p) => `?.[${JSON.stringify(p)}]`).join('');
    }
    case 'star':
      throw new SqlError('* is only allowed in SELECT lists and COUNT(*)', e.pos?.line, e.pos?.column);
    case 'neg':
      return `F.neg(${go(e.e)})`;
    case 'not':
      return `F.not(${go(e.e)})`;
    case 'bin': {
      const l = go(e.l);
      const r = go(e.r);
      switch (e.op.toUpperCase()) {
        case '=': return `F.eq(${l}, ${r})`;
        case '<>': return `F.ne(${l}, ${r})`;
        case '<': return `F.lt(${l}, ${r})`;
        case '<=': return `F.le(${l}, ${r})`;
        case '>': return `F.gt(${l}, ${r})`;
        case '>=': return `F.ge(${l}, ${r})`;
        case 'AND': return `F.and(${l}, ${r})`;
        case 'OR': return `F.or(${l}, ${r})`;
        case '+': return `F.add(${l}, ${r})`;
        case '-': return `F.sub(${l}, ${r})`;
        case '*': return `F.mul(${l}, ${r})`;
        case '/': return `F.div(${l}, ${r}, ${isIntegral(e.l, scope) && isIntegral(e.r, scope)})`;
        case '%': return `F.MOD(${l}, ${r})`;
        case '||': return `F.concat(${l}, ${r})`;
        default:
          throw new SqlError(`unsupported operator ${e.op}`, e.pos?.line, e.pos?.column);
      }
    }
    case 'case': {
      const op = e.operand ? go(e.operand) : undefined;
      let out = e.else ? go(e.else) : 'null';
      for (let i = e.whens.length - 1; i >= 0; i--) {
        const [w, t] = e.whens[i]!;
        const cond = op !== undefined ? `F.eq(${op}, ${go(w)}) === true` : `(${go(w)}) === true`;
        out = `(${cond} ? ${go(t)} : ${out})`;
      }
      return out;
    }
    case 'cast':
      // a timestamp cast to a string prints as Flink does ('2020-10-10 00:00:01.000'), not as epoch ms
      if (kindOf(e.type) === 'string' && kindOf(safeType(e.e, scope)) === 'timestamp') return `F.castTimestampToString(${go(e.e)})`;
      return `F.cast(${go(e.e)}, ${JSON.stringify(e.type)})`;
    case 'in':
      return `${e.not ? 'F.not(' : '('}F.inList(${go(e.e)}, [${e.list.map(go).join(', ')}]))`;
    case 'between':
      return `${e.not ? 'F.not(' : '('}F.between(${go(e.e)}, ${go(e.lo)}, ${go(e.hi)}))`;
    case 'like':
      return `${e.not ? 'F.not(' : '('}F.like(${go(e.e)}, ${go(e.pattern)}))`;
    case 'isnull':
      return e.not ? `(${go(e.e)} != null)` : `(${go(e.e)} == null)`;
    case 'call': {
      if (isAggregate(e.name) || e.over) throw new SqlError(`aggregate ${e.name} is not allowed here`, e.pos?.line, e.pos?.column);
      if (WINDOW_PROPS.test(e.name)) throw new SqlError(`${e.name} needs GROUP BY ${e.name.split('_')[0]}(...)`, e.pos?.line, e.pos?.column);
      if (!SCALAR_FUNCTIONS.includes(e.name)) {
        // a user-defined function of the environment being planned (udf.ts)
        const udf = lookupFunction(e.name);
        if (udf?.kind === 'table') throw new SqlError(`${e.name} is a table function: use it as LATERAL TABLE(${e.name}(...)) in FROM`, e.pos?.line, e.pos?.column);
        if (udf) return `F.$udf[${udf.id}](${e.args.map(go).join(', ')})`;
        throw new SqlError(`unknown function ${e.name}; see docs/sql.md for the supported functions`, e.pos?.line, e.pos?.column);
      }
      return `F.${e.name}(${e.args.map(go).join(', ')})`;
    }
  }
}

/** The result type of an expression, as far as the planner needs it (timestamps, numbers, strings). */
export function typeOf(e: Expr, scope: Scope, special?: (e: Expr) => string | undefined, specialType?: (e: Expr) => string | undefined): string {
  const st = specialType?.(e);
  if (st) return st;
  const t = (x: Expr) => typeOf(x, scope, special, specialType);
  switch (e.k) {
    case 'lit':
      return e.v === null ? 'NULL' : typeof e.v === 'number' ? (Number.isInteger(e.v) ? 'INT' : 'DECIMAL') : typeof e.v === 'boolean' ? 'BOOLEAN' : 'STRING';
    case 'interval':
      return 'INTERVAL';
    case 'col': {
      const { type, nested } = scope.resolve(e.path, e.pos);
      let ty = type;
      for (const p of nested) {
        const m = /^ROW\s*<([\s\S]*)>$/i.exec(ty);
        const f = m ? new RegExp(`(?:^|,)\\s*\`?${p}\`?\\s+([^,<]+(?:<[^>]*>)?)`, 'i').exec(m[1]!) : null;
        ty = f ? f[1]!.trim().toUpperCase() : 'UNKNOWN';
      }
      return ty;
    }
    case 'neg':
      return t(e.e);
    case 'bin': {
      const op = e.op.toUpperCase();
      if (['=', '<>', '<', '<=', '>', '>=', 'AND', 'OR'].includes(op)) return 'BOOLEAN';
      if (op === '||') return 'STRING';
      const l = t(e.l);
      const r = t(e.r);
      if (kindOf(l) === 'timestamp' || kindOf(r) === 'timestamp') return kindOf(l) === 'timestamp' ? l : r;
      if (op === '/' && !(isIntType(l) && isIntType(r))) return 'DOUBLE';
      if (l === 'BIGINT' || r === 'BIGINT') return isIntType(l) && isIntType(r) ? 'BIGINT' : 'DECIMAL';
      return isIntType(l) && isIntType(r) ? 'INT' : 'DECIMAL';
    }
    case 'case':
      return e.whens.length ? t(e.whens[0]![1]) : 'NULL';
    case 'cast':
      return e.type;
    case 'in':
    case 'between':
    case 'like':
    case 'isnull':
    case 'not':
      return 'BOOLEAN';
    case 'call':
      return lookupFunction(e.name)?.resultType ?? callType(e.name, e.args.map(t));
    default:
      return 'UNKNOWN';
  }
}

function safeType(e: Expr, scope: Scope): string {
  try {
    return typeOf(e, scope);
  } catch {
    return 'UNKNOWN';
  }
}

const isIntType = (t: string) => /^(TINYINT|SMALLINT|INT|INTEGER|BIGINT)\b/i.test(t);
function isIntegral(e: Expr, scope: Scope): boolean {
  try {
    return isIntType(typeOf(e, scope));
  } catch {
    return false;
  }
}

function callType(name: string, args: string[]): string {
  switch (name) {
    case 'COUNT':
      return 'BIGINT';
    case 'SUM':
    case 'MIN':
    case 'MAX':
    case 'FIRST_VALUE':
    case 'LAST_VALUE':
      return args[0] ?? 'UNKNOWN';
    case 'AVG':
      return args[0] && isIntType(args[0]) ? args[0] : 'DOUBLE';
    case 'CHAR_LENGTH': case 'CHARACTER_LENGTH': case 'POSITION': case 'YEAR': case 'MONTH': case 'DAYOFMONTH': case 'HOUR': case 'MINUTE': case 'SECOND':
      return 'BIGINT';
    case 'MOD': case 'ABS': case 'FLOOR': case 'CEIL': case 'CEILING': case 'ROUND': case 'SIGN':
      return args[0] ?? 'DOUBLE';
    case 'POWER': case 'SQRT': case 'EXP': case 'LN': case 'LOG10': case 'RAND':
      return 'DOUBLE';
    case 'REGEXP':
      return 'BOOLEAN';
    case 'COALESCE': case 'IFNULL': case 'NULLIF': case 'GREATEST': case 'LEAST':
      return args.find((a) => a !== 'NULL') ?? 'NULL';
    case 'IF':
      return args[1] ?? 'NULL';
    case 'TO_TIMESTAMP': case 'CURRENT_TIMESTAMP': case 'NOW': case 'LOCALTIMESTAMP':
      return 'TIMESTAMP(3)';
    case 'TO_TIMESTAMP_LTZ': case 'PROCTIME':
      return 'TIMESTAMP_LTZ(3)';
    case 'UNIX_TIMESTAMP':
      return 'BIGINT';
    case 'LISTAGG':
      return 'STRING';
    default:
      return 'STRING';
  }
}
