import { SqlError } from './SqlError.js';

/**
 * A user-defined scalar function, as Flink's ScalarFunction: a plain function, or an object with `eval(...)` (a class
 * instance), optionally naming its SQL result type (JavaScript values carry no SQL type; default: inferred as
 * UNKNOWN, shown as the value is). It is called once per row with SQL NULLs as `null`.
 */
export type ScalarFunction = ((...args: never[]) => unknown) | { eval: (...args: never[]) => unknown; resultType?: string };

/**
 * A user-defined aggregate function, as Flink's AggregateFunction<T, ACC>: `createAccumulator()` makes an empty
 * accumulator, `accumulate(acc, ...args)` adds a row's arguments to it (in place), `retract(acc, ...args)` removes
 * them (needed when the input is an updating query, or for bounded OVER frames), `merge(acc, others)` adds other
 * accumulators into `acc` (needed by session windows), `getValue(acc)` is the result. The accumulator is plain data
 * (JSON: numbers, strings, arrays, objects), as it lives in keyed state and checkpoints like a built-in aggregate's.
 * SQL NULL arguments arrive as `null`, as in Flink.
 */
export interface SqlAggregateFunction<ACC = any, T = unknown> {
  createAccumulator(): ACC;
  accumulate(acc: ACC, ...args: any[]): void;
  retract?(acc: ACC, ...args: any[]): void;
  merge?(acc: ACC, others: Iterable<ACC>): void;
  getValue(acc: ACC): T;
  resultType?: string;
}

/**
 * A user-defined table function, as Flink's TableFunction<T>: `eval(...args)` is called per input row and emits zero
 * or more rows with `this.collect(row)`. A row is an array of the columns named by `AS T(a, b)` (or an object with
 * those fields); a value that is neither is a row of one column. `resultTypes` may name the columns' SQL types.
 */
export abstract class TableFunction<T = unknown> {
  private out: ((row: T) => void) | undefined;
  resultTypes?: string[];
  /** Emits a row of the table the current eval produces. */
  protected collect(row: T): void {
    if (!this.out) throw new Error('TableFunction.collect called outside eval');
    this.out(row);
  }
  /** Calls eval with `args`, handing what it collects to `out`. */
  static rows<T>(f: TableFunction<T> & { eval: (...a: unknown[]) => void }, args: unknown[], out: (row: T) => void): void {
    const prev = f.out;
    f.out = out;
    try {
      f.eval(...args);
    } finally {
      f.out = prev;
    }
  }
}

export interface RegisteredFunction {
  kind: 'scalar' | 'aggregate' | 'table';
  /** Index into UDFS (F.$udf[id]), or for an aggregate function into UDAFS (F.$udaf[id]); -1 for table functions. */
  id: number;
  fn: (...args: unknown[]) => unknown;
  resultType?: string;
  aggregate?: SqlAggregateFunction;
  table?: TableFunction & { eval: (...a: unknown[]) => void };
}

/** Every function ever registered, by id: compiled expressions call them by index, like the built-in F functions. */
export const UDFS: ((...args: unknown[]) => unknown)[] = [];
/** Every aggregate function ever registered, by id: compiled aggregation handles call them by index (F.$udaf[id]). */
export const UDAFS: SqlAggregateFunction[] = [];

const isAggregateFunction = (f: unknown): f is SqlAggregateFunction =>
  typeof f === 'object' && f !== null && ['createAccumulator', 'accumulate', 'getValue'].every((m) => typeof (f as Record<string, unknown>)[m] === 'function');

// by shape, not instanceof: a code cell's bundle may hold its own copy of the engine's TableFunction class
const isTableFunction = (f: unknown): f is TableFunction & { eval: (...a: unknown[]) => void } =>
  typeof f === 'object' && f !== null && typeof (f as { eval?: unknown }).eval === 'function' && typeof (f as { collect?: unknown }).collect === 'function';

/** The functions of one TableEnvironment (Flink's temporary system functions), by upper-case name. */
export class FunctionCatalog {
  private readonly fns = new Map<string, RegisteredFunction>();

  register(name: string, f: ScalarFunction | SqlAggregateFunction | TableFunction, builtins: readonly string[]): void {
    const key = name.toUpperCase();
    if (!/^[A-Z_][A-Z0-9_]*$/.test(key)) throw new SqlError(`function name '${name}' must be an identifier`);
    if (builtins.includes(key)) throw new SqlError(`function '${name}' is a built-in function`);
    if (this.fns.has(key)) throw new SqlError(`a function named '${name}' already exists`);
    const resultType = typeof f === 'function' ? undefined : (f as { resultType?: string }).resultType?.toUpperCase();
    const notCalled = () => {
      throw new SqlError(`function '${name}' is not a scalar function`);
    };
    if (isAggregateFunction(f)) {
      UDAFS.push(f);
      this.fns.set(key, { kind: 'aggregate', id: UDAFS.length - 1, fn: notCalled, resultType, aggregate: f });
      return;
    }
    if (isTableFunction(f)) {
      this.fns.set(key, { kind: 'table', id: -1, fn: notCalled, table: f });
      return;
    }
    const scalar = f as ScalarFunction;
    const call =
      typeof scalar === 'function'
        ? (scalar as (...a: unknown[]) => unknown)
        : typeof scalar?.eval === 'function'
          ? (...a: unknown[]) => (scalar.eval as (...x: unknown[]) => unknown).apply(scalar, a)
          : undefined;
    if (!call) throw new SqlError(`function '${name}': expected a function, an object with eval(...) (ScalarFunction), a TableFunction, or an object with createAccumulator/accumulate/getValue (AggregateFunction)`);
    UDFS.push(call);
    this.fns.set(key, { kind: 'scalar', id: UDFS.length - 1, fn: call, resultType });
  }

  drop(name: string): boolean {
    return this.fns.delete(name.toUpperCase());
  }

  get(name: string): RegisteredFunction | undefined {
    return this.fns.get(name.toUpperCase());
  }

  names(): string[] {
    return [...this.fns.keys()];
  }
}

// Planning is synchronous: the functions of the environment planning now, innermost last.
const active: FunctionCatalog[] = [];

/** Runs `plan` with `functions` visible to the expressions it compiles. */
export function withFunctions<T>(functions: FunctionCatalog, plan: () => T): T {
  active.push(functions);
  try {
    return plan();
  } finally {
    active.pop();
  }
}

/** The user function of that name in the environment being planned, if any. */
export function lookupFunction(name: string): RegisteredFunction | undefined {
  for (let i = active.length - 1; i >= 0; i--) {
    const f = active[i]!.get(name);
    if (f) return f;
  }
  return undefined;
}
