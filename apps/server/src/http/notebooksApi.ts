import { Router, type Request } from 'express';
import { z } from 'zod';
import { Notebook, NotebookName, NOTEBOOK_VERSION, serializeNotebook } from '@flowbook/protocol';
import { importNotebook } from '../notebooks/importers/importNotebook.js';
import { NotebookError, type NotebookStore } from '../notebooks/NotebookStore.js';
import type { RevisionStore } from '../notebooks/RevisionStore.js';

const nameParam = (req: Request) => decodeURIComponent((req.params as Record<string, string>)[0]!);

function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new NotebookError(parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '), 400);
  return parsed.data;
}

/** The notebooks the UI works with: read, save, create, rename/move, duplicate, trash, import, export, revisions. */
export function notebooksApi(store: NotebookStore, revisions: RevisionStore): Router {
  const r = Router();
  const wrap =
    (fn: (req: Request, res: import('express').Response) => Promise<unknown>) =>
    (req: Request, res: import('express').Response, next: import('express').NextFunction) =>
      fn(req, res).catch(next);

  r.get('/', wrap(async (_req, res) => res.json(await store.list())));

  r.post(
    '/',
    wrap(async (req, res) => {
      const { name, title } = parseBody(z.object({ name: NotebookName, title: z.string().min(1).optional() }), req.body);
      await store.create(name, { version: NOTEBOOK_VERSION, title: title ?? name.split('/').pop()!, cells: [{ id: 'cell-1', type: 'markdown', source: `# ${title ?? name}` }] });
      res.status(201).json({ name });
    }),
  );

  r.post(
    '/import',
    wrap(async (req, res) => {
      const body = parseBody(z.object({ filename: z.string().min(1), content: z.string().max(10_000_000), name: NotebookName.optional() }), req.body);
      let notebook: Notebook;
      try {
        notebook = importNotebook(body.filename, body.content);
      } catch (e) {
        throw new NotebookError((e as Error).message, 422);
      }
      const derived = body.filename.replace(/\.(flowbook\.json|zpln|ipynb|json)$/i, '').replace(/[^A-Za-z0-9 _.-]/g, '-').replace(/^[.-]+/, '');
      const name = body.name ?? (derived || 'imported');
      await store.create(name, notebook);
      res.status(201).json({ name, cells: notebook.cells.length });
    }),
  );

  r.get(
    /^\/(.+)\/export$/,
    wrap(async (req, res) => {
      const name = nameParam(req);
      const nb = await store.read(name);
      res.setHeader('Content-Disposition', `attachment; filename="${name.split('/').pop()}.flowbook.json"`);
      res.type('application/json').send(serializeNotebook(nb));
    }),
  );

  r.post(
    /^\/(.+)\/rename$/,
    wrap(async (req, res) => {
      const { to } = parseBody(z.object({ to: NotebookName }), req.body);
      await store.rename(nameParam(req), to);
      res.json({ name: to });
    }),
  );

  r.post(
    /^\/(.+)\/duplicate$/,
    wrap(async (req, res) => {
      const { to } = parseBody(z.object({ to: NotebookName }), req.body);
      await store.duplicate(nameParam(req), to);
      res.status(201).json({ name: to });
    }),
  );

  r.get(/^\/(.+)\/revisions$/, wrap(async (req, res) => res.json({ revisions: await revisions.list(nameParam(req)) })));
  r.post(
    /^\/(.+)\/revisions$/,
    wrap(async (req, res) => {
      const { message } = parseBody(z.object({ message: z.string().min(1).max(200) }), req.body);
      res.status(201).json(await revisions.save(nameParam(req), message));
    }),
  );
  r.get(
    /^\/(.+)\/revisions\/([^/]+)$/,
    wrap(async (req, res) => res.json(await revisions.diff(nameParam(req), (req.params as Record<string, string>)[1]!))),
  );
  r.post(
    /^\/(.+)\/revisions\/([^/]+)\/restore$/,
    wrap(async (req, res) => {
      await revisions.restore(nameParam(req), (req.params as Record<string, string>)[1]!);
      res.json({ ok: true });
    }),
  );

  r.get(/^\/(.+)$/, wrap(async (req, res) => res.json({ name: nameParam(req), notebook: await store.read(nameParam(req)) })));

  r.put(
    /^\/(.+)$/,
    wrap(async (req, res) => {
      const parsed = Notebook.safeParse(req.body);
      if (!parsed.success) throw new NotebookError('invalid notebook: ' + parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '), 400);
      await store.save(nameParam(req), parsed.data);
      res.json({ ok: true });
    }),
  );

  r.delete(/^\/(.+)$/, wrap(async (req, res) => res.json({ trashedTo: await store.trash(nameParam(req)) })));
  return r;
}
