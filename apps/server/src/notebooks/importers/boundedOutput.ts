import { STATIC_OUTPUT_LIMITS, type StaticOutput } from '@flowbook/protocol';

const cut = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, max - 40)}\n… (cut at import: ${s.length} characters)`);

/**
 * An imported output within the notebook's limits (protocol STATIC_OUTPUT_LIMITS): long text is cut with a note, a
 * table keeps its first rows, an image too large is left out (undefined). `note` hears what was cut.
 */
export function boundedOutput(o: StaticOutput, note: (message: string) => void): StaticOutput | undefined {
  const L = STATIC_OUTPUT_LIMITS;
  switch (o.kind) {
    case 'text':
      return { kind: 'text', text: cut(o.text, L.textChars) };
    case 'html':
      if (o.html.length > L.htmlChars) {
        note(`an HTML output of ${o.html.length} characters is too large to keep`);
        return undefined;
      }
      return o;
    case 'image':
      if (o.data.length > L.imageBase64Chars) {
        note(`an image of ${Math.round((o.data.length * 3) / 4 / 1024)} KiB is too large to keep`);
        return undefined;
      }
      return { ...o, data: o.data.replace(/\s+/g, '') };
    case 'table': {
      if (o.rows.length > L.tableRows) note(`a table of ${o.rows.length} rows keeps its first ${L.tableRows}`);
      const width = Math.min(o.columns.length, L.tableColumns);
      return {
        kind: 'table',
        columns: o.columns.slice(0, width).map((c) => c.slice(0, 1000)),
        rows: o.rows.slice(0, L.tableRows).map((r) => r.slice(0, width).map((v) => v.slice(0, 10_000))),
      };
    }
    case 'error':
      return { kind: 'error', name: o.name.slice(0, 1000), message: cut(o.message, L.textChars), ...(o.traceback !== undefined ? { traceback: cut(o.traceback, L.textChars) } : {}) };
  }
}
