import { Notebook, NotebookList } from '@flowbook/protocol';

/** Typed REST client: same-origin requests carrying the HttpOnly token cookie; responses validated with the shared schemas. */
async function request(url: string, init: RequestInit = {}): Promise<unknown> {
  const r = await fetch(url, { credentials: 'same-origin', ...init, headers: { 'content-type': 'application/json', ...(init.headers ?? {}) } });
  const body = await r.json().catch(() => ({ error: `HTTP ${r.status}` }));
  if (!r.ok) throw new Error((body as { error?: string }).error ?? `HTTP ${r.status}`);
  return body;
}

export const notebookUrl = (name: string) => `/api/notebooks/${name.split('/').map(encodeURIComponent).join('/')}`;

export async function listNotebooks(): Promise<NotebookList> {
  return NotebookList.parse(await request('/api/notebooks'));
}

export async function getNotebook(name: string): Promise<Notebook> {
  const body = (await request(notebookUrl(name))) as { notebook: unknown };
  return Notebook.parse(body.notebook);
}

export async function saveNotebook(name: string, notebook: Notebook): Promise<void> {
  await request(notebookUrl(name), { method: 'PUT', body: JSON.stringify(notebook) });
}
