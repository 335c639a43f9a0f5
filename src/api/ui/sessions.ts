import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { apiKeyStatus, API_KEY_STATUSES, findWorkspaceApiKey, recordApiKeyUse } from '../../db/api-keys';
import type { Db } from '../../db/client';
import { API_KEY_SCOPES, type Workspace } from '../../db/schema';
import { findWorkspace } from '../../db/workspaces';
import { apiKeyOf, scopeAllows, type Authenticator, type Caller } from '../auth';
import { AuthenticationError, ForbiddenError } from '../domain/errors';
import type { SessionClaims, SessionOrigin, SessionSealer } from './session-token';

/** The cookie over plain HTTP. */
export const SESSION_COOKIE = 'hookline_session';
/**
 * The cookie over HTTPS: the `__Host-` prefix makes browsers refuse it unless it is Secure, host-only
 * and for the whole path, so a sibling subdomain cannot plant or shadow it.
 */
export const SECURE_SESSION_COOKIE = `__Host-${SESSION_COOKIE}`;
/** The header the page repeats the session's CSRF token in, on every request that changes something. */
export const CSRF_HEADER = 'x-csrf-token';

/** What the page learns of its session (`GET /ui/session`). */
export interface SessionView {
  workspace: Pick<Workspace, 'id' | 'name'>;
  csrfToken: string;
  /** ISO time the session ends, unless its key is revoked or expires first. */
  expiresAt: string;
  origin: SessionOrigin;
}

/** A session whose cookie checked out, with the caller it acts as. */
export interface ActiveSession {
  claims: SessionClaims;
  caller: Caller;
}

type Resolution = { session: ActiveSession } | { refused: AuthenticationError };

/** Refused to a session: a change without its CSRF token, or a route the settings page has no business calling. */
export class SessionForbiddenError extends ForbiddenError {
  constructor(message: string) {
    super(API_KEY_SCOPES.manage, API_KEY_SCOPES.manage);
    this.message = message;
    this.name = 'SessionForbiddenError';
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The API routes a session may call: webhooks, their deliveries and recoveries, events and the event
 * types. Not API keys, portal links or emitting events: those stay with API keys, so a portal link handed
 * to a customer opens the webhooks and nothing else.
 */
function sessionMayCall(method: string, routePath: string | undefined): boolean {
  if (routePath === undefined) return false;
  if (routePath === '/v1/events') return method === 'GET';
  return (
    /^\/v1\/(webhooks|recoveries)(\/|$)/.test(routePath) ||
    /^\/v1\/events\/:[^/]+(\/|$)/.test(routePath) ||
    routePath === '/v1/event-types'
  );
}

export interface SessionAuthOptions {
  db: Db;
  sealer: SessionSealer;
  /** How long a new session lasts. */
  ttlMs: number;
  /**
   * Whether browsers reach the page over HTTPS even when this process hears plain HTTP (a proxy in
   * front ends TLS): the cookie is then Secure whatever the request says.
   */
  https?: boolean;
  clock?: () => Date;
}

/** Settings-page sessions: making their cookies, and authenticating API requests by them. */
export interface SessionAuth {
  /** Resolves the session of requests that carry a session cookie and no API key. */
  middleware: RequestHandler;
  /**
   * The API's authenticator extended to sessions: a request with an API key is the key's, as before; one
   * with only a session cookie acts as the session's key, on the routes a session may call, and needs
   * the CSRF token for anything but reads.
   */
  authenticator(byKey: Authenticator): Authenticator;
  /** The request's session: undefined without a cookie; a refusal for a bad, expired or revoked one. */
  sessionOf(req: Request): Resolution | undefined;
  /** Starts a session for a key of a workspace: sets the cookie and answers what the page needs. */
  start(req: Request, res: Response, caller: Caller, origin: SessionOrigin): SessionView;
  /** Clears the cookie. */
  end(req: Request, res: Response): void;
  viewOf(session: ActiveSession): SessionView;
  /** Throws unless a change carries the session's CSRF token. */
  requireCsrf(req: Request, session: ActiveSession): void;
}

export function createSessionAuth(options: SessionAuthOptions): SessionAuth {
  const { db, sealer, ttlMs } = options;
  const secure = (req: Request) => req.secure || options.https === true;
  const cookieName = (req: Request) => (secure(req) ? SECURE_SESSION_COOKIE : SESSION_COOKIE);
  /** The session cookie's value, read from the `Cookie` header without a parser of its own. */
  const sessionCookieOf = (req: Request): string | undefined => {
    const wanted = cookieName(req);
    for (const pair of (req.get('cookie') ?? '').split(';')) {
      const at = pair.indexOf('=');
      if (at > 0 && pair.slice(0, at).trim() === wanted) return pair.slice(at + 1).trim();
    }
    return undefined;
  };
  const clock = options.clock ?? (() => new Date());
  const resolutions = new WeakMap<Request, Resolution>();

  const refuse = (message: string): Resolution => ({ refused: new AuthenticationError(message) });

  async function resolve(value: string): Promise<Resolution> {
    const claims = sealer.open(value);
    if (!claims) return refuse('The session is not valid; sign in again');
    const now = clock();
    if (claims.expiresAt <= now.getTime()) return refuse('The session has expired; sign in again');
    const apiKey = await findWorkspaceApiKey(db, claims.workspaceId, claims.apiKeyId);
    const workspace = apiKey && (await findWorkspace(db, claims.workspaceId));
    if (!apiKey || !workspace) return refuse('The API key behind this session no longer exists; sign in again');
    switch (apiKeyStatus(apiKey, now)) {
      case API_KEY_STATUSES.revoked:
        return refuse('The API key behind this session has been revoked; sign in again');
      case API_KEY_STATUSES.expired:
        return refuse('The API key behind this session has expired; sign in again');
      case API_KEY_STATUSES.active:
        break;
    }
    try {
      await recordApiKeyUse(db, apiKey, now);
    } catch {
      // Best effort, as for API keys: a busy database must not turn a read into a 503.
    }
    return { session: { claims, caller: { workspace, apiKey: { id: apiKey.id, scope: apiKey.scope } } } };
  }

  function requireCsrf(req: Request, session: ActiveSession): void {
    if (SAFE_METHODS.has(req.method)) return;
    // Browsers say where a request comes from; another site's is refused whatever it carries.
    if (req.get('sec-fetch-site') === 'cross-site') {
      throw new SessionForbiddenError('Requests from other sites are refused');
    }
    const given = Buffer.from(req.get(CSRF_HEADER) ?? '');
    const expected = Buffer.from(session.claims.csrfToken);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new SessionForbiddenError(`Send the session's CSRF token in the ${CSRF_HEADER} header`);
    }
  }

  function viewOf({ claims, caller }: ActiveSession): SessionView {
    return {
      workspace: { id: caller.workspace.id, name: caller.workspace.name },
      csrfToken: claims.csrfToken,
      expiresAt: new Date(claims.expiresAt).toISOString(),
      origin: claims.origin,
    };
  }

  return {
    async middleware(req, _res, next) {
      const value = apiKeyOf(req) === undefined ? sessionCookieOf(req) : undefined;
      if (value !== undefined) resolutions.set(req, await resolve(value));
      next();
    },

    authenticator(byKey) {
      return (req, requiredScope) => {
        const resolution = apiKeyOf(req) === undefined ? resolutions.get(req) : undefined;
        if (!resolution) return byKey(req, requiredScope);
        if ('refused' in resolution) throw resolution.refused;
        const { session } = resolution;
        if (!sessionMayCall(req.method, (req.route as { path?: string } | undefined)?.path)) {
          throw new SessionForbiddenError('The settings page may not call this route; use an API key');
        }
        requireCsrf(req, session);
        const { apiKey } = session.caller;
        if (!scopeAllows(apiKey.scope, requiredScope)) throw new ForbiddenError(requiredScope, apiKey.scope);
        return session.caller;
      };
    },

    sessionOf: (req) => resolutions.get(req),

    start(req, res, caller, origin) {
      const claims: SessionClaims = {
        workspaceId: caller.workspace.id,
        apiKeyId: caller.apiKey.id,
        csrfToken: randomBytes(24).toString('base64url'),
        expiresAt: clock().getTime() + ttlMs,
        origin,
      };
      res.cookie(cookieName(req), sealer.seal(claims), {
        httpOnly: true,
        secure: secure(req),
        sameSite: 'strict',
        path: '/',
        maxAge: ttlMs,
      });
      return viewOf({ claims, caller });
    },

    end(req, res) {
      res.clearCookie(cookieName(req), { httpOnly: true, secure: secure(req), sameSite: 'strict', path: '/' });
    },

    viewOf,
    requireCsrf,
  };
}
