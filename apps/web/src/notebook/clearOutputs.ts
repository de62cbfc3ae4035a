/** Which cells the server cleared, and which it left alone because they are running. */
export interface ClearedOutputs {
  cleared: string[];
  running: string[];
}

/**
 * Clears saved outputs on the server (`POST /api/v1/notebooks/<name>/clear-outputs`), of `cellIds` or of every code
 * cell. Outputs are the server's (a notebook save ignores the client's copy), so the page cannot clear them by saving.
 */
export async function clearOutputs(name: string, cellIds?: string[]): Promise<ClearedOutputs> {
  const url = `/api/v1/notebooks/${name.split('/').map(encodeURIComponent).join('/')}/clear-outputs`;
  const r = await fetch(url, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(cellIds ? { cellIds } : {}),
  });
  const body = (await r.json().catch(() => ({}))) as Partial<ClearedOutputs> & { error?: string };
  if (!r.ok) throw new Error(body.error ?? `HTTP ${r.status}`);
  return { cleared: body.cleared ?? [], running: body.running ?? [] };
}
