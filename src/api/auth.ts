import type { Request } from 'express';
import { findWorkspaceByApiKey } from '../db/api-keys';
import type { Db } from '../db/client';
import type { Workspace } from '../db/schema';
import { AuthenticationError } from './domain/errors';

/** The key sent as `Authorization: Bearer <key>` or `x-api-key: <key>`. */
export function apiKeyOf(req: Request): string | undefined {
  const authorization = req.get('authorization');
  if (authorization) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    return match?.[1];
  }
  return req.get('x-api-key')?.trim() || undefined;
}

/** Resolves the caller's workspace from its API key, or throws {@link AuthenticationError}. */
export function createAuthenticator(db: Db): (req: Request) => Workspace {
  return (req) => {
    const key = apiKeyOf(req);
    if (!key) throw new AuthenticationError();
    const workspace = findWorkspaceByApiKey(db, key);
    if (!workspace) throw new AuthenticationError('The API key is not valid');
    return workspace;
  };
}
