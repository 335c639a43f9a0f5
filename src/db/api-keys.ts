import { createHash, randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from './client';
import { newId } from '../shared/ids';
import { apiKeys, workspaces, type ApiKey, type Workspace } from './schema';
import { createWorkspace, findWorkspaceByName, type DbOrTx } from './workspaces';

const API_KEY_PREFIX = 'hk_';
/** Enough of the key to tell keys apart in listings, too little to guess the rest. */
const DISPLAY_PREFIX_LENGTH = API_KEY_PREFIX.length + 6;

export const DEFAULT_WORKSPACE_NAME = 'default';

export interface CreatedApiKey {
  apiKey: ApiKey;
  /** The key itself: shown once, stored only as a hash. */
  key: string;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function createApiKey(db: DbOrTx, workspaceId: string): CreatedApiKey {
  const key = API_KEY_PREFIX + randomBytes(32).toString('base64url');
  const apiKey = db
    .insert(apiKeys)
    .values({
      id: newId('key'),
      workspaceId,
      keyHash: hashApiKey(key),
      prefix: key.slice(0, DISPLAY_PREFIX_LENGTH),
    })
    .returning()
    .get();
  return { apiKey, key };
}

/** The workspace that owns a key, or undefined for an unknown key. */
export function findWorkspaceByApiKey(db: Db, key: string): Workspace | undefined {
  const row = db
    .select({ workspace: workspaces })
    .from(apiKeys)
    .innerJoin(workspaces, eq(apiKeys.workspaceId, workspaces.id))
    .where(eq(apiKeys.keyHash, hashApiKey(key)))
    .get();
  return row?.workspace;
}

export interface WorkspaceWithKey {
  workspace: Workspace;
  /** Present only when a key was just created. */
  apiKey?: string;
  /** True when the workspace did not exist before. */
  created: boolean;
}

/** Creates the workspace if needed, then a new key for it; both in one transaction. */
export function createWorkspaceKey(db: Db, name: string): WorkspaceWithKey & { apiKey: string } {
  return db.transaction((tx) => {
    const existing = findWorkspaceByName(tx, name);
    const workspace = existing ?? createWorkspace(tx, name);
    const { key } = createApiKey(tx, workspace.id);
    return { workspace, apiKey: key, created: !existing };
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
    const { key } = createApiKey(tx, workspace.id);
    return { workspace, apiKey: key, created: true };
  });
}

export interface ApiKeyListing {
  workspace: string;
  workspaceId: string;
  prefix: string;
  createdAt: string;
}

/** Every key by workspace, with only its first characters. */
export function listApiKeys(db: Db): ApiKeyListing[] {
  return db
    .select({
      workspace: workspaces.name,
      workspaceId: workspaces.id,
      prefix: apiKeys.prefix,
      createdAt: apiKeys.createdAt,
    })
    .from(apiKeys)
    .innerJoin(workspaces, eq(apiKeys.workspaceId, workspaces.id))
    .orderBy(workspaces.name, apiKeys.createdAt)
    .all();
}
