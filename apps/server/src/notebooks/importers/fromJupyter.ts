import type { Cell, ImportReportEntry, Notebook } from '@flowbook/protocol';
import { NOTEBOOK_VERSION, STATIC_OUTPUT_LIMITS } from '@flowbook/protocol';
import { boundedOutput } from './boundedOutput.js';
import { cellIdFor } from './cellIdFor.js';
import { interpreterLanguage } from './interpreterLanguage.js';
import { jupyterOutputs } from './jupyterOutputs.js';
import { joined, upgradeNbformat3, type Ipynb4, type Ipynb4Cell } from './upgradeNbformat3.js';

/**
 * A Jupyter notebook (`.ipynb`, nbformat 4, or 3 upgraded) as a notebook named `title` (its file name), with a report:
 * - markdown cells keep their text, attachments inlined as data URLs (math renders with KaTeX in the web);
 * - raw cells stay raw (shown as text, never rendered);
 * - code cells are marked with the kernel's language (Python: not runnable here) and keep their outputs as static
 *   outputs (images, HTML, text, errors).
 */
export function fromJupyter(raw: unknown, title: string): { notebook: Notebook; entries: ImportReportEntry[] } {
  if (typeof raw !== 'object' || raw === null) throw new Error('not a Jupyter notebook');
  const r = raw as { nbformat?: number; cells?: unknown; worksheets?: unknown };
  let nb: Ipynb4;
  if (r.nbformat === 3 || (r.cells === undefined && Array.isArray(r.worksheets))) nb = upgradeNbformat3(raw as Parameters<typeof upgradeNbformat3>[0]);
  else if (Array.isArray(r.cells)) nb = raw as Ipynb4;
  else throw new Error(`not a Jupyter notebook: no "cells" array${typeof r.nbformat === 'number' ? ` (nbformat ${r.nbformat})` : ''}`);
  const kernel = nb.metadata?.kernelspec?.language ?? nb.metadata?.language_info?.name ?? 'python';
  const kernelLanguage = interpreterLanguage(kernel);
  const language = kernelLanguage === 'markdown' ? 'other' : kernelLanguage;
  const cells: Cell[] = [];
  const entries: ImportReportEntry[] = [];
  nb.cells.forEach((c: Ipynb4Cell, i) => {
    const source = joined(c.source);
    const id = cellIdFor(c.id, i, cells);
    const where = `cell ${i + 1}`;
    if (c.cell_type === 'code') {
      const dropped: string[] = [];
      const outputs = jupyterOutputs(c.outputs, (what) => dropped.push(what))
        .flatMap((o) => boundedOutput(o, (m) => dropped.push(m)) ?? [])
        .slice(0, STATIC_OUTPUT_LIMITS.perCell);
      cells.push({
        id,
        type: 'code',
        language,
        source,
        charts: {},
        ...(outputs.length > 0
          ? { outputs: { status: outputs.some((o) => o.kind === 'error') ? 'error' : 'finished', startedAt: 0, finishedAt: 0, results: {}, logs: [], static: outputs } }
          : {}),
      });
      const kept = outputs.length > 0 ? `; kept ${outputs.length} output(s) (${outputs.map((o) => (o.kind === 'image' ? o.mime : o.kind)).join(', ')})` : '';
      if (language === 'typescript') entries.push({ cellId: id, kind: 'converted', message: `${where}: code${kept}` });
      else entries.push({ cellId: id, kind: 'needs-porting', message: `${where}: ${kernel} code kept as a ${language} cell that does not run here; port it to TypeScript${kept}` });
      for (const d of dropped) entries.push({ cellId: id, kind: 'dropped', message: `${where}: ${d}` });
    } else if (c.cell_type === 'markdown') {
      const { text, missing } = inlineAttachments(source, c.attachments);
      cells.push({ id, type: 'markdown', source: text });
      entries.push({ cellId: id, kind: 'converted', message: `${where}: markdown${c.attachments ? ` with ${Object.keys(c.attachments).length} attachment(s)` : ''}` });
      for (const m of missing) entries.push({ cellId: id, kind: 'dropped', message: `${where}: attachment "${m}" is not in the notebook` });
    } else {
      cells.push({ id, type: 'markdown', format: 'raw', source });
      entries.push({ cellId: id, kind: 'converted', message: `${where}: raw (shown as text)` });
    }
  });
  return { notebook: { version: NOTEBOOK_VERSION, title, cells }, entries };
}

/** `attachment:name` links of a markdown cell as data URLs of the cell's attachments (images), so they render here. */
function inlineAttachments(source: string, attachments: Ipynb4Cell['attachments']): { text: string; missing: string[] } {
  const missing: string[] = [];
  const text = source.replace(/attachment:([^\s)"'>]+)/g, (m, rawName: string) => {
    const name = decodeURIComponent(rawName);
    const bundle = attachments?.[name];
    const mime = bundle && Object.keys(bundle).find((k) => k.startsWith('image/'));
    if (!bundle || !mime) {
      missing.push(name);
      return m;
    }
    return `data:${mime};base64,${joined(bundle[mime]).replace(/\s+/g, '')}`;
  });
  return { text, missing };
}
