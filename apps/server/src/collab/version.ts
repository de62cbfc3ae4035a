import { createHash } from 'node:crypto';
import type { Notebook } from '@flowbook/protocol';

/**
 * A notebook's version for REST's ETag / If-Match: a hash of what people edit. Outputs are left out: a job ending
 * (which writes its cell's outputs) is not an edit, and should not make a client's next PUT stale.
 */
export function versionOf(nb: Notebook): string {
  const cells = nb.cells.map((c) => {
    if (!('outputs' in c)) return c;
    const { outputs: _outputs, ...rest } = c;
    return rest;
  });
  return `"${createHash('sha256').update(JSON.stringify({ ...nb, cells })).digest('base64url').slice(0, 22)}"`;
}
