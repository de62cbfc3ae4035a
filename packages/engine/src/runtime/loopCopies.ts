/*
 * Per-node copies of the batch loops (batchLoops.ts), and the one cache that keeps them.
 *
 * Why copies: a loop shared by every filter of a job calls each filter's function from one call site; once that site
 * has seen two functions V8 inlines neither and calls each through the megamorphic path. A copy per node, compiled
 * from the loop's source text, is a function of its own to V8, and its call site sees one user function. Copies are
 * kept by key (node id and the user function's source), so a job that runs again finds its loops already optimized.
 *
 * Where a copy cannot be made, the node runs the plain loop (same results, shared call site): when the host refuses
 * code generation from strings (`node --disallow-code-generation-from-strings`, a CSP without 'unsafe-eval'), or when
 * the loop's source does not stand alone (coverage instrumentation adds counters the copy cannot see).
 */

/** Copies by loop and key; emptied when it reaches MAX_LOOP_COPIES (live operators keep theirs). */
const copies = new Map<string, unknown>();
const MAX_LOOP_COPIES = 1024;
/** False once the host refused code generation: no further attempts (each would throw). */
let codegen = true;

/** The copy of `loop` for `key` (an operator's node and its user function's source), or `loop` itself (see above). */
export function loopCopy<F extends (...args: never[]) => unknown>(loop: F, key: string): F {
  return cachedCopy(`${loop.name}\n${key}`, () => loop.toString(), loop);
}

/**
 * A loop generated as source text (e.g. a chain's loop, one call site per stage), compiled once per `id` into the same cache;
 * `fallback` runs instead where it cannot be compiled.
 */
export function generatedLoop<F extends (...args: never[]) => unknown>(id: string, source: () => string, fallback: F): F {
  return cachedCopy(id, source, fallback);
}

function cachedCopy<F extends (...args: never[]) => unknown>(id: string, source: () => string, fallback: F): F {
  const cached = copies.get(id) as F | undefined;
  if (cached !== undefined) return cached;
  const copy = compile(source(), fallback);
  if (copies.size >= MAX_LOOP_COPIES) copies.clear();
  copies.set(id, copy);
  return copy;
}

/** Compiles a function's source, or returns `fallback` when that is refused or the source does not stand alone. */
export function compile<F extends (...args: never[]) => unknown>(source: string, fallback: F): F {
  if (!codegen) return fallback;
  let copy: F;
  try {
    copy = new Function(`"use strict"; return (${source});`)() as F;
  } catch (e) {
    // EvalError: code generation from strings is disallowed in this process (or realm).
    if (e instanceof EvalError) codegen = false;
    return fallback;
  }
  return standsAlone(copy, source) ? copy : fallback;
}

/**
 * Runs the copy once on an empty batch (length 0, every other argument an empty object): no record is read and no user
 * function called, but code outside the record loop runs. A loop that uses only its parameters and globals passes;
 * an instrumented one throws a ReferenceError for its counters.
 */
function standsAlone(copy: (...args: never[]) => unknown, source: string): boolean {
  const params = /^[^(]*\(([^)]*)\)/.exec(source)?.[1]?.split(',').map((p) => p.trim()) ?? [];
  const args = params.map((p) => (p === 'length' ? 0 : {}));
  try {
    (copy as (...a: unknown[]) => unknown)(...args);
    return true;
  } catch {
    return false;
  }
}

/** For tests: how many copies the cache holds, and a way to start from an empty one. */
export const loopCopiesForTests = {
  size: () => copies.size,
  clear: () => copies.clear(),
  codegen: () => codegen,
};
