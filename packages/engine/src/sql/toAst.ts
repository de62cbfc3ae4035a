import type { ColumnDef, Expr, From, Over, Pos, Query, SelectItem, Statement } from './ast.js';
import { type CstNode, FILTER_CALL, posOf, ruleOf } from './flinkParser.js';
import { resolveNamedWindows, windowFrame } from './overAst.js';
import { queryTail } from './queryTailAst.js';
import { SqlError } from './SqlError.js';

/** Builds the statement tree from dt-sql-parser's parse tree. `src` is the script (for statement and type texts). */
export function toStatement(n: CstNode, src: string): Statement {
  const b = new AstBuilder(src);
  return b.statement(n);
}

interface Ranged {
  start?: { start: number; line: number; column: number };
  stop?: { stop: number };
}

const isTerm = (n: CstNode) => !n.children;
const nts = (n: CstNode) => (n.children ?? []).filter((c) => !isTerm(c));
const terms = (n: CstNode) => (n.children ?? []).filter(isTerm).map((c) => c.getText().toUpperCase());

/** Descends through wrapper rules that have exactly one child that is a rule (and no meaningful terminals). */
function unwrap(n: CstNode): CstNode {
  let cur = n;
  for (;;) {
    const kids = cur.children ?? [];
    if (kids.length === 1 && !isTerm(kids[0]!)) cur = kids[0]!;
    else return cur;
  }
}

function find(n: CstNode, rule: string): CstNode | undefined {
  for (const c of n.children ?? []) {
    if (isTerm(c)) continue;
    if (ruleOf(c) === rule) return c;
  }
  return undefined;
}

/** An identifier's text: `quoted` and 'quoted' forms lose their quotes. */
export function identText(t: string): string {
  if (t.length >= 2 && t.startsWith('`') && t.endsWith('`')) return t.slice(1, -1).replace(/``/g, '`');
  if (t.length >= 2 && t.startsWith("'") && t.endsWith("'")) return t.slice(1, -1).replace(/''/g, "'");
  if (t.length >= 2 && t.startsWith('"') && t.endsWith('"')) return t.slice(1, -1);
  return t;
}

/** The dotted name under a node (a.b.c). */
function pathOf(n: CstNode): string[] {
  const u = unwrap(n);
  const kids = u.children ?? [];
  if (kids.length === 0 || (kids.length === 1 && isTerm(kids[0]!))) return [identText(u.getText())];
  const parts: string[] = [];
  for (const c of kids) {
    if (isTerm(c)) {
      if (c.getText() !== '.') parts.push(identText(c.getText()));
    } else parts.push(...pathOf(c));
  }
  return parts;
}

const UNIT_MS: Record<string, number> = {
  MILLISECOND: 1, MILLISECONDS: 1, SECOND: 1000, SECONDS: 1000, MINUTE: 60_000, MINUTES: 60_000, HOUR: 3_600_000, HOURS: 3_600_000, DAY: 86_400_000, DAYS: 86_400_000,
};

export class AstBuilder {
  constructor(private readonly src: string) {}

  text(n: CstNode): string {
    const r = n as unknown as Ranged;
    if (r.start && r.stop && r.stop.stop >= r.start.start) return this.src.slice(r.start.start, r.stop.stop + 1);
    return n.getText();
  }

  err(n: CstNode, msg: string): SqlError {
    const p = posOf(n);
    return new SqlError(msg, p.line, p.column);
  }

  statement(n: CstNode): Statement {
    const u = unwrap(n);
    const rule = ruleOf(u);
    const text = this.text(n).trim();
    const pos = posOf(n);
    switch (rule) {
      case 'SimpleCreateTable':
        return this.createTable(u, text, pos);
      case 'CreateView': {
        const q = find(u, '_QueryStatement');
        if (!q) throw this.err(u, 'CREATE VIEW needs AS SELECT ...');
        const name = pathOf(find(u, 'ViewPathCreate')!).join('.');
        return { k: 'createView', name, temporary: terms(u).includes('TEMPORARY'), query: this.query(q), text, pos };
      }
      case 'CreateFunction': {
        const name = pathOf(find(u, 'FunctionNameCreate')!).join('.');
        const id = nts(u).find((c) => ruleOf(c) !== 'FunctionNameCreate' && ruleOf(c) !== 'IfNotExists');
        if (!id) throw this.err(u, "CREATE FUNCTION needs AS 'module.function'");
        const t = terms(u);
        const li = t.indexOf('LANGUAGE');
        return { k: 'createFunction', name, identifier: identText(this.text(id)), ifNotExists: !!find(u, 'IfNotExists'), language: li >= 0 ? t[li + 1] : undefined, text, pos };
      }
      case 'DropFunction':
        return { k: 'dropFunction', name: pathOf(find(u, 'FunctionName')!).join('.'), ifExists: !!find(u, 'IfExists'), text, pos };
      case 'SetStatement': {
        const prop = find(u, 'TableProperty');
        if (!prop) return { k: 'set', text, pos };
        const key = identText(this.text(find(prop, 'TablePropertyKey')!));
        const value = identText(this.text(find(prop, 'TablePropertyValue')!));
        return { k: 'set', key, value, text, pos };
      }
      case 'InsertSimpleStatement': {
        const table = pathOf(find(u, 'TablePath')!).join('.');
        const q = find(u, '_QueryStatement');
        if (!q) throw this.err(u, 'INSERT INTO needs a SELECT');
        return { k: 'insert', table, query: this.query(q), text, pos };
      }
      case '_QueryStatement':
      case 'SelectStatement':
        return { k: 'query', query: this.query(u), text, pos };
      case 'ExplainStatement':
      case 'ExplainDetails': {
        const inner = nts(u).find((c) => ['DmlStatement', 'InsertStatement', '_QueryStatement', 'SqlStatement', 'InsertSimpleStatement', 'SelectStatement'].includes(ruleOf(c)));
        if (!inner) throw this.err(u, 'EXPLAIN needs a query or INSERT');
        return { k: 'explain', inner: this.statement(inner), text, pos };
      }
      default:
        throw this.err(u, `unsupported statement (${rule}): ${text.slice(0, 60)}`);
    }
  }

  createTable(u: CstNode, text: string, pos: Pos): Statement {
    const name = pathOf(find(u, 'TablePathCreate')!).join('.');
    const columns: ColumnDef[] = [];
    let watermark: { column: string; e: Expr } | undefined;
    let primaryKey: string[] | undefined;
    const options: Record<string, string> = {};
    for (const c of nts(u)) {
      const r = ruleOf(c);
      if (r === 'ColumnOptionDefinition') {
        const d = unwrap(c);
        const dr = ruleOf(d);
        const colName = pathOf(find(d, 'ColumnNameCreate')!).join('.');
        if (dr === 'PhysicalColumnDefinition') columns.push({ name: colName, type: this.text(find(d, 'ColumnType')!) });
        else if (dr === 'ComputedColumnDefinition') columns.push({ name: colName, computed: this.expr(find(d, 'ComputedColumnExpression')!) });
        else if (dr === 'MetadataColumnDefinition') {
          const key = (d.children ?? []).filter(isTerm).map((t) => t.getText()).find((t) => t.startsWith("'"));
          columns.push({ name: colName, type: this.text(find(d, 'ColumnType')!), metadata: key ? identText(key) : colName });
        } else throw this.err(d, `unsupported column definition ${dr}`);
      } else if (r === 'WatermarkDefinition') {
        const col = pathOf(find(c, 'ColumnName')!).join('.');
        watermark = { column: col, e: this.expr(find(c, 'Expression')!) };
      } else if (r === 'TableConstraint') {
        primaryKey = nts(find(c, 'ColumnNameList')!).map((x) => pathOf(x).join('.'));
      } else if (r === 'WithOption') {
        for (const p of nts(find(c, 'TablePropertyList')!)) {
          options[identText(this.text(find(p, 'TablePropertyKey')!))] = identText(this.text(find(p, 'TablePropertyValue')!));
        }
      }
    }
    const t = terms(u);
    return { k: 'createTable', name, temporary: t.includes('TEMPORARY'), ifNotExists: t.includes('EXISTS'), columns, watermark, primaryKey, options, text, pos };
  }

  query(n: CstNode): Query {
    const u = unwrap(n);
    const r = ruleOf(u);
    if (r === '_QueryStatement') {
      // ( query )
      const inner = nts(u);
      if (inner.length === 1) return this.query(inner[0]!);
      return queryTail(this, u);
    }
    if (r !== 'SelectStatement') throw this.err(u, `unsupported query (${r})`);
    const q: Query = { k: 'select', items: [], groupBy: [], text: this.text(u), pos: posOf(u) };
    const named = new Map<string, Over>();
    for (const c of nts(u)) {
      switch (ruleOf(c)) {
        case 'SelectClause':
          q.items = this.selectList(find(c, 'SelectList')!);
          if (terms(c).includes('DISTINCT') || nts(c).some((x) => ruleOf(x) === 'SetQuantifier' && x.getText().toUpperCase() === 'DISTINCT')) q.distinct = true;
          break;
        case 'FromClause':
          q.from = this.from(nts(c)[0]!);
          break;
        case 'WhereClause':
          q.where = this.expr(nts(c)[0]!);
          break;
        case 'GroupByClause':
          q.groupBy = nts(c).map((g) => this.groupItem(g));
          break;
        case 'HavingClause':
          q.having = this.expr(nts(c)[0]!);
          break;
        case 'WindowClause':
          for (const nw of nts(c).filter((x) => ruleOf(x) === 'NamedWindow')) {
            const name = nts(nw).find((x) => /Identifier/.test(ruleOf(x)));
            named.set(identText(this.text(name!)), this.over(find(nw, 'WindowSpec')!));
          }
          break;
        default:
          throw this.err(c, `unsupported clause ${ruleOf(c)}`);
      }
    }
    resolveNamedWindows(q, named, (msg) => {
      throw this.err(u, msg);
    });
    return q;
  }

  groupItem(g: CstNode): Expr {
    const u = unwrap(g);
    if (ruleOf(u) === 'GroupWindowFunction') {
      const name = this.text(find(u, 'GroupWindowFunctionName')!).toUpperCase();
      const col: Expr = { k: 'col', path: pathOf(find(u, 'TimeAttrColumn')!), pos: posOf(u) };
      const ivs = nts(u).filter((c) => ruleOf(c) === 'TimeIntervalExpression').map((c) => this.interval(c));
      return { k: 'call', name, args: [col, ...ivs], pos: posOf(u) };
    }
    for (let cur: CstNode | undefined = g; cur && !isTerm(cur); cur = nts(cur).length === 1 ? nts(cur)[0] : undefined) {
      if (['ColumnName', 'UidAllowEmpty', 'Uid', 'ColumnNamePath'].includes(ruleOf(cur))) {
        const t = this.text(cur);
        // dt-sql-parser reads a 'string' in GROUP BY as a quoted name: it is a literal
        if (t.startsWith("'")) return { k: 'lit', v: identText(t), pos: posOf(cur) };
        return { k: 'col', path: pathOf(cur), pos: posOf(cur) };
      }
      if (nts(cur).length !== 1) break;
    }
    return this.expr(g);
  }

  selectList(n: CstNode): SelectItem[] {
    const items: SelectItem[] = [];
    for (const it of nts(n)) {
      const kids = nts(it);
      const aliasNode = kids.find((c) => ruleOf(c) === 'ColumnAlias');
      let alias = aliasNode ? pathOf(nts(aliasNode)[0]!).join('.') : undefined;
      const main = unwrap(kids[0]!);
      const mr = ruleOf(main);
      let e: Expr;
      if (mr === 'TableAllColumns') {
        const parts = (main.children ?? []).map((c) => c.getText()).filter((t) => t !== '.' && t !== '*');
        e = { k: 'star', qualifier: parts.length ? identText(parts.join('.')) : undefined };
      } else if (ruleOf(kids[0]!) === 'SelectLiteralColumnName' && kids.length > 1 && ruleOf(kids[1]!) === 'Expression') {
        // dt-sql-parser reads `F(x)` in a SELECT list, for a function name it does not know as a keyword, as the
        // name followed by the expression `(x)`: that is a call with one argument
        const arg = unwrap(kids[1]!);
        if (ruleOf(arg) !== 'ParenthesizedExpression') throw this.err(it, `cannot parse ${this.text(it)}: write the function call alone, or alias it (AS name)`);
        e = { k: 'call', name: this.text(main).toUpperCase(), args: [this.expr(arg)], pos: posOf(main) };
      } else if (ruleOf(kids[0]!) === 'SelectLiteralColumnName') {
        const t = this.text(main);
        e = t.startsWith("'") ? { k: 'lit', v: identText(t), pos: posOf(main) } : { k: 'col', path: pathOf(main), pos: posOf(main) };
      } else if (ruleOf(kids[0]!) === 'SelectWindowItemColumnName') {
        const ow = unwrap(kids[0]!);
        const fc = this.expr(find(ow, 'FunctionCall')!);
        const spec = find(ow, 'WindowSpec');
        const ids = nts(ow).filter((c) => /Identifier/.test(ruleOf(c)));
        if (fc.k !== 'call') throw this.err(ow, 'OVER needs a function');
        // `OVER w` names a window of the WINDOW clause: its first identifier is the window, the second the alias
        fc.over = spec ? this.over(spec) : { partitionBy: [], orderBy: [], ref: identText(this.text(ids[0]!)) };
        e = fc;
        const id = spec ? ids[0] : ids[1];
        if (id && !alias) alias = identText(this.text(id));
      } else e = this.expr(main);
      items.push({ e, alias });
    }
    return items;
  }

  over(spec: CstNode): Over {
    const over: Over = { partitionBy: [], orderBy: [] };
    const pb = find(spec, 'PartitionByClause');
    if (pb) over.partitionBy = nts(pb).map((c) => this.groupItem(c));
    const frame = find(spec, 'WindowFrame');
    if (frame) over.frame = windowFrame(this, frame);
    const ob = find(spec, 'OrderByClause');
    if (ob) {
      for (const item of nts(ob)) {
        const t = terms(item);
        over.orderBy.push({ e: this.groupItem(nts(item)[0]!), desc: t.includes('DESC') });
      }
    }
    return over;
  }

  from(n: CstNode): From {
    const kids = nts(n);
    const r = ruleOf(n);
    if (r === '_TableExpression') {
      if (kids.length === 1) return this.from(kids[0]!);
      const t = terms(n);
      // comma join: an inner join whose condition is in WHERE
      if (t.every((x) => x === ',')) {
        let acc = this.from(kids[0]!);
        for (const k of kids.slice(1)) acc = { k: 'join', type: 'INNER', left: acc, right: this.from(k), pos: posOf(k) };
        return acc;
      }
      // CROSS JOIN is a correlation with a table function or UNNEST on its right (other cross joins are refused)
      const crossLateral = t.includes('CROSS') && !t.includes('NATURAL') && kids.length === 2 && this.from(kids[1]!).k === 'lateral';
      if ((t.includes('CROSS') && !crossLateral) || t.includes('NATURAL')) throw this.err(n, 'CROSS/NATURAL joins are not supported (CROSS JOIN UNNEST / LATERAL TABLE(...) is)');
      const type = t.includes('LEFT') ? 'LEFT' : t.includes('RIGHT') ? 'RIGHT' : t.includes('FULL') ? 'FULL' : 'INNER';
      const cond = kids.find((c) => ruleOf(c) === 'JoinCondition');
      if (cond && terms(cond).includes('USING')) throw this.err(cond, 'JOIN ... USING is not supported; use ON');
      const sides = kids.filter((c) => ruleOf(c) !== 'JoinCondition');
      return { k: 'join', type, left: this.from(sides[0]!), right: this.from(sides[1]!), on: cond ? this.expr(nts(cond)[0]!) : undefined, pos: posOf(n) };
    }
    if (r === 'TableReference') {
      const prim = find(n, 'TablePrimary') ?? kids[0]!;
      const aliasNode = find(n, 'TableAlias');
      const alias = aliasNode ? pathOf(nts(aliasNode)[0]!).join('.') : undefined;
      const f = this.from(prim);
      if (alias) (f as { alias?: string }).alias = alias;
      // AS T(a, b): the column names of a LATERAL TABLE or UNNEST
      const list = aliasNode && find(aliasNode, 'IdentifierList');
      if (list) {
        if (f.k !== 'lateral') throw this.err(list, 'column aliases AS t(a, b) are supported on LATERAL TABLE(...) and UNNEST(...) only');
        f.columns = nts(find(list, 'IdentifierSeq') ?? list).map((c) => pathOf(c).join('.'));
      }
      return f;
    }
    if (r === 'TablePrimary') {
      const inner = kids[0]!;
      const ir = ruleOf(inner);
      if (ir === 'TablePath') return { k: 'table', name: pathOf(inner).join('.'), pos: posOf(inner) };
      if (ir === 'AtomExpressionTable' && terms(inner).includes('UNNEST')) return this.unnest(inner);
      if (ir === 'AtomExpressionTable') return { k: 'sub', query: this.query(nts(inner)[0]!), pos: posOf(inner) };
      if (ir === 'AtomFunctionTable') {
        const call = this.expr(find(inner, 'FunctionCallExpression') ?? nts(inner)[0]!);
        if (call.k !== 'call') throw this.err(inner, 'LATERAL TABLE(...) needs a table function call');
        return { k: 'lateral', call, pos: posOf(inner) };
      }
      if (ir === '_QueryStatement' || ir === 'SelectStatement') return { k: 'sub', query: this.query(inner), pos: posOf(inner) };
      if (ir === '_TableExpression' || ir === 'WindowTVFClause' || ir === 'WindowTVFExpression') return this.from(inner);
      throw this.err(inner, `unsupported table reference ${ir}`);
    }
    if (r === 'WindowTVFClause') return this.from(find(n, 'WindowTVFExpression')!);
    if (r === 'WindowTVFExpression') {
      const fn = this.text(find(n, 'WindowTVFName')!).toUpperCase() as 'TUMBLE' | 'HOP' | 'CUMULATE';
      let table = '';
      let timeCol = '';
      const intervals: number[] = [];
      for (const p of nts(n).filter((c) => ruleOf(c) === 'WindowTVFParam')) {
        const pk = nts(p);
        const first = pk[0]!;
        const fr = ruleOf(first);
        if (fr === 'TimeAttrColumn') table = pathOf(first).join('.');
        else if (fr === 'ColumnDescriptor') timeCol = pathOf(find(first, 'ColumnName')!).join('.');
        else if (fr === 'TimeIntervalExpression') intervals.push((this.interval(first) as { ms: number }).ms);
        else throw this.err(p, `unsupported window TVF argument ${this.text(p)}`);
      }
      if (!table || !timeCol) throw this.err(n, `${fn} needs TABLE t and DESCRIPTOR(time column)`);
      return { k: 'tvf', fn, table, timeCol, intervals, pos: posOf(n) };
    }
    if (r === 'AtomExpressionTable' && terms(n).includes('UNNEST')) return this.unnest(n);
    if (r === 'AtomExpressionTable') return { k: 'sub', query: this.query(kids[0]!), pos: posOf(n) };
    throw this.err(n, `unsupported FROM item ${r}`);
  }

  /** `UNNEST(array)`: a built-in table function over the array's elements. */
  unnest(n: CstNode): From {
    const args = nts(n).map((c) => this.expr(c));
    if (args.length !== 1) throw this.err(n, 'UNNEST takes one array');
    return { k: 'lateral', call: { k: 'call', name: 'UNNEST', args, pos: posOf(n) }, unnest: true, pos: posOf(n) };
  }

  interval(n: CstNode): Expr {
    const mu = unwrap(find(n, 'ErrorCapturingMultiUnitsInterval') ?? n);
    const kids = nts(mu);
    let ms = 0;
    for (let i = 0; i + 1 < kids.length; i += 2) {
      const v = Number(identText(this.text(kids[i]!)));
      const unit = this.text(kids[i + 1]!).toUpperCase();
      const f = UNIT_MS[unit];
      if (f === undefined || Number.isNaN(v)) throw this.err(n, `unsupported interval ${this.text(n)} (use SECOND, MINUTE, HOUR, DAY)`);
      ms += v * f;
    }
    if (kids.length < 2) throw this.err(n, `unsupported interval ${this.text(n)}`);
    return { k: 'interval', ms, pos: posOf(n) };
  }

  expr(n: CstNode): Expr {
    const pos = posOf(n);
    const r = ruleOf(n);
    const kids = nts(n);
    const t = terms(n);
    switch (r) {
      case 'Expression':
      case 'ValueExpressionDefault':
      case 'ConstantDefault':
      case 'ComputedColumnExpression':
      case 'FunctionParam':
      case 'ParenthesizedExpression':
        if (kids.length === 1) return this.expr(kids[0]!);
        break;
      case 'Predicated':
        if (kids.length === 1) return this.expr(kids[0]!);
        return this.predicate(this.expr(kids[0]!), kids[1]!);
      case 'Comparison': {
        let op = this.text(kids[1]!).replace(/\s+/g, '');
        if (op === '!=') op = '<>';
        if (op === '==') op = '=';
        return { k: 'bin', op, l: this.expr(kids[0]!), r: this.expr(kids[2]!), pos };
      }
      case 'ArithmeticBinary':
        return { k: 'bin', op: t[0]!, l: this.expr(kids[0]!), r: this.expr(kids[1]!), pos };
      case 'ArithmeticUnary':
        return t[0] === '-' ? { k: 'neg', e: this.expr(kids[0]!), pos } : this.expr(kids[0]!);
      case 'LogicalBinary':
        return { k: 'bin', op: t[0]!, l: this.expr(kids[0]!), r: this.expr(kids[1]!), pos };
      case 'LogicalNot':
        return { k: 'not', e: this.expr(kids[0]!), pos };
      case 'SearchedCase':
      case 'SimpleCase': {
        const whens: [Expr, Expr][] = [];
        let operand: Expr | undefined;
        let els: Expr | undefined;
        let seenElse = false;
        for (const c of n.children ?? []) {
          if (isTerm(c)) {
            if (c.getText().toUpperCase() === 'ELSE') seenElse = true;
            continue;
          }
          if (ruleOf(c) === 'WhenClause') {
            const w = nts(c);
            whens.push([this.expr(w[0]!), this.expr(w[1]!)]);
          } else if (seenElse) els = this.expr(c);
          else operand = this.expr(c);
        }
        return { k: 'case', operand, whens, else: els, pos };
      }
      case 'Cast':
        return { k: 'cast', e: this.expr(kids[0]!), type: this.text(find(n, 'ColumnType')!).toUpperCase(), pos };
      case 'FunctionCall':
        return this.expr(kids[0]!);
      case 'FunctionCallExpression': {
        const name = this.text(kids[0]!).toUpperCase();
        const params = kids.filter((c) => ruleOf(c) === 'FunctionParam');
        const distinct = kids.some((c) => ruleOf(c) === 'SetQuantifier' && c.getText().toUpperCase() === 'DISTINCT');
        if (params.length === 1 && params[0]!.getText() === '*') return { k: 'call', name, args: [], star: true, pos };
        const args = params.filter((p) => p.getText() !== '').map((p) => this.expr(p));
        if (name === FILTER_CALL) {
          const [agg, cond] = args;
          if (!agg || agg.k !== 'call' || !cond) throw this.err(n, 'FILTER (WHERE ...) follows an aggregate call');
          return { ...agg, filter: cond };
        }
        return { k: 'call', name, args, distinct, pos };
      }
      case 'ColumnReference':
      case 'ColumnNamePath':
      case 'Dereference':
        return { k: 'col', path: pathOf(n), pos };
      case 'Constant':
      case 'DecimalLiteral':
      case 'StringLiteral':
      case 'BooleanLiteral':
        return this.constant(n);
      case 'TimeIntervalExpression':
        return this.interval(n);
      default:
        break;
    }
    if (kids.length === 1 && t.length === 0) return this.expr(kids[0]!);
    if (kids.length === 0) return this.constant(n);
    throw this.err(n, `unsupported expression (${r}): ${this.text(n)}`);
  }

  constant(n: CstNode): Expr {
    const pos = posOf(n);
    const u = unwrap(n);
    if (ruleOf(u) === 'TimeIntervalExpression') return this.interval(u);
    const txt = this.text(u).trim();
    const up = txt.toUpperCase();
    if (up === 'NULL') return { k: 'lit', v: null, pos };
    if (up === 'TRUE' || up === 'FALSE') return { k: 'lit', v: up === 'TRUE', pos };
    // dt-sql-parser reads a `quoted` name in an expression as a string literal: it is a column reference
    if (txt.startsWith('`')) return { k: 'col', path: txt.match(/`(?:[^`]|``)*`|[^.]+/g)!.map(identText), pos };
    if (txt.startsWith("'")) {
      // adjacent string literals concatenate
      const parts = txt.match(/'(?:[^']|'')*'/g) ?? [txt];
      return { k: 'lit', v: parts.map((p) => identText(p)).join(''), pos };
    }
    if (/^[0-9.eE+-]+$/.test(txt) && !Number.isNaN(Number(txt))) return { k: 'lit', v: Number(txt), pos };
    if (/^(TIMESTAMP|DATE|TIME)\s*'/i.test(txt)) {
      const v = identText(txt.replace(/^[A-Za-z_]+\s*/, ''));
      return { k: 'call', name: 'TO_TIMESTAMP', args: [{ k: 'lit', v }], pos };
    }
    throw this.err(n, `unsupported literal ${txt}`);
  }

  predicate(left: Expr, p: CstNode): Expr {
    const pos = posOf(p);
    const u = ruleOf(p) === 'Predicate' && nts(p).length === 1 && ruleOf(nts(p)[0]!) === 'LikePredicate' ? nts(p)[0]! : p;
    const t = terms(u);
    const kids = nts(u);
    const not = t.includes('NOT') || terms(p).includes('NOT');
    if (t.includes('LIKE')) return { k: 'like', e: left, pattern: this.expr(kids[0]!), not, pos };
    if (t.includes('SIMILAR') || t.includes('RLIKE') || t.includes('REGEXP')) throw this.err(p, 'SIMILAR TO / RLIKE are not supported; use REGEXP(s, pattern)');
    if (t.includes('IN')) {
      if (kids.some((c) => ruleOf(c) === '_QueryStatement' || ruleOf(c) === 'SelectStatement')) throw this.err(p, 'IN (subquery) is not supported');
      return { k: 'in', e: left, list: kids.map((c) => this.expr(c)), not, pos };
    }
    if (t.includes('BETWEEN')) return { k: 'between', e: left, lo: this.expr(kids[0]!), hi: this.expr(kids[1]!), not, pos };
    if (t.includes('IS') && t.includes('NULL')) return { k: 'isnull', e: left, not, pos };
    if (t.includes('IS') && (t.includes('TRUE') || t.includes('FALSE'))) {
      const want = t.includes('TRUE');
      return { k: 'bin', op: not ? '<>' : '=', l: left, r: { k: 'lit', v: want }, pos };
    }
    throw this.err(p, `unsupported predicate ${this.text(p)}`);
  }
}
