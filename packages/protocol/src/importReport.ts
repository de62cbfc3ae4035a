import { z } from 'zod';

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
