/**
 * The keys SQL operators partition and keep their state by, as generated JS over the row `r` (one function, no
 * array or closure per row). Equal values give equal keys; a key is a primitive the engine's keyed state compares
 * by value.
 */

/**
 * Several values: their JSON; when all are numbers (the common case: ids and window bounds), the same text built
 * by concatenation, which is the JSON of an array of numbers without JSON.stringify's cost (NaN and Infinity give
 * their own names, which no JSON text equals).
 */
function tupleJs(parts: string[]): string {
  if (parts.length === 0) return "'[]'";
  const vs = parts.map((_, i) => `v${i}`);
  const allNumbers = vs.map((v) => `typeof ${v} === 'number'`).join(' && ');
  const concat = `'[' + ${vs.join(" + ',' + ")} + ']'`;
  return `((${vs.join(', ')}) => ${allNumbers} ? ${concat} : JSON.stringify([${vs.join(', ')}]))(${parts.join(', ')})`;
}

/** A GROUP BY key: one value as it is (NULL as the engine's 'null' key), several as a tuple. */
export function groupKeyJs(parts: string[]): string {
  if (parts.length === 1) return `(${parts[0]}) ?? null`;
  return tupleJs(parts);
}

/**
 * A join key: one number as it is, one string prefixed (so that no string equals the JSON of another value), other
 * values as JSON; several as a tuple.
 */
export function joinKeyJs(parts: string[]): string {
  if (parts.length === 1) {
    return `((v) => typeof v === 'number' ? v : typeof v === 'string' ? 's' + v : JSON.stringify([v]))(${parts[0]})`;
  }
  return tupleJs(parts);
}
