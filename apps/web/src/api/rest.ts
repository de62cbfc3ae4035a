import { z } from 'zod';
import { ImportNotebookResult, Notebook, NotebookList, NotebookSummary } from '@flowbook/protocol';

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

// ---- notebook files: create, import, rename/move, duplicate, trash, export, revisions, roles, share links ----

/** What the caller may do with one notebook (the server's `can`, sent with the list). */
export const FileRights = z.object({ run: z.boolean(), write: z.boolean(), manage: z.boolean() });
export type FileRights = z.infer<typeof FileRights>;

const NotebookFiles = NotebookList.extend({ notebooks: z.array(NotebookSummary.extend({ access: FileRights })) });
export type NotebookFiles = z.infer<typeof NotebookFiles>;
export type NotebookFile = NotebookFiles['notebooks'][number];

const post = (url: string, body?: unknown) => request(url, { method: 'POST', ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });

export async function listNotebookFiles(): Promise<NotebookFiles> {
  return NotebookFiles.parse(await request('/api/notebooks'));
}

const Named = z.object({ name: z.string() });

export async function createNotebook(name: string, title?: string): Promise<string> {
  return Named.parse(await post('/api/notebooks', { name, ...(title ? { title } : {}) })).name;
}

/** Imports a Flowbook, Zeppelin (.zpln) or Jupyter (.ipynb) file; the server tells the format from the name and content. */
export async function importNotebookFile(filename: string, content: string, name?: string): Promise<ImportNotebookResult> {
  return ImportNotebookResult.parse(await post('/api/notebooks/import', { filename, content, ...(name ? { name } : {}) }));
}

export async function renameNotebook(from: string, to: string): Promise<string> {
  return Named.parse(await post(`${notebookUrl(from)}/rename`, { to })).name;
}

export async function duplicateNotebook(from: string, to: string): Promise<string> {
  return Named.parse(await post(`${notebookUrl(from)}/duplicate`, { to })).name;
}

/** Moves the notebook to the trash folder; returns where it went (relative to the notebooks folder). */
export async function trashNotebook(name: string): Promise<string> {
  return z.object({ trashedTo: z.string() }).parse(await request(notebookUrl(name), { method: 'DELETE' })).trashedTo;
}

/** The download URL of a notebook's file (the server sends it as an attachment). */
export const exportUrl = (name: string) => `${notebookUrl(name)}/export`;

export const Revision = z.object({ id: z.string(), message: z.string(), createdAt: z.number() });
export type Revision = z.infer<typeof Revision>;

export async function listRevisions(name: string): Promise<Revision[]> {
  return z.object({ revisions: z.array(Revision) }).parse(await request(`${notebookUrl(name)}/revisions`)).revisions;
}

export async function saveRevision(name: string, message: string): Promise<Revision> {
  return Revision.parse(await post(`${notebookUrl(name)}/revisions`, { message }));
}

/** A unified diff from the revision to the notebook's current file. */
export async function revisionDiff(name: string, id: string): Promise<{ revision: Revision; diff: string }> {
  return z.object({ revision: Revision, diff: z.string() }).parse(await request(`${notebookUrl(name)}/revisions/${encodeURIComponent(id)}`));
}

/** Restores a revision (the server first saves the current file as a revision). */
export async function restoreRevision(name: string, id: string): Promise<void> {
  await post(`${notebookUrl(name)}/revisions/${encodeURIComponent(id)}/restore`);
}

export const NotebookRoles = z.object({
  owners: z.array(z.string()),
  writers: z.array(z.string()),
  runners: z.array(z.string()),
  readers: z.array(z.string()),
  /** What every logged-in user may do with the notebook. */
  public: z.enum(['none', 'read', 'run']).default('none'),
});
export type NotebookRoles = z.infer<typeof NotebookRoles>;

export async function getNotebookRoles(name: string): Promise<NotebookRoles> {
  return NotebookRoles.parse(await request(`${notebookUrl(name)}/permissions`));
}

export async function setNotebookRoles(name: string, roles: NotebookRoles): Promise<NotebookRoles> {
  return NotebookRoles.parse(await request(`${notebookUrl(name)}/permissions`, { method: 'PUT', body: JSON.stringify(roles) }));
}

export const ShareLink = z.object({ id: z.string(), notebook: z.string(), view: z.enum(['notebook', 'dashboard']), createdAt: z.number(), url: z.string() });
export type ShareLink = z.infer<typeof ShareLink>;

export async function listShareLinks(notebook: string): Promise<ShareLink[]> {
  return z.object({ shares: z.array(ShareLink) }).parse(await request(`/api/shares?notebook=${encodeURIComponent(notebook)}`)).shares;
}

export async function createShareLink(notebook: string, view: ShareLink['view']): Promise<ShareLink> {
  return ShareLink.parse(await post('/api/shares', { notebook, view }));
}

export async function revokeShareLink(id: string): Promise<void> {
  await request(`/api/shares/${encodeURIComponent(id)}`, { method: 'DELETE' });
}
