import type { Expr, Over, Query } from './ast.js';
import { type CstNode, ruleOf } from './flinkParser.js';
import type { SqlError } from './SqlError.js';

interface Builder {
  interval(n: CstNode): Expr;
  text(n: CstNode): string;
  err(n: CstNode, msg: string): SqlError;
}

const isTerm = (n: CstNode) => !n.children;
const nts = (n: CstNode) => (n.children ?? []).filter((c) => !isTerm(c));
const terms = (n: CstNode) => (n.children ?? []).filter(isTerm).map((c) => c.getText().toUpperCase());

/**
 * An OVER window's frame: `ROWS BETWEEN n|UNBOUNDED PRECEDING AND CURRENT ROW` or `RANGE BETWEEN INTERVAL ..|UNBOUNDED
 * PRECEDING AND CURRENT ROW` (also the short forms without BETWEEN). Only frames ending at the current row exist in
 * streaming, as in Flink.
 */
export function windowFrame(b: Builder, f: CstNode): NonNullable<Over['frame']> {
  const t = terms(f);
  const rows = t[0] === 'ROWS';
  const bounds = nts(f).filter((c) => ['FrameStart', 'FrameEnd', 'FrameBound'].includes(ruleOf(c)));
  const ivNode = nts(f).find((c) => ruleOf(c) === 'TimeIntervalExpression');
  const words = (n: CstNode | undefined) => (n ? n.getText().toUpperCase() : '');
  const start = bounds.find((c) => ruleOf(c) === 'FrameStart') ?? bounds[0];
  const end = bounds.find((c) => ruleOf(c) === 'FrameEnd') ?? bounds.find((c) => ruleOf(c) === 'FrameBound');
  const all = t.join(' ') + ' ' + bounds.map(words).join(' ');
  if (/FOLLOWING/.test(all) || (end && !/CURRENTROW$/.test(words(end)))) throw b.err(f, 'OVER windows in streaming end at the CURRENT ROW (Flink supports no FOLLOWING)');
  if (ivNode) {
    const iv = b.interval(ivNode);
    if (rows || iv.k !== 'interval') throw b.err(f, 'ROWS frames take a row count; RANGE frames an INTERVAL');
    return { rows: false, preceding: iv.ms };
  }
  const s = words(start);
  if (s.startsWith('UNBOUNDED')) return { rows, preceding: 'UNBOUNDED' };
  if (s.startsWith('CURRENT')) return { rows, preceding: 0 };
  const n = Number(s.replace(/PRECEDING.*$/, ''));
  if (!Number.isInteger(n) || n < 0) throw b.err(f, `unsupported window frame ${b.text(f)}`);
  if (!rows) throw b.err(f, 'a RANGE frame takes an INTERVAL (RANGE BETWEEN INTERVAL \'1\' HOUR PRECEDING AND CURRENT ROW)');
  return { rows: true, preceding: n };
}

/** Replaces `OVER w` references by the windows of the query's WINDOW clause. */
export function resolveNamedWindows(q: Query, named: Map<string, Over>, fail: (msg: string) => never): void {
  for (const it of q.items) {
    if (it.e.k !== 'call' || !it.e.over?.ref) continue;
    const w = named.get(it.e.over.ref);
    if (!w) fail(`window '${it.e.over.ref}' is not defined in the WINDOW clause`);
    it.e.over = w;
  }
}
