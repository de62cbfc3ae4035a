/**
 * The keys SQL operators partition and keep their state by, as generated JS over the row `r` (one function, no
 * array or closure per row). Equal values give equal keys; a key is a primitive the engine's keyed state compares
 * by value.
 */

/**
 * Several values: the JSON text of their array, built part by part (numbers by concatenation, others by JSON.stringify
 * of the value alone) without the array and JSON.stringify's walk over it. NaN and Infinity give their own names,
 * which no JSON text equals; a missing value is NULL.
 */
function tupleJs(parts: string[]): string {
  if (parts.length === 0) return "'[]'";
  const vs = parts.map((_, i) => `v${i}`);
  const part = (v: string) => `(typeof ${v} === 'number' ? '' + ${v} : JSON.stringify(${v} ?? null))`;
  return `((${vs.join(', ')}) => '[' + ${vs.map(part).join(" + ',' + ")} + ']')(${parts.join(', ')})`;
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
