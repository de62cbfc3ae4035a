import type { SqlCell, SqlMode } from '@flowbook/protocol';

/**
 * Zeppelin's local properties after the interpreter name: `%flink.ssql(type=update, template="{0} orders")` →
 * { type: 'update', template: '{0} orders' }. Values may be double-quoted (with \" inside) to hold commas or parens.
 * Returns the properties and where the paragraph's own text starts, or undefined when there are none.
 */
export function localProperties(text: string, from: number): { props: Record<string, string>; end: number } | undefined {
  if (text[from] !== '(') return undefined;
  const props: Record<string, string> = {};
  let i = from + 1;
  let part = '';
  let quoted = false;
  const take = () => {
    const eq = part.indexOf('=');
    const key = (eq < 0 ? part : part.slice(0, eq)).trim();
    const raw = eq < 0 ? '' : part.slice(eq + 1).trim();
    if (key !== '') props[key] = /^".*"$/s.test(raw) ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw;
    part = '';
  };
  for (; i < text.length; i++) {
    const c = text[i]!;
    if (quoted && c === '\\' && i + 1 < text.length) {
      part += c + text[++i];
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (!quoted && c === ')') {
      take();
      return { props, end: i + 1 };
    }
    if (!quoted && c === ',') take();
    else part += c;
  }
  return undefined;
}

const MODES: readonly string[] = ['single', 'update', 'append'] satisfies SqlMode[];

/**
 * A Zeppelin `%flink.ssql(...)` (streaming) or `%flink.bsql(...)` (batch) paragraph as a SQL cell: `type` becomes the
 * display mode (batch results are a final table: 'update'), `template` the single-value template. Properties Flowbook
 * has no place for (parallelism, refreshInterval, ...) stay visible as a comment above the SQL. Undefined for any
 * other paragraph.
 */
export function sqlCellOfParagraph(id: string, text: string): SqlCell | undefined {
  const head = /^\s*%(?:flink\.)?(ssql|bsql)\b/.exec(text);
  if (!head) return undefined;
  const local = localProperties(text, head[0].length);
  const props = local?.props ?? {};
  const body = text.slice(local?.end ?? head[0].length).replace(/^[ \t]*\n/, '');
  const type = props.type?.toLowerCase();
  const mode: SqlMode = head[1] === 'ssql' && type !== undefined && MODES.includes(type) ? (type as SqlMode) : 'update';
  const rest = Object.entries(props).filter(([k]) => k !== 'type' && k !== 'template');
  const note = rest.length > 0 ? `-- Zeppelin properties not used here: ${rest.map(([k, v]) => `${k}=${v}`).join(', ')}\n` : '';
  return {
    id,
    type: 'sql',
    source: note + body,
    mode,
    ...(props.template !== undefined ? { template: props.template } : {}),
    charts: {},
  };
}
