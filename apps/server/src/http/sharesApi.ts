import { Router } from 'express';
import { z } from 'zod';
import { NotebookName } from '@flowbook/protocol';
import type { ShareStore } from '../auth/ShareStore.js';
import type { Authorizer } from '../auth/authorize.js';

const CreateShare = z.object({ notebook: NotebookName, view: z.enum(['notebook', 'dashboard']).default('notebook') });

/** Owner-only: create, list and revoke read-only share links. */
export function sharesApi(shares: ShareStore, authz: Authorizer): Router {
  const r = Router();
  const forbidden = (res: import('express').Response) => res.status(403).json({ error: "only the notebook's owners manage its share links", code: 'forbidden' });
  r.post('/', (req, res) => {
    const body = CreateShare.safeParse(req.body);
    if (!body.success) return res.status(400).json({ error: body.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '), code: 'invalid_request' });
    if (!authz.can(res, 'manage', body.data.notebook)) return forbidden(res);
    const { share, token } = shares.create(body.data.notebook, body.data.view);
    res.status(201).json({ ...share, url: `/share/${token}` });
  });
  r.get('/', (req, res) => {
    const notebook = typeof req.query.notebook === 'string' ? req.query.notebook : undefined;
    res.json({ shares: shares.list(notebook).filter((s) => authz.can(res, 'manage', s.notebook)).map((s) => ({ ...s, url: `/share/${shares.tokenOf(s)}` })) });
  });
  r.delete('/:id', (req, res) => {
    const share = shares.list().find((s) => s.id === req.params.id);
    if (share && !authz.can(res, 'manage', share.notebook)) return forbidden(res);
    if (!shares.revoke(req.params.id)) return res.status(404).json({ error: `no share "${req.params.id}"`, code: 'not_found' });
    res.json({ ok: true });
  });
  return r;
}
