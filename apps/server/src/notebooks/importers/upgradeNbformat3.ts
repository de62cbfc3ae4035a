/** A Jupyter notebook in nbformat 4's shape (the parts the importer reads). */
export interface Ipynb4 {
  nbformat?: number;
  metadata?: { title?: string; kernelspec?: { language?: string; name?: string }; language_info?: { name?: string } };
  cells: Ipynb4Cell[];
}
export interface Ipynb4Cell {
  id?: string;
  cell_type?: string;
  source?: string | string[];
  attachments?: Record<string, Record<string, string | string[]>>;
  outputs?: Ipynb4Output[];
}
export interface Ipynb4Output {
  output_type?: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
  traceback?: string[];
}

interface Ipynb3 {
  metadata?: { name?: string; language?: string };
  worksheets?: { cells?: Record<string, unknown>[] }[];
}

/** nbformat 3's short output keys and their MIME types (nbformat's own v3 → v4 conversion). */
const MIME: Record<string, string> = {
  text: 'text/plain',
  html: 'text/html',
  svg: 'image/svg+xml',
  png: 'image/png',
  jpeg: 'image/jpeg',
  latex: 'text/latex',
  json: 'application/json',
  javascript: 'application/javascript',
  markdown: 'text/markdown',
};

/**
 * An nbformat 3 notebook (cells in `worksheets`, code in `input`, `heading` cells, `pyout` / `pyerr` outputs with
 * short keys) in nbformat 4's shape, as nbformat's `v4.convert.upgrade` does.
 */
export function upgradeNbformat3(raw: Ipynb3): Ipynb4 {
  const language = raw.metadata?.language;
  const cells = (raw.worksheets ?? []).flatMap((w) => w.cells ?? []).map((c): Ipynb4Cell => {
    const type = c.cell_type;
    if (type === 'heading') {
      const level = typeof c.level === 'number' ? Math.min(6, Math.max(1, c.level)) : 1;
      return { cell_type: 'markdown', source: `${'#'.repeat(level)} ${joined(c.source as string | string[])}` };
    }
    if (type === 'code') {
      return { cell_type: 'code', source: c.input as string | string[], outputs: ((c.outputs as Record<string, unknown>[] | undefined) ?? []).map(upgradeOutput) };
    }
    return { cell_type: type === 'markdown' ? 'markdown' : 'raw', source: c.source as string | string[] };
  });
  return { nbformat: 4, metadata: { ...(raw.metadata?.name ? { title: raw.metadata.name } : {}), ...(language ? { language_info: { name: language } } : {}) }, cells };
}

function upgradeOutput(o: Record<string, unknown>): Ipynb4Output {
  const type = o.output_type;
  if (type === 'stream') return { output_type: 'stream', name: String(o.stream ?? 'stdout'), text: o.text as string | string[] };
  if (type === 'pyerr') return { output_type: 'error', ename: String(o.ename ?? 'Error'), evalue: String(o.evalue ?? ''), traceback: (o.traceback as string[]) ?? [] };
  const data: Record<string, unknown> = {};
  for (const [key, mime] of Object.entries(MIME)) if (key in o) data[mime] = o[key];
  return { output_type: type === 'pyout' ? 'execute_result' : 'display_data', data };
}

/** Jupyter's multiline strings: a string, or a list of lines. */
export function joined(v: string | string[] | undefined): string {
  return Array.isArray(v) ? v.join('') : typeof v === 'string' ? v : '';
}
