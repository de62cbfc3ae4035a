import type { Cell, CellOutputs, ImportReportEntry, Notebook, ParamDef, StaticOutput } from '@flowbook/protocol';
import { NOTEBOOK_VERSION, STATIC_OUTPUT_LIMITS } from '@flowbook/protocol';
import { boundedOutput } from './boundedOutput.js';
import { cellIdFor } from './cellIdFor.js';
import { sqlCellOfParagraph } from './zeppelinSql.js';
import { interpreterLanguage } from './interpreterLanguage.js';
import { convertForms, savedValues, type ZeppelinForm } from './zeppelinForms.js';
import { zeppelinOutputs, type ZeppelinResult } from './zeppelinResults.js';

interface ZeppelinParagraph {
  id?: string;
  title?: string;
  text?: string;
  config?: { title?: boolean };
  settings?: { forms?: Record<string, ZeppelinForm>; params?: Record<string, unknown> };
  results?: ZeppelinResult;
  result?: ZeppelinResult;
  status?: string;
  dateStarted?: string;
  dateFinished?: string;
}

interface ZeppelinNote {
  name?: string;
  /** Note forms (`$${name}` in any paragraph) and their saved values. */
  noteForms?: Record<string, ZeppelinForm>;
  noteParams?: Record<string, unknown>;
  defaultInterpreterGroup?: string;
  paragraphs?: ZeppelinParagraph[];
}

/** `%flink.ssql(type=update)` at the start of a paragraph: the interpreter and the rest of the text. */
const DIRECTIVE = /^\s*%([\w.-]+)(\([^)]*\))?[ \t]*\r?\n?/;

/**
 * A Zeppelin note (`.zpln`, or the older `note.json`) as a notebook, with a report of what converted:
 * - `%md` paragraphs become markdown cells (their rendered HTML result is not kept: the markdown renders here);
 * - `%flink.ssql` / `%flink.bsql` paragraphs become SQL cells with their display mode and template (zeppelinSql.ts);
 * - other paragraphs become code cells marked with their language (`%flink` Scala, `%spark.pyspark` Python,
 *   `%sh`, …), text kept whole (directive included): they do not run here until ported;
 * - titles, full paragraph ids, dynamic forms (as parameters with their defaults and options) and saved results (as
 *   static outputs) are kept.
 */
export function fromZeppelin(raw: unknown, fallbackTitle: string): { notebook: Notebook; entries: ImportReportEntry[] } {
  const note = raw as ZeppelinNote;
  if (typeof note !== 'object' || note === null || !Array.isArray(note.paragraphs)) throw new Error('not a Zeppelin note: no "paragraphs" array');
  const cells: Cell[] = [];
  const entries: ImportReportEntry[] = [];
  const noteParams = new Map<string, ParamDef>();
  const defaultInterpreter = note.defaultInterpreterGroup ?? 'spark';
  note.paragraphs.forEach((p, i) => {
    const text = typeof p.text === 'string' ? p.text : '';
    const directive = DIRECTIVE.exec(text);
    const body = directive ? text.slice(directive[0].length) : text;
    const where = `paragraph ${i + 1}${p.title ? ` "${p.title}"` : ''}`;
    if (body.trim() === '') {
      if (text.trim() !== '' || p.title) entries.push({ kind: 'dropped', message: `${where}: empty` });
      return;
    }
    const id = cellIdFor(p.id, i, cells);
    const title = typeof p.title === 'string' && p.title.trim() !== '' ? { title: p.title.slice(0, 500) } : {};
    const interpreter = directive?.[1] ?? defaultInterpreter;
    const sql = sqlCellOfParagraph(id, text);
    if (sql) {
      cells.push({ ...sql, ...title });
      entries.push({ cellId: id, kind: 'converted', message: `${where}: %${interpreter} as a SQL cell (mode ${sql.mode})` });
      return;
    }
    const language = interpreterLanguage(interpreter);
    if (language === 'markdown') {
      cells.push({ id, type: 'markdown', ...title, source: body });
      entries.push({ cellId: id, kind: 'converted', message: `${where}: markdown` });
      return;
    }
    const forms = convertForms(text, p.settings ?? {});
    for (const f of forms.noteParams) if (!noteParams.has(f.name)) noteParams.set(f.name, f);
    const dropped: string[] = [];
    const outputs = zeppelinOutputs(p.results ?? p.result, (what) => dropped.push(what))
      .flatMap((o) => boundedOutput(o, (m) => dropped.push(m)) ?? [])
      .slice(0, STATIC_OUTPUT_LIMITS.perCell);
    cells.push({
      id,
      type: 'code',
      ...title,
      language,
      source: forms.text,
      charts: {},
      ...(forms.params.length > 0 ? { params: forms.params } : {}),
      ...(Object.keys(forms.values).length > 0 ? { paramValues: forms.values } : {}),
      ...(outputs.length > 0 ? { outputs: savedOutputs(outputs, p) } : {}),
    });
    const kept = [
      forms.params.length > 0 ? `forms ${forms.params.map((f) => `${f.name} (${f.type}${f.options ? `: ${f.options.join('|')}` : ''}, default ${String(f.default)})`).join(', ')}` : '',
      outputs.length > 0 ? `${outputs.length} saved result(s) (${outputs.map((o) => o.kind).join(', ')})` : '',
    ].filter(Boolean);
    const detail = kept.length > 0 ? `; kept ${kept.join('; ')}` : '';
    if (language === 'typescript') entries.push({ cellId: id, kind: 'converted', message: `${where}: code${detail}` });
    else entries.push({ cellId: id, kind: 'needs-porting', message: `${where}: %${interpreter} (${language}) kept as a ${language} cell that does not run here; port it to TypeScript${detail}` });
    for (const n of [...forms.notes, ...dropped]) entries.push({ cellId: id, kind: 'dropped', message: `${where}: ${n}` });
  });
  // Note forms: the definitions Zeppelin saved win over what the paragraphs' text says.
  const saved = convertForms('', { forms: note.noteForms ?? {}, params: note.noteParams ?? {} });
  for (const f of saved.params) noteParams.set(f.name, f);
  const params = [...noteParams.values()];
  const values = savedValues(params, note.noteParams ?? {});
  if (params.length > 0) entries.push({ kind: 'converted', message: `note forms ${params.map((f) => `${f.name} (${f.type}, default ${String(f.default)})`).join(', ')} became notebook parameters` });
  // Zeppelin names notes by path ("Flink Tutorial/4. Streaming ETL"): the title is the last part.
  const title = (note.name ?? '').split('/').pop()?.trim() || fallbackTitle;
  return {
    notebook: { version: NOTEBOOK_VERSION, title, cells, ...(params.length > 0 ? { params } : {}), ...(Object.keys(values).length > 0 ? { paramValues: values } : {}) },
    entries,
  };
}

function savedOutputs(outputs: StaticOutput[], p: ZeppelinParagraph): CellOutputs {
  const at = (s: string | undefined) => (s && Number.isFinite(Date.parse(s)) ? Date.parse(s) : 0);
  return {
    status: outputs.some((o) => o.kind === 'error') || p.status === 'ERROR' ? 'error' : 'finished',
    startedAt: at(p.dateStarted),
    finishedAt: at(p.dateFinished),
    results: {},
    logs: [],
    static: outputs,
  };
}
