import type { Query, SelectItem } from './ast.js';
import { sortLimit } from './limit.js';
import type { Planner, Rel } from './planner.js';
import { temporalSort, type SortKey } from './sort.js';
import { SqlError } from './SqlError.js';
import type { Row } from './tableConnectors.js';
import { lazyRel } from './rel.js';
import { setOperation } from './setOp.js';
import { distinct, unionAll } from './union.js';

/**
 * Plans what follows a SELECT's core: UNION / INTERSECT / EXCEPT [ALL], DISTINCT, ORDER BY and LIMIT, with Flink's streaming rules:
 * ORDER BY without LIMIT must start with a time attribute ascending (a temporal sort); with LIMIT any order is a
 * rank over the whole input (updating); ORDER BY keys not in the SELECT list are carried as hidden columns.
 */
export function planQueryTail(p: Planner, q: Query): Rel {
  const fail = (msg: string): never => {
    throw new SqlError(msg, q.pos?.line, q.pos?.column);
  };
  let rel: Rel;
  const hidden: string[] = [];
  const keys: SortKey[] = [];
  if (q.setOp) {
    const op = q.setOp.op ?? 'UNION';
    if (op === 'UNION') {
      rel = unionAll(p.query(q.setOp.left), p.query(q.setOp.right), q.pos);
      if (!q.setOp.all) rel = distinct(rel);
    } else rel = setOperation(op, q.setOp.all, p.query(q.setOp.left), p.query(q.setOp.right), q.pos);
    for (const o of q.orderBy ?? []) {
      const name = o.e.k === 'col' && o.e.path.length === 1 ? o.e.path[0]! : undefined;
      if (!name || !rel.columns.some((c) => c.name === name)) fail(`ORDER BY of a ${op} takes column names of its result`);
      keys.push({ column: name!, desc: o.desc, nullsFirst: o.nullsFirst });
    }
  } else {
    // the names the SELECT list gives its columns (a `*` hides them: keys then go as hidden columns)
    const outNames = new Set(q.items.flatMap((it) => (it.alias ? [it.alias] : it.e.k === 'col' ? [it.e.path[it.e.path.length - 1]!] : [])));
    const extra: SelectItem[] = [];
    for (const o of q.orderBy ?? []) {
      const name = o.e.k === 'col' && o.e.path.length === 1 && outNames.has(o.e.path[0]!) ? o.e.path[0]! : undefined;
      if (name) keys.push({ column: name, desc: o.desc, nullsFirst: o.nullsFirst });
      else {
        if (q.distinct) fail('for SELECT DISTINCT, ORDER BY expressions must appear in the select list');
        const alias = `$o${extra.length}`;
        extra.push({ e: o.e, alias });
        hidden.push(alias);
        keys.push({ column: alias, desc: o.desc, nullsFirst: o.nullsFirst });
      }
    }
    rel = p.query({ ...q, items: [...q.items, ...extra], orderBy: undefined, limit: undefined, distinct: undefined });
    if (q.distinct) rel = distinct(rel);
  }
  if (q.limit !== undefined) rel = sortLimit(rel, keys, q.limit);
  else if (keys.length) {
    const first = rel.columns.find((c) => c.name === keys[0]!.column);
    // Flink's TemporalSort; any other ORDER BY on a stream needs a LIMIT
    if (!first?.time || keys[0]!.desc) fail('Sort on a non-time-attribute field is not supported.');
    if (rel.updating) fail('ORDER BY a time attribute needs an append-only input (the query is updating)');
    rel = temporalSort(rel, keys[0]!, keys.slice(1), first!.time === 'proctime');
  }
  if (!hidden.length) return rel;
  const sorted = rel;
  const columns = sorted.columns.filter((c) => !hidden.includes(c.name));
  return lazyRel(
    () =>
      sorted.stream.map<Row>((r) => {
        const o: Row = { ...r };
        for (const h of hidden) delete o[h];
        return o;
      }, 'Calc'),
    columns,
    sorted.updating,
    `Calc(select=[${columns.map((c) => c.name).join(', ')}])\n${sorted.explain.split('\n').map((l) => '  ' + l).join('\n')}`,
  );
}
