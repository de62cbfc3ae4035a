import { z } from 'zod';

/**
 * What SQL cells' editors complete from (`GET /api/notebooks/<name>/sql-catalog`): the tables and views the notebook's
 * SQL cells create, with their columns, and the SQL functions and connector options the engine knows.
 */
// No meta id: it is not part of /api/v1, so it stays out of the OpenAPI document's components.
export const SqlCatalogInfo = z
  .object({
    tables: z.array(
      z.object({
        name: z.string(),
        kind: z.enum(['table', 'view']),
        connector: z.string().optional(),
        columns: z.array(z.object({ name: z.string(), type: z.string() })),
      }),
    ),
    functions: z.array(z.string()),
    /** Option keys of each connector ('connector' = '<name>' in CREATE TABLE ... WITH). */
    connectorOptions: z.record(z.string(), z.array(z.string())),
  });
export type SqlCatalogInfo = z.infer<typeof SqlCatalogInfo>;
