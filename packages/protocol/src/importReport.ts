import { z } from 'zod';
import { NotebookName } from './notebook.js';

/**
 * What an import made of a foreign notebook (Zeppelin, Jupyter), cell by cell: what was converted, what needs porting
 * and what was left out. Returned by the import API and shown in the web's import dialog.
 */
export const ImportReportEntry = z.object({
  /** The cell made from the foreign cell; none when nothing was made of it. */
  cellId: z.string().optional(),
  kind: z.enum(['converted', 'needs-porting', 'dropped']),
  message: z.string(),
});
export type ImportReportEntry = z.infer<typeof ImportReportEntry>;

export const ImportReport = z
  .object({
    format: z.enum(['flowbook', 'zeppelin', 'jupyter']),
    entries: z.array(ImportReportEntry),
  })
  .meta({ id: 'ImportReport' });
export type ImportReport = z.infer<typeof ImportReport>;

/** `POST /api/v1/notebooks/import`: a file's name (which tells the format) and its text; the name defaults to the file's. */
export const ImportNotebookRequest = z
  .object({ filename: z.string().min(1).max(500), content: z.string().max(10_000_000), name: NotebookName.optional() })
  .meta({ id: 'ImportNotebookRequest' });
export type ImportNotebookRequest = z.infer<typeof ImportNotebookRequest>;

export const ImportNotebookResult = z.object({ name: z.string(), cells: z.number().int(), report: ImportReport }).meta({ id: 'ImportNotebookResult' });
export type ImportNotebookResult = z.infer<typeof ImportNotebookResult>;
