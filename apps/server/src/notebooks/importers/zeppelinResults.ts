import { stripVTControlCharacters } from 'node:util';
import type { StaticOutput } from '@flowbook/protocol';

/** A paragraph's saved result: `results` (0.8+: several messages) or `result` (older note.json: one). */
export interface ZeppelinResult {
  code?: string;
  msg?: { type?: string; data?: string }[] | string;
  type?: string;
}

/**
 * Zeppelin's saved results as static outputs: TEXT as text, TABLE (tab-separated, header first) as a table, HTML as
 * HTML (sanitized where shown), IMG (base64 PNG) as an image; an ERROR result as an error. `dropped` hears the rest.
 */
export function zeppelinOutputs(result: ZeppelinResult | undefined, dropped: (what: string) => void): StaticOutput[] {
  if (!result) return [];
  const msgs = Array.isArray(result.msg) ? result.msg : typeof result.msg === 'string' ? [{ type: result.type ?? 'TEXT', data: result.msg }] : [];
  const failed = (result.code ?? '').toUpperCase() === 'ERROR';
  const out: StaticOutput[] = [];
  for (const m of msgs) {
    const type = (m.type ?? 'TEXT').toUpperCase();
    // The Scala REPL colours its TEXT output for a terminal (`\u001b[1m\u001b[34mdata\u001b[0m: …`).
    const data = typeof m.data !== 'string' ? '' : type === 'TEXT' ? stripVTControlCharacters(m.data) : m.data;
    if (data.trim() === '') continue;
    if (failed && type === 'TEXT') out.push({ kind: 'error', name: 'Error', message: data });
    else if (type === 'TEXT') out.push({ kind: 'text', text: data });
    else if (type === 'TABLE') out.push(table(data));
    else if (type === 'HTML') out.push({ kind: 'html', html: data });
    else if (type === 'IMG') out.push({ kind: 'image', mime: 'image/png', data });
    else dropped(`a ${type} result (not shown outside Zeppelin)`);
  }
  return out;
}

/** Zeppelin's table format: rows by newline, columns by tab, the first row the header. */
function table(data: string): StaticOutput {
  const lines = data.replace(/\n+$/, '').split('\n');
  const columns = (lines[0] ?? '').split('\t');
  return { kind: 'table', columns, rows: lines.slice(1).map((l) => l.split('\t')) };
}
