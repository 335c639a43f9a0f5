import { apiKeyStatus, createApiKey, listApiKeys, revokeApiKey } from '../../db/api-keys';
import type { Db } from '../../db/client';
import type { ApiKey, ApiKeyScope } from '../../db/schema';
import type { ApiKeyView, NewApiKeyView, Page } from '../schemas';
import { pageAfterId, type CursorSigner } from './cursor';
import { NotFoundError } from './errors';

/** What a key looks like from outside: never its hash. */
export function toApiKeyView(apiKey: ApiKey, now: Date = new Date()): ApiKeyView {
  return {
    id: apiKey.id,
    name: apiKey.name,
    prefix: apiKey.prefix,
    scope: apiKey.scope,
    status: apiKeyStatus(apiKey, now),
    createdAt: apiKey.createdAt,
    expiresAt: apiKey.expiresAt,
    revokedAt: apiKey.revokedAt,
    lastUsedAt: apiKey.lastUsedAt,
  };
}

export interface CreateApiKeyInput {
  name?: string;
  scope: ApiKeyScope;
  /** ISO date-time, any offset; stored in UTC. */
  expiresAt?: string;
  /** Instead of `expiresAt`: seconds from now. */
  expiresInSeconds?: number;
  now?: Date;
}

/** A new key of this workspace: the answer holds the key itself, the only time it is ever shown. */
export async function createWorkspaceApiKey(
  db: Db,
  workspaceId: string,
  input: CreateApiKeyInput,
): Promise<NewApiKeyView> {
  const now = input.now ?? new Date();
  const expiresAt =
    input.expiresAt !== undefined
      ? new Date(input.expiresAt)
      : input.expiresInSeconds !== undefined
        ? new Date(now.getTime() + input.expiresInSeconds * 1000)
        : undefined;
  const { apiKey, key } = await createApiKey(db, workspaceId, { name: input.name, scope: input.scope, expiresAt });
  return { ...toApiKeyView(apiKey, now), key };
}

export function listWorkspaceApiKeys(
  db: Db,
  workspaceId: string,
  options: { limit: number; cursor?: string; cursors?: CursorSigner },
): Promise<Page<ApiKeyView>> {
  const now = new Date();
  return pageAfterId(
    options,
    (query) => listApiKeys(db, workspaceId, query),
    (row) => toApiKeyView(row, now),
  );
}

/** Revokes a key of this workspace, the caller's own included; revoking a revoked key changes nothing. */
export async function revokeWorkspaceApiKey(db: Db, workspaceId: string, keyId: string): Promise<void> {
  if (!(await revokeApiKey(db, workspaceId, keyId))) throw new NotFoundError('API key', keyId);
}
