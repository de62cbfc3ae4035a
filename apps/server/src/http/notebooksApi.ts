import { starterNotebook } from '../notebooks/starterNotebook.js';
import { Router, type Request } from 'express';
import { z } from 'zod';
import { Notebook, NotebookName, NOTEBOOK_VERSION, serializeNotebook } from '@flowbook/protocol';
import { importNotebook, type ImportResult } from '../notebooks/importers/importNotebook.js';
import { sqlCatalogInfo } from '../sql/sqlCatalogInfo.js';
import { NotebookError, type NotebookStore } from '../notebooks/NotebookStore.js';
import type { RevisionStore } from '../notebooks/RevisionStore.js';
import type { Authorizer } from '../auth/authorize.js';
import { NotebookPermissions, PublicAccess, type PermissionStore } from '../auth/PermissionStore.js';
import { UserName } from '../auth/UserStore.js';
import type { ShareStore } from '../auth/ShareStore.js';

/** Roles as an owner sets them: user names only, and at least one owner (else only the token holder could manage it). */
const RolesBody = z.object({
  owners: z.array(UserName).min(1, 'a notebook needs at least one owner').max(1000),
  writers: z.array(UserName).max(1000).default([]),
  runners: z.array(UserName).max(1000).default([]),
  readers: z.array(UserName).max(1000).default([]),
  public: PublicAccess.default('none'),
});
import { notebookParam } from './notebookParam.js';
import { claimNotebook } from '../notebooks/claimNotebook.js';
import { versionOf } from '../collab/version.js';

const nameParam = (req: Request) => notebookParam(req);

function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new NotebookError(parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '), 400);
  return parsed.data;
}

/** The notebooks the UI works with: read, save, create, rename/move, duplicate, trash, import, export, revisions. */
export function notebooksApi(store: NotebookStore, revisions: RevisionStore, authz: Authorizer, permissions: PermissionStore, shares: ShareStore): Router {
  const r = Router();
  const claim = claimNotebook(authz, permissions, shares, revisions);
  const wrap =
    (fn: (req: Request, res: import('express').Response) => Promise<unknown>) =>
    (req: Request, res: import('express').Response, next: import('express').NextFunction) =>
      fn(req, res).catch(next);

  r.get(
    '/',
    wrap(async (_req, res) => {
      const list = await store.list();
      // Each user sees the notebooks they may read; load errors only go to the server's owner. What the caller may do
      // with each one comes along, so the UI shows only allowed actions without a request per notebook.
      const notebooks = list.notebooks
        .filter((n) => authz.can(res, 'read', n.name))
        .map((n) => ({ ...n, access: { run: authz.can(res, 'run', n.name), write: authz.can(res, 'write', n.name), manage: authz.can(res, 'manage', n.name) } }));
      res.json({ notebooks, errors: authz.identity(res).role === 'owner' ? list.errors : [] });
    }),
  );

  r.post(
    '/',
    wrap(async (req, res) => {
      const { name, title } = parseBody(z.object({ name: NotebookName, title: z.string().min(1).optional() }), req.body);
      if (authz.identity(res).role === 'reader') authz.needAdmin(res);
      await store.create(name, starterNotebook(title ?? name.split('/').pop()!));
      await claim(res, name);
      res.status(201).json({ name });
    }),
  );

  r.post(
    '/import',
    wrap(async (req, res) => {
      const body = parseBody(z.object({ filename: z.string().min(1), content: z.string().max(10_000_000), name: NotebookName.optional() }), req.body);
      let imported: ImportResult;
      try {
        imported = importNotebook(body.filename, body.content);
      } catch (e) {
        throw new NotebookError((e as Error).message, 422);
      }
      const name = body.name ?? imported.name;
      if (authz.identity(res).role === 'reader') authz.needAdmin(res);
      await store.create(name, imported.notebook);
      await claim(res, name);
      res.status(201).json({ name, cells: imported.notebook.cells.length, report: imported.report });
    }),
  );

  r.get(
    /^\/(.+)\/export$/,
    wrap(async (req, res) => {
      const name = nameParam(req);
      authz.need(res, 'read', name);
      const nb = await store.read(name);
      res.setHeader('Content-Disposition', `attachment; filename="${name.split('/').pop()}.flowbook.json"`);
      res.type('application/json').send(serializeNotebook(nb));
    }),
  );

  r.post(
    /^\/(.+)\/rename$/,
    wrap(async (req, res) => {
      const { to } = parseBody(z.object({ to: NotebookName }), req.body);
      authz.need(res, 'manage', nameParam(req));
      await store.rename(nameParam(req), to);
      permissions.rename(nameParam(req), to);
      // Links name the notebook they were made for: they end, rather than open whatever later takes the old name.
      shares.revokeNotebook(nameParam(req));
      // Revisions belong to the notebook, not to its old name.
      await revisions.rename(nameParam(req), to);
      res.json({ name: to });
    }),
  );

  r.post(
    /^\/(.+)\/duplicate$/,
    wrap(async (req, res) => {
      const { to } = parseBody(z.object({ to: NotebookName }), req.body);
      authz.need(res, 'read', nameParam(req));
      // Duplicating creates a file: a read-only share link may not (as for create and import).
      if (authz.identity(res).role === 'reader') authz.needAdmin(res);
      await store.duplicate(nameParam(req), to);
      await claim(res, to);
      res.status(201).json({ name: to });
    }),
  );

  // What SQL cells' editors complete from: the tables of the saved notebook's SQL cells, functions, connector options.
  r.get(
    /^\/(.+)\/sql-catalog$/,
    wrap(async (req, res) => {
      authz.need(res, 'read', nameParam(req));
      res.json(sqlCatalogInfo(await store.read(nameParam(req))));
    }),
  );
  r.get(
    /^\/(.+)\/revisions$/,
    wrap(async (req, res) => {
      authz.need(res, 'read', nameParam(req));
      res.json({ revisions: await revisions.list(nameParam(req)) });
    }),
  );
  r.post(
    /^\/(.+)\/revisions$/,
    wrap(async (req, res) => {
      const { message } = parseBody(z.object({ message: z.string().min(1).max(200) }), req.body);
      authz.need(res, 'write', nameParam(req));
      res.status(201).json(await revisions.save(nameParam(req), message));
    }),
  );
  r.get(
    /^\/(.+)\/revisions\/([^/]+)$/,
    wrap(async (req, res) => {
      authz.need(res, 'read', nameParam(req));
      res.json(await revisions.diff(nameParam(req), (req.params as Record<string, string>)[1]!));
    }),
  );
  r.post(
    /^\/(.+)\/revisions\/([^/]+)\/restore$/,
    wrap(async (req, res) => {
      authz.need(res, 'write', nameParam(req));
      await revisions.restore(nameParam(req), (req.params as Record<string, string>)[1]!);
      res.json({ ok: true });
    }),
  );

  r.get(
    /^\/(.+)\/permissions$/,
    wrap(async (req, res) => {
      authz.need(res, 'read', nameParam(req));
      res.json(permissions.get(nameParam(req)));
    }),
  );
  r.put(
    /^\/(.+)\/permissions$/,
    wrap(async (req, res) => {
      authz.need(res, 'manage', nameParam(req));
      await store.read(nameParam(req)); // roles only for a notebook that exists (no claiming a name ahead of its owner)
      const body = authz.identity(res).role === 'owner' ? parseBody(NotebookPermissions, req.body) : parseBody(RolesBody, req.body);
      permissions.set(nameParam(req), body);
      res.json(permissions.get(nameParam(req)));
    }),
  );

  r.get(
    /^\/(.+)$/,
    wrap(async (req, res) => {
      authz.need(res, 'read', nameParam(req));
      const notebook = await store.read(nameParam(req));
      // The version a PUT must name in If-Match (see docs/collaboration.md). It leaves outputs out, so a conditional GET
      // would get 304 and a cached body with outputs since cleared or replaced: the body is never cached.
      res.setHeader('ETag', versionOf(notebook));
      res.setHeader('Cache-Control', 'no-store');
      res.json({ name: nameParam(req), notebook, version: versionOf(notebook) });
    }),
  );

  r.put(
    /^\/(.+)$/,
    wrap(async (req, res) => {
      const parsed = Notebook.safeParse(req.body);
      authz.need(res, 'write', nameParam(req));
      if (!parsed.success) throw new NotebookError('invalid notebook: ' + parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '), 400);
      const name = nameParam(req);
      // A write based on an old version is refused, never applied over newer edits. Without If-Match (scripts, the
      // CLI) it is accepted only while nobody co-edits the notebook: then the file is all there is to be based on.
      const ifMatch = req.get('If-Match');
      if (ifMatch !== undefined || store.live?.isOpen(name)) {
        const current = await store.read(name);
        const version = versionOf(current);
        if (ifMatch === undefined) {
          res.status(428).setHeader('ETag', version).json({ error: `"${name}" is being edited live: send If-Match with the version you edited (GET gives it)`, version, notebook: current });
          return;
        }
        if (ifMatch !== '*' && !ifMatch.split(',').map((v) => v.trim().replace(/^W\//, '')).includes(version)) {
          res.status(409).setHeader('ETag', version).json({ error: `"${name}" changed since the version you edited: merge your change into this one and PUT again`, version, notebook: current });
          return;
        }
      }
      await store.save(name, parsed.data);
      const saved = await store.read(name);
      res.setHeader('ETag', versionOf(saved));
      res.json({ ok: true, version: versionOf(saved) });
    }),
  );

  r.delete(
    /^\/(.+)$/,
    wrap(async (req, res) => {
      const name = nameParam(req);
      authz.need(res, 'manage', name);
      const trashedTo = await store.trash(name);
      // What belonged to this notebook goes with it: a new notebook of the same name starts with none of it.
      await revisions.trash(name, trashedTo);
      permissions.remove(name);
      shares.revokeNotebook(name);
      res.json({ trashedTo });
    }),
  );
  return r;
}
