import { isDeepStrictEqual } from 'node:util';
import { isRunnable, paramValuesOf, seriesOf, type CellRun, type Notebook, type RunnableCell } from '@flowbook/protocol';
import type { CellProgram } from '../jobs/JobManager.js';
import { sqlProgramOf } from '@flowbook/engine';
import type { NotebookStore } from '../notebooks/NotebookStore.js';
import { can, describe, type Identity } from './identity.js';
import type { PermissionStore } from './PermissionStore.js';

/** What a runnable cell runs as saved: its code, its graph, or for SQL the program generated from it and the SQL cells above. */
export function savedProgramOf(cell: RunnableCell, nb: Notebook): CellProgram {
  if (cell.type === 'sql') return sqlProgramOf(nb, cell);
  return cell.type === 'code' ? cell.source : { graph: cell.graph };
}

export interface ResolvedRun {
  program: CellProgram;
  params: Record<string, string | number | boolean>;
  series: Record<string, string> | undefined;
}

/**
 * What a `cell.run` may run. The cell must exist in the saved notebook. Without code in the message (no `source`, no
 * `graph`) the saved cell runs; code that differs from the saved cell is code of the client's choosing, which needs the
 * writer role (a runner could otherwise run anything with the server's rights). The caller has checked the run role.
 */
export async function programToRun(
  identity: Identity,
  permissions: PermissionStore,
  store: NotebookStore,
  msg: Pick<CellRun, 'notebook' | 'cellId' | 'source' | 'graph' | 'params' | 'series'>,
): Promise<ResolvedRun> {
  const nb = await store.read(msg.notebook);
  const cell = nb.cells.find((c) => c.id === msg.cellId);
  if (!cell || !isRunnable(cell)) throw new Error(`notebook "${msg.notebook}" has no code, pipeline or SQL cell "${msg.cellId}"`);
  if (cell.type === 'code' && cell.language !== 'typescript') {
    throw new Error(`cell "${msg.cellId}" of "${msg.notebook}" is ${cell.language} (imported): only TypeScript cells run here; port it to TypeScript first`);
  }
  const saved = savedProgramOf(cell, nb);
  // A SQL cell's client sends SQL, never TypeScript: the server generates the program around it.
  const sent: CellProgram | undefined = msg.graph
    ? { graph: msg.graph }
    : msg.source === ''
      ? undefined
      : cell.type === 'sql'
        ? sqlProgramOf(nb, cell, msg.source)
        : msg.source;
  if (sent !== undefined && !isDeepStrictEqual(sent, saved) && !can(identity, 'write', msg.notebook, permissions)) {
    throw new Error(`${describe(identity)} may run only the saved cells of "${msg.notebook}": running other code needs the writer role`);
  }
  return {
    program: sent ?? saved,
    // Form values from the client override the saved ones: they are data the code reads, not code.
    params: { ...paramValuesOf(nb, cell), ...msg.params },
    series: msg.series ?? seriesOf(cell),
  };
}
