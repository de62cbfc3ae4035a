import type { Cell, Notebook } from '@flowbook/protocol';
import { NOTEBOOK_VERSION } from '@flowbook/protocol';
import { cellIdFor } from './cellIdFor.js';
import { sqlCellOfParagraph } from './zeppelinSql.js';

interface ZeppelinNote {
  name?: string;
  paragraphs?: { id?: string; title?: string; text?: string }[];
}

/**
 * A Zeppelin note (`.zpln`, or the older `note.json`): `%md` paragraphs become markdown cells, `%flink.ssql` / `%flink.bsql`
 * SQL cells with their display mode and template (zeppelinSql.ts), every other paragraph a code
 * cell with its text kept as it is (interpreter directive included, so nothing is lost; Flink Scala/SQL will need porting).
 */
export function fromZeppelin(raw: unknown, fallbackTitle: string): Notebook {
  const note = raw as ZeppelinNote;
  if (typeof note !== 'object' || note === null || !Array.isArray(note.paragraphs)) throw new Error('not a Zeppelin note: no "paragraphs" array');
  const cells: Cell[] = [];
  note.paragraphs.forEach((p, i) => {
    const text = typeof p.text === 'string' ? p.text : '';
    if (text.trim() === '') return;
    const id = cellIdFor(p.id, i, cells);
    const md = /^\s*%md\b[ \t]*\n?/.exec(text);
    if (md) cells.push({ id, type: 'markdown', source: text.slice(md[0].length) });
    else cells.push(sqlCellOfParagraph(id, text) ?? { id, type: 'code', language: 'typescript', source: text, charts: {} });
  });
  return { version: NOTEBOOK_VERSION, title: (note.name ?? fallbackTitle).split('/').pop() || fallbackTitle, cells };
}
