import { SqlError } from './SqlError.js';

/**
 * A user-defined scalar function, as Flink's ScalarFunction: a plain function, or an object with `eval(...)` (a class
 * instance), optionally naming its SQL result type (JavaScript values carry no SQL type; default: inferred as
 * UNKNOWN, shown as the value is). It is called once per row with SQL NULLs as `null`.
 */
export type ScalarFunction = ((...args: never[]) => unknown) | { eval: (...args: never[]) => unknown; resultType?: string };

export interface RegisteredFunction {
  /** Index into UDFS: what generated code calls (F.$udf[id]). */
  id: number;
  fn: (...args: unknown[]) => unknown;
  resultType?: string;
}

/** Every function ever registered, by id: compiled expressions call them by index, like the built-in F functions. */
export const UDFS: ((...args: unknown[]) => unknown)[] = [];

/** The functions of one TableEnvironment (Flink's temporary system functions), by upper-case name. */
export class FunctionCatalog {
  private readonly fns = new Map<string, RegisteredFunction>();

  register(name: string, f: ScalarFunction, builtins: readonly string[]): void {
    const key = name.toUpperCase();
    if (!/^[A-Z_][A-Z0-9_]*$/.test(key)) throw new SqlError(`function name '${name}' must be an identifier`);
    if (builtins.includes(key)) throw new SqlError(`function '${name}' is a built-in function`);
    if (this.fns.has(key)) throw new SqlError(`a function named '${name}' already exists`);
    const call =
      typeof f === 'function'
        ? (f as (...a: unknown[]) => unknown)
        : typeof f?.eval === 'function'
          ? (...a: unknown[]) => (f.eval as (...x: unknown[]) => unknown).apply(f, a)
          : undefined;
    if (!call) throw new SqlError(`function '${name}': expected a function or an object with eval(...)`);
    UDFS.push(call);
    this.fns.set(key, { id: UDFS.length - 1, fn: call, resultType: typeof f === 'function' ? undefined : f.resultType?.toUpperCase() });
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
