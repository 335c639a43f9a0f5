import fs from 'node:fs/promises';
import path from 'node:path';
import express, { type RequestHandler } from 'express';
import { z } from 'zod';
import { apiKeyStatus, API_KEY_STATUSES, findWorkspaceApiKey } from '../../db/api-keys';
import type { Db } from '../../db/client';
import { API_KEY_SCOPES } from '../../db/schema';
import { consumePortalLink, findPortalLink } from '../../db/portal-links';
import { findWorkspace } from '../../db/workspaces';
import type { Authenticator } from '../auth';
import { AuthenticationError, ValidationError } from '../domain/errors';
import { HttpProblem } from '../problem';
import { SESSION_ORIGINS } from './session-token';
import type { SessionAuth } from './sessions';

/**
 * What the page may load and where it may connect: its own origin only, no inline script or style, and
 * no framing (clickjacking).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

const PortalExchangeBody = z.strictObject({ token: z.string().min(1).max(256) });

export interface UiRouterOptions {
  db: Db;
  sessions: SessionAuth;
  /** The API's authenticator by key, for signing in with one. */
  authenticate: Authenticator;
  /** The built page. */
  bundleDir: string;
  /** The API's rate limiter, applied to signing in. */
  limiter?: RequestHandler;
}

/**
 * The settings page (`/ui/`) and its sessions (`/ui/session`, `/ui/portal-session`). Everything else the
 * page does goes through the API itself, authenticated by the session cookie.
 */
export function createUiRouter(options: UiRouterOptions): express.Router {
  const { db, sessions, authenticate, bundleDir } = options;
  const limiter = options.limiter ? [options.limiter] : [];
  const router = express.Router();

  router.use('/ui', (_req, res, next) => {
    res.set(SECURITY_HEADERS);
    next();
  });

  router.get('/ui', async (_req, res) => {
    const html = await fs.readFile(path.join(bundleDir, 'index.html')).catch(() => undefined);
    if (!html) {
      throw new HttpProblem(
        503,
        'ui-not-built',
        'The settings page has not been built: run `npm run build:ui` (`npm install` and `npm start` build it too).',
      );
    }
    res.set('cache-control', 'no-cache').type('html').send(html);
  });

  router.use(
    '/ui/assets',
    express.static(path.join(bundleDir, 'assets'), {
      index: false,
      redirect: false,
      dotfiles: 'ignore',
      // Asset names carry a hash of their content.
      immutable: true,
      maxAge: '365d',
    }),
  );

  router
    .route('/ui/session')
    .get((req, res) => {
      res.set('cache-control', 'no-store');
      const resolution = sessions.sessionOf(req);
      if (!resolution) throw new AuthenticationError('Not signed in');
      if ('refused' in resolution) {
        sessions.end(req, res);
        throw resolution.refused;
      }
      res.json(sessions.viewOf(resolution.session));
    })
    // Signing in: the page sends the pasted key as `Authorization: Bearer <key>`; the API's own
    // authenticator judges it, so a session is refused exactly where the key would be.
    .post(...limiter, async (req, res) => {
      res.set('cache-control', 'no-store');
      const caller = await authenticate(req, API_KEY_SCOPES.manage);
      res.status(201).json(sessions.start(req, res, caller, SESSION_ORIGINS.apiKey));
    })
    .delete((req, res) => {
      const resolution = sessions.sessionOf(req);
      if (resolution && 'session' in resolution) sessions.requireCsrf(req, resolution.session);
      sessions.end(req, res);
      res.status(204).end();
    });

  router.post('/ui/portal-session', ...limiter, async (req, res) => {
    res.set('cache-control', 'no-store');
    // JSON only: a form on another site cannot send it without a preflight, which this server never grants.
    if (!req.is('application/json')) {
      throw new HttpProblem(415, 'unsupported-media-type', 'Send the request body as application/json.');
    }
    if (req.get('sec-fetch-site') === 'cross-site') {
      throw new HttpProblem(403, 'forbidden', 'Requests from other sites are refused');
    }
    const parsed = PortalExchangeBody.safeParse(req.body);
    if (!parsed.success) throw new ValidationError([{ field: 'token', message: 'must be the token of a portal link' }]);
    const { token } = parsed.data;
    const now = new Date();
    const link = await consumePortalLink(db, token, now);
    if (!link) {
      const known = await findPortalLink(db, token);
      if (!known) throw new HttpProblem(404, 'portal-link-unknown', 'This link is not valid.');
      const reason = known.usedAt !== null ? 'has already been used' : 'has expired';
      throw new HttpProblem(410, 'portal-link-spent', `This link ${reason}; ask for a new one.`);
    }
    const apiKey = await findWorkspaceApiKey(db, link.workspaceId, link.apiKeyId);
    const workspace = await findWorkspace(db, link.workspaceId);
    if (!apiKey || !workspace || apiKeyStatus(apiKey, now) !== API_KEY_STATUSES.active) {
      throw new AuthenticationError('The API key that made this link is no longer valid');
    }
    const caller = { workspace, apiKey: { id: apiKey.id, scope: apiKey.scope } };
    res.status(201).json(sessions.start(req, res, caller, SESSION_ORIGINS.portalLink));
  });

  return router;
}
