import type { Cell, MarkdownCell, Notebook } from '@flowbook/protocol';
import { NOTEBOOK_VERSION } from '@flowbook/protocol';
import { cellIdFor } from './cellIdFor.js';

interface Ipynb {
  metadata?: { title?: string };
  cells?: { id?: string; cell_type?: string; source?: string | string[] }[];
}

/** A Jupyter notebook (`.ipynb`, nbformat 4): markdown and code cells keep their text; raw cells become markdown. */
export function fromJupyter(raw: unknown, fallbackTitle: string): Notebook {
  const nb = raw as Ipynb;
  if (typeof nb !== 'object' || nb === null || !Array.isArray(nb.cells)) throw new Error('not a Jupyter notebook: no "cells" array');
  const cells: Cell[] = [];
  nb.cells.forEach((c, i) => {
    const source = Array.isArray(c.source) ? c.source.join('') : typeof c.source === 'string' ? c.source : '';
    const id = cellIdFor(c.id, i, cells);
    if (c.cell_type === 'code') cells.push({ id, type: 'code', language: 'typescript', source, charts: {} });
    else cells.push({ id, type: 'markdown', source });
  });
  const heading = cells.find((c): c is MarkdownCell => c.type === 'markdown' && /^#\s+\S/.test(c.source));
  const title = nb.metadata?.title ?? (heading ? heading.source.split('\n')[0]!.replace(/^#\s+/, '').trim() : fallbackTitle);
  return { version: NOTEBOOK_VERSION, title, cells };
}
