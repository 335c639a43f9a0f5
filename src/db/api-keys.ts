import { createHash, randomBytes } from 'node:crypto';
import { and, asc, eq, gt, isNull, lte, or, sql } from 'drizzle-orm';
import type { Db } from './handle';
import { newId } from '../shared/ids';
import { API_KEY_SCOPES, apiKeys, workspaces, type ApiKey, type ApiKeyScope, type Workspace } from './schema';
import { createWorkspace, findWorkspaceByName, type DbOrTx } from './workspaces';

const API_KEY_PREFIX = 'hk_';
/** Enough of the key to tell keys apart in listings, too little to guess the rest. */
const DISPLAY_PREFIX_LENGTH = API_KEY_PREFIX.length + 6;

export const DEFAULT_WORKSPACE_NAME = 'default';

/**
 * How seldom a key's `lastUsedAt` is written: a busy emitter would otherwise turn every request into a
 * write, and "used in the last minute" is as precise as anyone reading it needs.
 */
export const LAST_USED_RESOLUTION_MS = 60_000;

/** The longest lifetime a key can be given: ten years, near enough that no date arithmetic overflows. */
export const MAX_API_KEY_LIFETIME_SECONDS = 10 * 365 * 24 * 3600;

/** Where a key stands; only `active` keys authenticate. */
export const API_KEY_STATUSES = { active: 'active', expired: 'expired', revoked: 'revoked' } as const;
export type ApiKeyStatus = (typeof API_KEY_STATUSES)[keyof typeof API_KEY_STATUSES];

export interface NewApiKeyOptions {
  /** A label; default empty. */
  name?: string;
  /** Default `manage`, what every key could do before scopes existed. */
  scope?: ApiKeyScope;
  /** When the key stops working; default never. */
  expiresAt?: Date;
}

export interface CreatedApiKey {
  apiKey: ApiKey;
  /** The key itself: shown once, stored only as a hash. */
  key: string;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function createApiKey(db: DbOrTx, workspaceId: string, options: NewApiKeyOptions = {}): CreatedApiKey {
  const key = API_KEY_PREFIX + randomBytes(32).toString('base64url');
  const apiKey = db
    .insert(apiKeys)
    .values({
      id: newId('key'),
      workspaceId,
      keyHash: hashApiKey(key),
      prefix: key.slice(0, DISPLAY_PREFIX_LENGTH),
      name: options.name ?? '',
      scope: options.scope ?? API_KEY_SCOPES.manage,
      expiresAt: options.expiresAt?.toISOString() ?? null,
    })
    .returning()
    .get();
  return { apiKey, key };
}

/** Revoked before expired: a key that is both was refused on purpose, which is what its owner wants to read. */
export function apiKeyStatus(apiKey: Pick<ApiKey, 'expiresAt' | 'revokedAt'>, now: Date = new Date()): ApiKeyStatus {
  if (apiKey.revokedAt !== null) return API_KEY_STATUSES.revoked;
  if (apiKey.expiresAt !== null && Date.parse(apiKey.expiresAt) <= now.getTime()) return API_KEY_STATUSES.expired;
  return API_KEY_STATUSES.active;
}

export interface ApiKeyOwner {
  apiKey: ApiKey;
  workspace: Workspace;
}

/**
 * A key and its workspace, found by the key's hash (the key itself is never compared or stored), or
 * undefined for an unknown key. Revoked and expired keys are found too: callers decide what to tell.
 */
export function findApiKey(db: Db, key: string): ApiKeyOwner | undefined {
  return db
    .select({ apiKey: apiKeys, workspace: workspaces })
    .from(apiKeys)
    .innerJoin(workspaces, eq(apiKeys.workspaceId, workspaces.id))
    .where(eq(apiKeys.keyHash, hashApiKey(key)))
    .get();
}

/**
 * Records that a key was used now, unless that was already recorded within
 * {@link LAST_USED_RESOLUTION_MS}. The condition sits in the UPDATE itself so that concurrent requests,
 * in this process or another, write at most once. Returns whether it wrote.
 */
export function recordApiKeyUse(db: Db, apiKey: Pick<ApiKey, 'id' | 'lastUsedAt'>, now: Date = new Date()): boolean {
  const staleBefore = new Date(now.getTime() - LAST_USED_RESOLUTION_MS).toISOString();
  // Skipping the statement when the row just read is fresh keeps a busy emitter from taking SQLite's
  // write lock on every request; the WHERE clause below stays the authority.
  if (apiKey.lastUsedAt !== null && apiKey.lastUsedAt > staleBefore) return false;
  const result = db
    .update(apiKeys)
    .set({ lastUsedAt: now.toISOString() })
    .where(and(eq(apiKeys.id, apiKey.id), or(isNull(apiKeys.lastUsedAt), lte(apiKeys.lastUsedAt, staleBefore))))
    .run();
  return result.changes > 0;
}

/** A key of this workspace, or undefined: other workspaces' keys do not exist for the caller. */
export function findWorkspaceApiKey(db: Db, workspaceId: string, keyId: string): ApiKey | undefined {
  return db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.workspaceId, workspaceId), eq(apiKeys.id, keyId)))
    .get();
}

export interface ListApiKeysOptions {
  limit: number;
  /** Only keys whose id sorts after this one. */
  afterId?: string;
}

/** One page of a workspace's keys in id order (ids sort by creation time), revoked and expired ones included. */
export function listApiKeys(db: Db, workspaceId: string, options: ListApiKeysOptions): ApiKey[] {
  const after = options.afterId === undefined ? undefined : gt(apiKeys.id, options.afterId);
  return db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.workspaceId, workspaceId), after))
    .orderBy(asc(apiKeys.id))
    .limit(options.limit)
    .all();
}

/**
 * Revokes a key of this workspace; revoking it again keeps the first `revokedAt`. Undefined when the
 * workspace has no such key.
 */
export function revokeApiKey(db: Db, workspaceId: string, keyId: string, now: Date = new Date()): ApiKey | undefined {
  const at = now.toISOString();
  return (
    db
      .update(apiKeys)
      // SET reads the row as it was: a key revoked before keeps both its timestamps.
      .set({
        revokedAt: sql`coalesce(${apiKeys.revokedAt}, ${at})`,
        updatedAt: sql`case when ${apiKeys.revokedAt} is null then ${at} else ${apiKeys.updatedAt} end`,
      })
      .where(and(eq(apiKeys.workspaceId, workspaceId), eq(apiKeys.id, keyId)))
      .returning()
      .get()
  );
}

export interface WorkspaceWithKey {
  workspace: Workspace;
  /** Present only when a key was just created. */
  apiKey?: string;
  /** The new key's record, present with `apiKey`. */
  apiKeyRecord?: ApiKey;
  /** True when the workspace did not exist before. */
  created: boolean;
}

/** Creates the workspace if needed, then a new key for it; both in one transaction. */
export function createWorkspaceKey(
  db: Db,
  name: string,
  options: NewApiKeyOptions = {},
): WorkspaceWithKey & { apiKey: string; apiKeyRecord: ApiKey } {
  return db.transaction((tx) => {
    const existing = findWorkspaceByName(tx, name);
    const workspace = existing ?? createWorkspace(tx, name);
    const { key, apiKey } = createApiKey(tx, workspace.id, options);
    return { workspace, apiKey: key, apiKeyRecord: apiKey, created: !existing };
  });
}

/**
 * The workspace named `default`, created with a key on first run. The key is returned only then, so
 * that `npm start` prints it once.
 */
export function ensureDefaultWorkspace(db: Db): WorkspaceWithKey {
  return db.transaction((tx) => {
    const existing = findWorkspaceByName(tx, DEFAULT_WORKSPACE_NAME);
    if (existing) return { workspace: existing, created: false };
    const workspace = createWorkspace(tx, DEFAULT_WORKSPACE_NAME);
    const { key, apiKey } = createApiKey(tx, workspace.id);
    return { workspace, apiKey: key, apiKeyRecord: apiKey, created: true };
  });
}

export interface ApiKeyListing extends Omit<ApiKey, 'keyHash'> {
  workspace: string;
}

const listingColumns = {
  workspace: workspaces.name,
  id: apiKeys.id,
  workspaceId: apiKeys.workspaceId,
  prefix: apiKeys.prefix,
  name: apiKeys.name,
  scope: apiKeys.scope,
  expiresAt: apiKeys.expiresAt,
  revokedAt: apiKeys.revokedAt,
  lastUsedAt: apiKeys.lastUsedAt,
  createdAt: apiKeys.createdAt,
  updatedAt: apiKeys.updatedAt,
};

/** Every key of every workspace, by workspace, with only its first characters: for operators. */
export function listAllApiKeys(db: Db): ApiKeyListing[] {
  return db
    .select(listingColumns)
    .from(apiKeys)
    .innerJoin(workspaces, eq(apiKeys.workspaceId, workspaces.id))
    .orderBy(workspaces.name, apiKeys.createdAt)
    .all();
}

/**
 * Keys, of any workspace, whose id is `ref` or whose displayed prefix starts with it (the `…` that
 * listings print after a prefix is ignored). More than one means `ref` is ambiguous.
 */
export function findApiKeysByIdOrPrefix(db: Db, ref: string): ApiKeyListing[] {
  const wanted = ref.trim().replace(/…$/, '');
  if (wanted === '') return [];
  const byId = db
    .select(listingColumns)
    .from(apiKeys)
    .innerJoin(workspaces, eq(apiKeys.workspaceId, workspaces.id))
    .where(eq(apiKeys.id, wanted))
    .all();
  if (byId.length > 0) return byId;
  // A prefix shorter than the key's marker would match every key: that is never what was meant.
  if (wanted.length <= API_KEY_PREFIX.length) return [];
  const pattern = wanted.replace(/[\\%_]/g, (c) => `\\${c}`) + '%';
  return db
    .select(listingColumns)
    .from(apiKeys)
    .innerJoin(workspaces, eq(apiKeys.workspaceId, workspaces.id))
    .where(sql`${apiKeys.prefix} like ${pattern} escape '\\'`)
    .orderBy(workspaces.name, apiKeys.createdAt)
    .all();
}
