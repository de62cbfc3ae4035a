import { parse } from 'acorn';

/** Parses a function body as `new Function` would, without evaluating anything (the browser's CSP allows no eval). */
function parses(body: string): void {
  parse(body, { ecmaVersion: 'latest', sourceType: 'script', allowReturnOutsideFunction: true });
}

/**
 * The syntax error of a user function's source, as the runtime's resolveFn compiles it (an expression, or method
 * shorthand taken from a one-method object), or undefined. The engine compiles functions only when the job starts:
 * this finds the error where the function is typed.
 */
export function fnSyntaxError(code: string): string | undefined {
  try {
    parses(`"use strict"; return (${code}\n);`);
    return undefined;
  } catch (first) {
    try {
      parses(`"use strict"; return ({ ${code}\n});`);
      return undefined;
    } catch {
      // acorn's "(line:column)" counts in the wrapped text, not in the user's.
      return (first as Error).message.replace(/ \(\d+:\d+\)$/, '');
    }
  }
}
