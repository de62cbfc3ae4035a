import type { From } from './ast.js';
import { compileExpr, RelScope } from './compileExpr.js';
import type { Rel } from './planner.js';
import { exprText } from './planner.js';
import { indent, lazyRel } from './rel.js';
import { SqlError } from './SqlError.js';
import type { Row } from './tableConnectors.js';
import type { Column } from './types.js';
import { lookupFunction, TableFunction } from './udf.js';

type Lateral = Extract<From, { k: 'lateral' }>;

/**
 * Flink's Correlate: each row of the left input joined with the rows a table function produces for it, `LATERAL
 * TABLE(f(args))` (a user-defined TableFunction, whose eval collects rows) or `UNNEST(array)` (one row per element).
 * INNER drops a left row that produces none; LEFT keeps it with NULLs. Stateless: row kinds of an updating input pass
 * through, and the left input's time attributes stay time attributes.
 */
export function correlate(left: { rel: Rel; scope: RelScope }, lat: Lateral, type: 'INNER' | 'LEFT'): { rel: Rel; scope: RelScope } {
  const { call } = lat;
  const at = (m: string) => new SqlError(m, (lat.pos ?? call.pos)?.line, (lat.pos ?? call.pos)?.column);
  const args = call.args.map((a) => compileExpr(a, left.scope));
  let produce: (values: unknown[], emit: (cells: unknown[]) => void) => void;
  let types: string[];
  if (lat.unnest) {
    const arrayType = call.args[0] ? /^ARRAY\s*<(.*)>$/i.exec(safeType(left, call.args[0]))?.[1] : undefined;
    const n = lat.columns?.length ?? 1;
    types = Array.from({ length: n }, () => (n === 1 && arrayType ? arrayType.trim().toUpperCase() : 'UNKNOWN'));
    produce = ([arr], emit) => {
      if (arr === null || arr === undefined) return;
      if (!Array.isArray(arr)) throw new Error(`UNNEST(${exprText(call.args[0]!)}): not an array: ${JSON.stringify(arr)}`);
      // one column: the element itself; several: the element's fields (an array by position, a ROW by field order)
      for (const e of arr) emit(n === 1 ? [e] : Array.isArray(e) ? e : e !== null && typeof e === 'object' ? Object.values(e) : [e]);
    };
  } else {
    const f = lookupFunction(call.name);
    if (!f) throw at(`unknown table function ${call.name}; register a TableFunction (createTemporarySystemFunction or CREATE FUNCTION)`);
    if (f.kind !== 'table') throw at(`${call.name} is not a table function (LATERAL TABLE needs a TableFunction whose eval collects rows)`);
    const udtf = f.table!;
    const n = udtf.resultTypes?.length ?? lat.columns?.length ?? 1;
    types = Array.from({ length: n }, (_, i) => udtf.resultTypes?.[i]?.toUpperCase() ?? 'UNKNOWN');
    // a collected array is the row's columns by position; any other value is the one column's value
    produce = (values, emit) => TableFunction.rows(udtf, values, (row) => emit(Array.isArray(row) ? row : [row]));
  }
  const names = lat.columns ?? types.map((_, i) => `f${i}`);
  if (names.length !== types.length) throw at(`${call.name} returns ${types.length} columns; AS ${lat.alias ?? 'T'}(...) names ${names.length}`);
  // the new columns' keys, unique among the left row's fields
  const taken = new Set(left.rel.columns.map((c) => c.name));
  const keys = names.map((name) => {
    let k = name;
    for (let i = 0; taken.has(k); i++) k = `${name}${i}`;
    taken.add(k);
    return k;
  });
  const scope = new RelScope([...left.scope.entries, ...names.map((name, i) => ({ qualifier: lat.alias, name, key: keys[i]!, type: types[i]! }))]);
  const columns: Column[] = [...left.rel.columns, ...keys.map((k, i) => ({ name: k, type: types[i]! }))];
  const input = left.rel;
  const outer = type === 'LEFT';
  const rel = lazyRel(
    () =>
      input.stream.flatMap<Row>((r, out) => {
        let any = false;
        produce(
          args.map((a) => a(r) ?? null),
          (cells) => {
            any = true;
            const o: Row = { ...r };
            for (let i = 0; i < keys.length; i++) o[keys[i]!] = cells[i] ?? null;
            out.collect(o);
          },
        );
        if (!any && outer) {
          const o: Row = { ...r };
          for (const k of keys) o[k] = null;
          out.collect(o);
        }
      }, 'Correlate'),
    columns,
    input.updating,
    `Correlate(invocation=[${exprText(call)}], select=[${columns.map((c) => c.name).join(', ')}], joinType=[${type}])\n${indent(input.explain)}`,
  );
  return { rel, scope };
}

function safeType(left: { scope: RelScope }, e: Parameters<typeof compileExpr>[0]): string {
  if (e.k !== 'col') return 'UNKNOWN';
  try {
    return left.scope.resolve(e.path).type;
  } catch {
    return 'UNKNOWN';
  }
}
