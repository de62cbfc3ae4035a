import type { SqlCatalogInfo } from '@flowbook/protocol';

/** One completion, independent of Monaco (so it is testable): what is inserted, its label and what kind it is. */
export interface SqlSuggestion {
  label: string;
  insertText: string;
  kind: 'table' | 'column' | 'function' | 'option' | 'keyword';
  detail?: string;
}

const KEYWORDS = [
  'SELECT', 'FROM', 'WHERE', 'GROUP BY', 'HAVING', 'ORDER BY', 'LIMIT', 'JOIN', 'LEFT JOIN', 'ON', 'AS', 'AND', 'OR', 'NOT',
  'CASE', 'WHEN', 'THEN', 'ELSE', 'END', 'CAST', 'INTERVAL', 'DESCRIPTOR', 'TABLE', 'CREATE TABLE', 'CREATE VIEW',
  'CREATE TEMPORARY VIEW', 'WITH', 'WATERMARK FOR', 'INSERT INTO', 'EXPLAIN', 'SET', 'OVER', 'PARTITION BY', 'DISTINCT',
  'FILTER', 'BETWEEN', 'IN', 'LIKE', 'IS NULL', 'PROCTIME()', 'CREATE TEMPORARY FUNCTION', 'DROP TEMPORARY FUNCTION', 'UNION',
  'INTERSECT', 'EXCEPT', 'LATERAL TABLE', 'CROSS JOIN UNNEST', 'SHOW JOBS', 'STOP JOB', 'WITH SAVEPOINT',
];

const WORD = /[A-Za-z_][\w$]*$/;

/** Table names after FROM / JOIN with their aliases in the text ("FROM orders o" → o → orders). */
function aliases(text: string, tables: SqlCatalogInfo['tables']): Map<string, string> {
  const known = new Map(tables.map((t) => [t.name.toLowerCase(), t.name]));
  const out = new Map<string, string>();
  for (const m of text.matchAll(/\b(?:FROM|JOIN|TABLE)\s+([A-Za-z_][\w$]*)(?:\s+(?:AS\s+)?([A-Za-z_][\w$]*))?/gi)) {
    const table = known.get(m[1]!.toLowerCase());
    if (!table) continue;
    out.set(m[1]!.toLowerCase(), table);
    if (m[2] && !/^(WHERE|GROUP|ORDER|JOIN|LEFT|RIGHT|INNER|ON|WINDOW|LIMIT|UNION|INTERSECT|EXCEPT)$/i.test(m[2])) out.set(m[2].toLowerCase(), table);
  }
  return out;
}

/**
 * What to suggest at the cursor, given the text before it (`before`) and the whole cell text: after `name.` the columns
 * of that table or alias; inside a CREATE TABLE's WITH (...) the options of its connector; else tables, columns of
 * the tables the statement reads, functions and keywords.
 */
export function sqlSuggestions(catalog: SqlCatalogInfo, before: string, text: string): SqlSuggestion[] {
  const dotted = /([A-Za-z_][\w$]*)\.\s*[A-Za-z_]?[\w$]*$/.exec(before);
  if (dotted) {
    const name = aliases(text, catalog.tables).get(dotted[1]!.toLowerCase()) ?? dotted[1]!;
    const table = catalog.tables.find((t) => t.name.toLowerCase() === name.toLowerCase());
    return (table?.columns ?? []).map((c) => ({ label: c.name, insertText: c.name, kind: 'column', detail: `${c.type} · ${table!.name}` }));
  }
  // Inside WITH ( ... ) of the statement being written, outside a quoted value: connector option keys, quoted.
  const statement = before.slice(before.lastIndexOf(';') + 1);
  const withAt = statement.search(/\bWITH\s*\([^)]*$/i);
  const quotes = (statement.slice(withAt).match(/'/g) ?? []).length;
  if (/^\s*CREATE\b/i.test(statement) && withAt >= 0 && quotes % 2 === 0) {
    const connector = /'connector'\s*=\s*'([^']*)'/i.exec(text.slice(before.length - statement.length))?.[1];
    const keys = connector ? (catalog.connectorOptions[connector] ?? []) : ['connector'];
    const names = connector ? keys : Object.keys(catalog.connectorOptions);
    return [
      ...keys.map((k): SqlSuggestion => ({ label: `'${k}'`, insertText: `'${k}' = ''`, kind: 'option', detail: connector ? `${connector} option` : 'connector' })),
      ...(connector ? [] : names.map((n): SqlSuggestion => ({ label: `'connector' = '${n}'`, insertText: `'connector' = '${n}'`, kind: 'option', detail: 'connector' }))),
    ];
  }
  // The whole statement the cursor is in: its FROM usually comes after the cursor.
  const end = text.indexOf(';', before.length);
  const whole = text.slice(before.length - statement.length, end < 0 ? text.length : end);
  const used = new Set(aliases(whole, catalog.tables).values());
  const columns = catalog.tables.filter((t) => used.has(t.name)).flatMap((t) => t.columns.map((c): SqlSuggestion => ({ label: c.name, insertText: c.name, kind: 'column', detail: `${c.type} · ${t.name}` })));
  return [
    ...catalog.tables.map((t): SqlSuggestion => ({ label: t.name, insertText: t.name, kind: 'table', detail: `${t.kind}${t.connector ? ` · ${t.connector}` : ''}` })),
    ...columns,
    ...catalog.functions.map((f): SqlSuggestion => ({ label: f, insertText: `${f}(`, kind: 'function' })),
    ...KEYWORDS.map((k): SqlSuggestion => ({ label: k, insertText: k, kind: 'keyword' })),
  ];
}

/** The word being typed at the end of `before` (what the suggestion replaces). */
export const wordBefore = (before: string): string => WORD.exec(before)?.[0] ?? '';
