import type { FnSpec } from './PipelineGraph.js';

/**
 * Live function objects of graphs built in this process, by ref. Kept outside the graph so the graph stays JSON.
 * A WeakRef is not needed: refs live as long as the process that built them, and pipelines are few.
 */
const liveFunctions = new Map<string, unknown>();
let nextRef = 0;

/** Captures a user function (or an object of functions, like an AggregateFunction) as source text plus a live ref. */
export function toFnSpec(fn: unknown): FnSpec {
  const ref = `f${++nextRef}`;
  liveFunctions.set(ref, fn);
  return { code: sourceOf(fn), ref };
}

function sourceOf(fn: unknown): string {
  if (typeof fn === 'function') return fn.toString();
  if (typeof fn === 'object' && fn !== null) {
    // An object of methods (AggregateFunction, ProcessFunction, ...): serialize each member.
    const parts: string[] = [];
    const proto = Object.getPrototypeOf(fn);
    const keys = new Set<string>([...Object.keys(fn), ...(proto && proto !== Object.prototype ? Object.getOwnPropertyNames(proto) : [])]);
    keys.delete('constructor');
    for (const k of keys) {
      const v = (fn as Record<string, unknown>)[k];
      if (typeof v === 'function') {
        const src = v.toString();
        parts.push(isExpression(src) ? `${JSON.stringify(k)}: ${src}` : src);
      } else if (v !== undefined) {
        parts.push(`${JSON.stringify(k)}: ${JSON.stringify(v)}`);
      }
    }
    return `({ ${parts.join(', ')} })`;
  }
  throw new TypeError(`expected a function, got ${typeof fn}`);
}

function isExpression(src: string): boolean {
  return /^(async\s+)?(function\b|\(|[A-Za-z_$][\w$]*\s*=>)/.test(src.trim()) || src.trim().startsWith('class');
}

const compiled = new Map<string, unknown>();

let copying = false;

/**
 * Runs `build` (which resolves functions) so that every object of methods it resolves (a rich function) is its own
 * shallow copy: the second and later parallel subtasks of a node keep their own fields, as each Flink subtask gets its
 * own deserialized copy. Own enumerable fields are copied; JavaScript #private fields are not (methods using them
 * throw on a copy).
 */
export function withOwnFunctionCopies<T>(build: () => T): T {
  const was = copying;
  copying = true;
  try {
    return build();
  } finally {
    copying = was;
  }
}

/** Returns the live function for a spec when this process built it, else compiles its source text. */
export function resolveFn<T>(spec: FnSpec, what: string): T {
  const fn = resolveShared<T>(spec, what);
  if (!copying || typeof fn !== 'object' || fn === null) return fn;
  return Object.assign(Object.create(Object.getPrototypeOf(fn) as object | null) as object, fn) as T;
}

function resolveShared<T>(spec: FnSpec, what: string): T {
  if (spec.ref !== undefined && liveFunctions.has(spec.ref)) return liveFunctions.get(spec.ref) as T;
  const hit = compiled.get(spec.code);
  if (hit !== undefined) return hit as T;
  let value: unknown;
  const code = spec.code.trim();
  try {
    value = new Function(`"use strict"; return (${code});`)();
  } catch (first) {
    // Method shorthand such as `reduce(a, b) { ... }` is not an expression on its own.
    try {
      value = new Function(`"use strict"; const o = ({ ${code} }); return o[Object.keys(o)[0]];`)();
    } catch {
      throw new Error(`${what}: cannot compile function: ${(first as Error).message}`);
    }
  }
  compiled.set(spec.code, value);
  return value as T;
}
