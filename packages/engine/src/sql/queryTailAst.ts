import type { Expr, Query } from './ast.js';
import { type CstNode, posOf, ruleOf } from './flinkParser.js';
import type { SqlError } from './SqlError.js';

/** What queryTail needs of toAst's builder (kept structural: no import cycle). */
interface Builder {
  query(n: CstNode): Query;
  expr(n: CstNode): Expr;
  groupItem(n: CstNode): Expr;
  text(n: CstNode): string;
  err(n: CstNode, msg: string): SqlError;
}

const isTerm = (n: CstNode) => !n.children;
const nts = (n: CstNode) => (n.children ?? []).filter((c) => !isTerm(c));
const terms = (n: CstNode) => (n.children ?? []).filter(isTerm).map((c) => c.getText().toUpperCase());
const SET_OPS = ['UNION', 'INTERSECT', 'EXCEPT', 'MINUS'];
type SetOp = 'UNION' | 'INTERSECT' | 'EXCEPT';
/** MINUS (not in Flink's default SQL conformance, nor in the parser's grammar) would be EXCEPT. */
const setOpOf = (t: string): SetOp => (t === 'MINUS' ? 'EXCEPT' : (t as SetOp));

/**
 * A `_QueryStatement` with more than one part: `a UNION|INTERSECT|EXCEPT [ALL] b ...`, or a query followed by ORDER BY
 * and/or LIMIT. dt-sql-parser nests `a UNION b UNION ALL c` to the right; SQL's set operations are left-associative
 * (INTERSECT first), so an unparenthesized chain is flattened and folded from the left.
 */
export function queryTail(b: Builder, u: CstNode): Query {
  const t = terms(u);
  const kids = nts(u);
  const op = t.find((x) => SET_OPS.includes(x));
  if (op) {
    const parts: CstNode[] = [];
    const ops: { op: SetOp; all: boolean }[] = [];
    let cur: CstNode = u;
    for (;;) {
      const k = nts(cur);
      const ct = terms(cur);
      parts.push(k[0]!);
      ops.push({ op: setOpOf(ct.find((x) => SET_OPS.includes(x))!), all: ct.includes('ALL') });
      const right = k[1]!;
      const rt = terms(right);
      // an unparenthesized set operation on the right continues the chain
      if (ruleOf(right) === '_QueryStatement' && rt.some((x) => SET_OPS.includes(x)) && !rt.includes('(')) {
        cur = right;
        continue;
      }
      parts.push(right);
      break;
    }
    const node = (o: { op: SetOp; all: boolean }, left: Query, right: Query): Query => ({ k: 'select', items: [], groupBy: [], setOp: { ...o, left, right }, text: b.text(u), pos: posOf(u) });
    // INTERSECT binds tighter than UNION and EXCEPT (SQL's precedence); then the chain folds from the left
    const operands: Query[] = [b.query(parts[0]!)];
    const rest: { op: SetOp; all: boolean }[] = [];
    for (let i = 1; i < parts.length; i++) {
      const right = b.query(parts[i]!);
      if (ops[i - 1]!.op === 'INTERSECT') operands.push(node(ops[i - 1]!, operands.pop()!, right));
      else {
        operands.push(right);
        rest.push(ops[i - 1]!);
      }
    }
    let acc = operands[0]!;
    for (let i = 0; i < rest.length; i++) acc = node(rest[i]!, acc, operands[i + 1]!);
    return acc;
  }
  const body = kids.find((c) => ruleOf(c) !== 'OrderByClause' && ruleOf(c) !== 'LimitClause');
  if (!body) throw b.err(u, `unsupported query form: ${b.text(u).slice(0, 60)}`);
  let q = b.query(body);
  // ORDER BY / LIMIT over a query that already has them (a parenthesized one) apply to its result
  if (q.orderBy || q.limit !== undefined) q = { k: 'select', items: [{ e: { k: 'star' } }], from: { k: 'sub', query: q }, groupBy: [], text: b.text(u), pos: posOf(u) };
  else q = { ...q };
  for (const c of kids) {
    if (ruleOf(c) === 'OrderByClause') {
      q.orderBy = nts(c).map((item) => {
        const it = terms(item);
        const nulls = it.indexOf('NULLS');
        return { e: b.groupItem(nts(item)[0]!), desc: it.includes('DESC'), nullsFirst: nulls >= 0 ? it[nulls + 1] === 'FIRST' : undefined };
      });
    } else if (ruleOf(c) === 'LimitClause') {
      const e = b.expr(nts(c)[0]!);
      if (e.k !== 'lit' || typeof e.v !== 'number' || !Number.isInteger(e.v) || e.v < 0) throw b.err(c, 'LIMIT takes a non-negative integer literal');
      q.limit = e.v;
    }
  }
  return q;
}
