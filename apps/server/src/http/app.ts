import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import { COOKIE_NAME, isAuthorized, originAllowed } from '../auth/tokenAuth.js';
import { identify, SHARE_COOKIE, type AuthContext, type Identity } from '../auth/identity.js';
import { authorizer } from '../auth/authorize.js';
import { SESSION_COOKIE } from '../auth/Sessions.js';
import type { UserStore } from '../auth/UserStore.js';
import { LoginLimiter } from '../auth/LoginLimiter.js';
import { sharesApi } from './sharesApi.js';
import type { ServerConfig } from '../config.js';
import { NotebookError, type NotebookStore } from '../notebooks/NotebookStore.js';
import type { Registry } from 'prom-client';
import { jsonLimitIssue } from '@flowbook/protocol';
import type { JobManager } from '../jobs/JobManager.js';
import { claimNotebook } from '../notebooks/claimNotebook.js';
import { apiV1 } from './apiV1.js';
import { securityHeaders } from './securityHeaders.js';
import { notebooksApi } from './notebooksApi.js';
import { RevisionStore } from '../notebooks/RevisionStore.js';

/** REST API and the web app. Every route needs the token; state-changing requests need a same-origin Origin. */
export interface AppDeps {
  store: NotebookStore;
  jobs: JobManager;
  metrics: Registry;
  auth: AuthContext;
  users: UserStore;
}

export function createApp(config: ServerConfig, { store, jobs, metrics, auth, users }: AppDeps): express.Express {
  const { shares } = auth;
  const authz = authorizer(auth.permissions);
  const app = express();
  app.disable('x-powered-by');
  app.use(securityHeaders());

  // `/?token=T` (the URL printed at start) becomes an HttpOnly cookie, then the token leaves the address bar.
  app.get('/', (req, res, next) => {
    const token = typeof req.query.token === 'string' ? req.query.token : undefined;
    if (token === undefined) return next();
    if (!isAuthorized(req, config.token)) return res.status(401).type('text/plain').send('Invalid token.');
    res.cookie(COOKIE_NAME, token, { httpOnly: true, sameSite: 'strict', path: '/' });
    res.redirect(302, '/');
  });

  // Prometheus may use its own token (FLOWBOOK_METRICS_TOKEN) so it never holds the login token.
  app.get('/metrics', async (req, res, next) => {
    const ok = isAuthorized(req, config.token) || (config.metricsToken !== undefined && isAuthorized(req, config.metricsToken));
    if (!ok) return res.status(401).json({ error: 'authentication required', code: 'unauthorized' });
    try {
      res.type(metrics.contentType).send(await metrics.metrics());
    } catch (e) {
      next(e);
    }
  });

  // A read-only share link: the signed token becomes a cookie that grants viewing one notebook, nothing more.
  app.get('/share/:token', (req, res) => {
    const share = shares.verify(req.params.token);
    if (!share) return res.status(404).type('text/plain').send('This share link is invalid or has been revoked.');
    res.cookie(SHARE_COOKIE, req.params.token, { httpOnly: true, sameSite: 'strict', path: '/' });
    res.redirect(302, share.view === 'dashboard' ? `/dashboard/${share.notebook}` : `/notebook/${share.notebook}`);
  });

  // Users of the local user store log in with a password; the session is a signed HttpOnly cookie.
  const logins = new LoginLimiter();
  app.post('/api/login', express.json(), async (req, res, next) => {
    if (!originAllowed(req)) return res.status(403).json({ error: 'cross-origin request refused', code: 'forbidden' });
    const { name, password } = (req.body ?? {}) as { name?: unknown; password?: unknown };
    if (typeof name !== 'string' || typeof password !== 'string') return res.status(400).json({ error: 'send {"name": …, "password": …}', code: 'bad_request' });
    // The socket's address: X-Forwarded-For is the client's to choose, so it would let a guesser pick fresh addresses.
    const address = req.socket.remoteAddress ?? 'unknown';
    try {
      const attempt = await logins.attempt(name, address);
      if (!attempt.ok) return res.status(429).setHeader('Retry-After', String(attempt.retryAfterSeconds)).json({ error: attempt.message, code: 'too_many_requests' });
      if (!(await users.check(name, password))) return res.status(401).json({ error: 'wrong user name or password', code: 'unauthorized' });
      await logins.succeeded(name, address);
    } catch (e) {
      return next(e);
    }
    res.cookie(SESSION_COOKIE, auth.sessions.issue(name), { httpOnly: true, sameSite: 'strict', path: '/' });
    res.json({ role: 'user', name });
  });
  app.post('/api/logout', (req, res) => {
    // A foreign page must not log the user out either (login CSRF's twin).
    if (!originAllowed(req)) return res.status(403).json({ error: 'cross-origin request refused', code: 'forbidden' });
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.clearCookie(COOKIE_NAME, { path: '/' });
    res.json({ ok: true });
  });

  // The login page and the app's static assets are public (they hold no data); everything else needs an identity.
  if (existsSync(config.webDir)) {
    app.use('/assets', express.static(path.join(config.webDir, 'assets'), { index: false, immutable: true, maxAge: '1y' }));
    app.get('/login', (_req, res) => res.sendFile(path.join(config.webDir, 'index.html')));
    // index.html's first script (zod's config, before any module): the login page needs it too.
    app.get('/zod-jitless.js', (_req, res) => res.sendFile(path.join(config.webDir, 'zod-jitless.js')));
  }

  app.use((req, res, next) => {
    if (!originAllowed(req)) return res.status(403).json({ error: 'cross-origin request refused', code: 'forbidden' });
    const identity = identify(req, auth);
    if (identity) {
      // Every route checks what this identity may do with the notebook it touches (auth/identity.ts `can`).
      res.locals.identity = identity;
      return next();
    }
    if (req.path.startsWith('/api/')) return res.status(401).json({ error: 'authentication required: send the token (Authorization: token <token>)', code: 'unauthorized' });
    res.status(401).type('text/html').send(
      '<!doctype html><title>Flowbook</title><body style="font-family:sans-serif;padding:2rem"><h1>Flowbook</h1>' +
        '<p>Open the URL with the token that the server printed when it started (<code>http://HOST:PORT/?token=…</code>).</p>' +
        (users.names().length > 0 ? '<p>Or <a href="/login">log in</a> with your user name and password.</p>' : '') +
        '</body>',
    );
  });

  app.use(express.json({ limit: '5mb' }));
  // Depth and size of every JSON body, without recursion, before a route's schema or anything else walks it.
  app.use((req, res, next) => {
    const issue = jsonLimitIssue(req.body);
    if (issue) return res.status(400).json({ error: issue, code: 'invalid_request' });
    next();
  });

  app.get('/api/whoami', (_req, res) => {
    const id = res.locals.identity as Identity;
    res.json(id.role === 'reader' ? { role: 'reader', notebook: id.share.notebook, view: id.share.view } : id.role === 'user' ? { role: 'user', name: id.name } : { role: 'owner' });
  });
  app.use('/api/shares', sharesApi(shares, authz));
  const revisions = new RevisionStore(store);
  app.use('/api/notebooks', notebooksApi(store, revisions, authz, auth.permissions, shares));
  app.use('/api/v1', apiV1(jobs, store, authz, claimNotebook(authz, auth.permissions, shares, revisions)));
  app.use('/api', (_req, res) => res.status(404).json({ error: 'no such API route', code: 'not_found' }));

  // The web app, with index.html for client-side routes.
  if (existsSync(config.webDir)) {
    app.use(express.static(config.webDir, { index: false }));
    app.get(/.*/, (_req, res) => res.sendFile(path.join(config.webDir, 'index.html')));
  } else {
    app.get(/.*/, (_req, res) => res.status(503).type('text/plain').send(`The web app is not built (${config.webDir} is missing): run "npm run build".`));
  }

  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof NotebookError) return res.status(err.status).json({ error: err.message, code: err.status === 404 ? 'not_found' : 'invalid_notebook' });
    const status = (err as { status?: number }).status;
    if (status && status >= 400 && status < 500) return res.status(status).json({ error: (err as Error).message, code: 'bad_request' });
    console.error(err);
    res.status(500).json({ error: 'internal error: ' + (err as Error).message, code: 'internal' });
  });
  return app;
}
