/**
 * CSV writing (RFC 4180). csv-stringify is not a dependency; quoting is the only subtle part, so it is done here:
 * a field is quoted when it holds the delimiter, a quote, a line break, or leading/trailing spaces (which some
 * readers trim), and quotes inside are doubled.
 */

/** Text of one field: null/undefined → empty, Date → ISO 8601, objects and arrays → JSON. */
function fieldText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export function csvField(value: unknown, delimiter = ','): string {
  const text = fieldText(value);
  // An empty string is written as "" so that a reader can tell it from a missing value (written as nothing).
  if (text === '') return typeof value === 'string' ? '""' : '';
  const mustQuote = text.includes(delimiter) || /["\r\n]/.test(text) || text.trim() !== text;
  return mustQuote ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV line, '\n'-terminated. */
export function csvRow(fields: readonly unknown[], delimiter = ','): string {
  const line = fields.map((f) => csvField(f, delimiter)).join(delimiter);
  // A lone empty field would be an empty line, which readers skip: quote it so the record survives.
  return (line === '' ? '""' : line) + '\n';
}
