import type { Request } from 'express';
import { apiKeyStatus, API_KEY_STATUSES, findApiKey, recordApiKeyUse } from '../db/api-keys';
import type { Db } from '../db/client';
import { API_KEY_SCOPES, type ApiKey, type ApiKeyScope, type Workspace } from '../db/schema';
import { AuthenticationError, ForbiddenError } from './domain/errors';

/** The key a request authenticated with, as handlers see it: never its hash. */
export type AuthenticatedApiKey = Pick<ApiKey, 'id' | 'scope'>;

/** Who is calling: the workspace every authenticated route is scoped to, and the key that proved it. */
export interface Caller {
  workspace: Workspace;
  apiKey: AuthenticatedApiKey;
}

/**
 * Resolves the caller of a request to a route that needs `requiredScope`, or throws (or rejects). It
 * answers after a database read, or at once when the caller is already known (a settings-page session).
 */
export type Authenticator = (req: Request, requiredScope: ApiKeyScope) => Caller | Promise<Caller>;

/** The scopes that satisfy each requirement: a `manage` key may do everything an `emit` key may. */
const SATISFIED_BY: Readonly<Record<ApiKeyScope, readonly ApiKeyScope[]>> = {
  [API_KEY_SCOPES.emit]: [API_KEY_SCOPES.emit, API_KEY_SCOPES.manage],
  [API_KEY_SCOPES.manage]: [API_KEY_SCOPES.manage],
};

/** Whether a key with scope `granted` may call a route that needs `required`. */
export function scopeAllows(granted: ApiKeyScope, required: ApiKeyScope): boolean {
  return SATISFIED_BY[required].includes(granted);
}

/** The key sent as `Authorization: Bearer <key>` or `x-api-key: <key>`. */
export function apiKeyOf(req: Request): string | undefined {
  const authorization = req.get('authorization');
  if (authorization) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    return match?.[1];
  }
  return req.get('x-api-key')?.trim() || undefined;
}

/**
 * Resolves the caller from its API key. Throws {@link AuthenticationError} for a missing, unknown,
 * revoked or expired key (saying only which of these), and {@link ForbiddenError} when the key's scope
 * does not cover the route. Records the key's last use, at most once a minute.
 */
export function createAuthenticator(db: Db, clock: () => Date = () => new Date()): Authenticator {
  return async (req, requiredScope) => {
    const key = apiKeyOf(req);
    if (!key) throw new AuthenticationError();
    const found = await findApiKey(db, key);
    if (!found) throw new AuthenticationError('The API key is not valid');
    const now = clock();
    switch (apiKeyStatus(found.apiKey, now)) {
      case API_KEY_STATUSES.revoked:
        throw new AuthenticationError('The API key has been revoked');
      case API_KEY_STATUSES.expired:
        throw new AuthenticationError('The API key has expired');
      case API_KEY_STATUSES.active:
        break;
    }
    // A key turned away for its scope was still used: its owner wants to see that too. Recording it is
    // best effort: a database busy with another writer must not turn a read into a 503.
    try {
      await recordApiKeyUse(db, found.apiKey, now);
    } catch {
      // The next request records it.
    }
    const { id, scope } = found.apiKey;
    if (!scopeAllows(scope, requiredScope)) throw new ForbiddenError(requiredScope, scope);
    return { workspace: found.workspace, apiKey: { id, scope } };
  };
}
