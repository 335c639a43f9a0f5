import { createHash, randomBytes } from 'node:crypto';
import { and, asc, eq, gt, isNull, lte, or, sql } from 'drizzle-orm';
import { first, type Db, type Tables } from './handle';
import { newId } from '../shared/ids';
import { API_KEY_SCOPES, type ApiKey, type ApiKeyScope, type Workspace } from './schema';
import { ensureWorkspace, findWorkspaceByName } from './workspaces';

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

export async function createApiKey(
  db: Db,
  workspaceId: string,
  options: NewApiKeyOptions = {},
): Promise<CreatedApiKey> {
  const key = API_KEY_PREFIX + randomBytes(32).toString('base64url');
  const [apiKey] = await db.query((q, { apiKeys }) =>
    q
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
      .returning(),
  );
  if (!apiKey) throw new Error('The new API key was not returned');
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
export async function findApiKey(db: Db, key: string): Promise<ApiKeyOwner | undefined> {
  const rows = await db.query((q, { apiKeys, workspaces }) =>
    q
      .select({ apiKey: apiKeys, workspace: workspaces })
      .from(apiKeys)
      .innerJoin(workspaces, eq(apiKeys.workspaceId, workspaces.id))
      .where(eq(apiKeys.keyHash, hashApiKey(key))),
  );
  return first(rows);
}

/**
 * Records that a key was used now, unless that was already recorded within
 * {@link LAST_USED_RESOLUTION_MS}. The condition sits in the UPDATE itself so that concurrent requests,
 * in this process or another, write at most once. Returns whether it wrote.
 */
export async function recordApiKeyUse(
  db: Db,
  apiKey: Pick<ApiKey, 'id' | 'lastUsedAt'>,
  now: Date = new Date(),
): Promise<boolean> {
  const staleBefore = new Date(now.getTime() - LAST_USED_RESOLUTION_MS).toISOString();
  // Skipping the statement when the row just read is fresh keeps a busy emitter from taking the
  // database's write lock on every request; the WHERE clause below stays the authority.
  if (apiKey.lastUsedAt !== null && apiKey.lastUsedAt > staleBefore) return false;
  const written = await db.query((q, { apiKeys }) =>
    q
      .update(apiKeys)
      .set({ lastUsedAt: now.toISOString() })
      .where(and(eq(apiKeys.id, apiKey.id), or(isNull(apiKeys.lastUsedAt), lte(apiKeys.lastUsedAt, staleBefore))))
      .returning({ id: apiKeys.id }),
  );
  return written.length > 0;
}

/** A key of this workspace, or undefined: other workspaces' keys do not exist for the caller. */
export async function findWorkspaceApiKey(db: Db, workspaceId: string, keyId: string): Promise<ApiKey | undefined> {
  const rows = await db.query((q, { apiKeys }) =>
    q
      .select()
      .from(apiKeys)
      .where(and(eq(apiKeys.workspaceId, workspaceId), eq(apiKeys.id, keyId))),
  );
  return first(rows);
}

export interface ListApiKeysOptions {
  limit: number;
  /** Only keys whose id sorts after this one. */
  afterId?: string;
}

/** One page of a workspace's keys in id order (ids sort by creation time), revoked and expired ones included. */
export function listApiKeys(db: Db, workspaceId: string, options: ListApiKeysOptions): Promise<ApiKey[]> {
  return db.query((q, { apiKeys }) => {
    const after = options.afterId === undefined ? undefined : gt(apiKeys.id, options.afterId);
    return q
      .select()
      .from(apiKeys)
      .where(and(eq(apiKeys.workspaceId, workspaceId), after))
      .orderBy(asc(apiKeys.id))
      .limit(options.limit);
  });
}

/**
 * Revokes a key of this workspace; revoking it again keeps the first `revokedAt`. Undefined when the
 * workspace has no such key.
 */
export async function revokeApiKey(
  db: Db,
  workspaceId: string,
  keyId: string,
  now: Date = new Date(),
): Promise<ApiKey | undefined> {
  const at = now.toISOString();
  const rows = await db.query((q, { apiKeys }) =>
    q
      .update(apiKeys)
      // SET reads the row as it was: a key revoked before keeps both its timestamps.
      .set({
        revokedAt: sql`coalesce(${apiKeys.revokedAt}, ${at})`,
        updatedAt: sql`case when ${apiKeys.revokedAt} is null then ${at} else ${apiKeys.updatedAt} end`,
      })
      .where(and(eq(apiKeys.workspaceId, workspaceId), eq(apiKeys.id, keyId)))
      .returning(),
  );
  return first(rows);
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
): Promise<WorkspaceWithKey & { apiKey: string; apiKeyRecord: ApiKey }> {
  return db.transaction(async (tx) => {
    const { workspace, created } = await ensureWorkspace(tx, name);
    const { key, apiKey } = await createApiKey(tx, workspace.id, options);
    return { workspace, apiKey: key, apiKeyRecord: apiKey, created };
  });
}

/**
 * The workspace named `default`, created with a key on first run. The key is returned only then, so
 * that `npm start` prints it once, even when several processes start at once.
 */
export async function ensureDefaultWorkspace(db: Db): Promise<WorkspaceWithKey> {
  const existing = await findWorkspaceByName(db, DEFAULT_WORKSPACE_NAME);
  if (existing) return { workspace: existing, created: false };
  return db.transaction(async (tx) => {
    const { workspace, created } = await ensureWorkspace(tx, DEFAULT_WORKSPACE_NAME);
    if (!created) return { workspace, created };
    const { key, apiKey } = await createApiKey(tx, workspace.id);
    return { workspace, apiKey: key, apiKeyRecord: apiKey, created };
  });
}

export interface ApiKeyListing extends Omit<ApiKey, 'keyHash'> {
  workspace: string;
}

/** What operators see of a key: everything but its hash, and its workspace's name. */
function listingColumns({ apiKeys, workspaces }: Tables) {
  return {
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
}

/** Every key of every workspace, by workspace, with only its first characters: for operators. */
export function listAllApiKeys(db: Db): Promise<ApiKeyListing[]> {
  return db.query((q, tables) =>
    q
      .select(listingColumns(tables))
      .from(tables.apiKeys)
      .innerJoin(tables.workspaces, eq(tables.apiKeys.workspaceId, tables.workspaces.id))
      .orderBy(tables.workspaces.name, tables.apiKeys.createdAt),
  );
}

/**
 * Keys, of any workspace, whose id is `ref` or whose displayed prefix starts with it (the `…` that
 * listings print after a prefix is ignored). More than one means `ref` is ambiguous.
 */
export async function findApiKeysByIdOrPrefix(db: Db, ref: string): Promise<ApiKeyListing[]> {
  const wanted = ref.trim().replace(/…$/, '');
  if (wanted === '') return [];
  const byId = await db.query((q, tables) =>
    q
      .select(listingColumns(tables))
      .from(tables.apiKeys)
      .innerJoin(tables.workspaces, eq(tables.apiKeys.workspaceId, tables.workspaces.id))
      .where(eq(tables.apiKeys.id, wanted)),
  );
  if (byId.length > 0) return byId;
  // A prefix shorter than the key's marker would match every key: that is never what was meant.
  if (wanted.length <= API_KEY_PREFIX.length) return [];
  return db.query((q, tables) =>
    q
      .select(listingColumns(tables))
      .from(tables.apiKeys)
      .innerJoin(tables.workspaces, eq(tables.apiKeys.workspaceId, tables.workspaces.id))
      // Compared character for character, case included (keys are base64url), with no wildcards, the
      // same on both stores: SQLite's LIKE would ignore case, PostgreSQL's would not.
      .where(sql`substr(${tables.apiKeys.prefix}, 1, ${wanted.length}) = ${wanted}`)
      .orderBy(tables.workspaces.name, tables.apiKeys.createdAt),
  );
}
