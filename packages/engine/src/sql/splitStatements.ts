/** One statement of a SQL text, with the line it starts on (1-based) in that text. */
export interface SqlStatement {
  text: string;
  line: number;
}

/**
 * Splits SQL text at the semicolons that end statements: not inside '...' strings, "..." or `...` identifiers, -- and
 * /* *\/ comments. Only a splitter, to pick a notebook's DDL out of its SQL cells; the engine parses each statement.
 */
export function splitStatements(sql: string): SqlStatement[] {
  const out: SqlStatement[] = [];
  let start = 0;
  let i = 0;
  const push = (end: number) => {
    const raw = sql.slice(start, end);
    const lead = /^(?:\s|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*/.exec(raw)![0];
    const text = raw.slice(lead.length).trim();
    if (text !== '') out.push({ text, line: sql.slice(0, start + lead.length).split('\n').length });
  };
  while (i < sql.length) {
    const c = sql[i]!;
    if (c === "'" || c === '"' || c === '`') {
      // A doubled quote is an escaped quote inside the literal.
      i++;
      while (i < sql.length && !(sql[i] === c && sql[i + 1] !== c)) i += sql[i] === c ? 2 : 1;
      i++;
    } else if (c === '-' && sql[i + 1] === '-') {
      const nl = sql.indexOf('\n', i);
      i = nl < 0 ? sql.length : nl + 1;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? sql.length : end + 2;
    } else if (c === ';') {
      push(i);
      start = ++i;
    } else i++;
  }
  push(sql.length);
  return out;
}

/** Statements that change the catalog or the job options (what later SQL cells see), not queries or INSERTs. */
export function isCatalogStatement(statement: string): boolean {
  return /^(CREATE|DROP|ALTER|SET|RESET|USE)\b/i.test(statement) && !/^CREATE\s+(TABLE\s+\S+\s+)?AS\b/i.test(statement);
}
