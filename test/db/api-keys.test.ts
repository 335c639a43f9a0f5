import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiKeyStatus,
  createApiKey,
  createWorkspaceKey,
  findApiKey,
  findApiKeysByIdOrPrefix,
  hashApiKey,
  listApiKeys,
  recordApiKeyUse,
  revokeApiKey,
} from '../../src/db/api-keys';
import { apiKeys } from '../../src/db/schema';
import { newWorkspaceId, openTempDatabase, uniqueName, type TempDatabase } from '../support/fixtures';

let temp: TempDatabase;

beforeAll(() => {
  temp = openTempDatabase();
});

afterAll(() => temp?.close());

const MINUTE = 60_000;

function readKey(id: string) {
  return temp.db.select().from(apiKeys).where(eq(apiKeys.id, id)).get();
}

describe('createApiKey', () => {
  it('stores only the hash and a short prefix, with the manage scope and no expiry by default', () => {
    const workspaceId = newWorkspaceId(temp.db);

    const { apiKey, key } = createApiKey(temp.db, workspaceId);

    expect(key).toMatch(/^hk_[A-Za-z0-9_-]{43}$/);
    expect(apiKey).toMatchObject({
      workspaceId,
      keyHash: hashApiKey(key),
      prefix: key.slice(0, 9),
      name: '',
      scope: 'manage',
      expiresAt: null,
      revokedAt: null,
      lastUsedAt: null,
    });
    expect(JSON.stringify(readKey(apiKey.id))).not.toContain(key);
  });

  it('keeps the name, scope and expiry it is given, the expiry in UTC', () => {
    const workspaceId = newWorkspaceId(temp.db);
    const expiresAt = new Date('2031-05-01T12:00:00+02:00');

    const { apiKey } = createApiKey(temp.db, workspaceId, { name: 'billing', scope: 'emit', expiresAt });

    expect(apiKey).toMatchObject({ name: 'billing', scope: 'emit', expiresAt: '2031-05-01T10:00:00.000Z' });
  });
});

describe('findApiKey', () => {
  it('finds a key and its workspace by the key, and nothing for an unknown key', () => {
    const { workspace, apiKey } = createWorkspaceKey(temp.db, uniqueName('workspace'), { scope: 'emit' });

    const found = findApiKey(temp.db, apiKey);

    expect(found?.workspace).toEqual(workspace);
    expect(found?.apiKey).toMatchObject({ scope: 'emit', keyHash: hashApiKey(apiKey) });
    expect(findApiKey(temp.db, `${apiKey}x`)).toBeUndefined();
    expect(findApiKey(temp.db, 'hk_not-a-key')).toBeUndefined();
  });
});

describe('apiKeyStatus', () => {
  const now = new Date('2030-01-01T00:00:00.000Z');

  it('is expired from the expiry instant on, and revoked before anything else', () => {
    expect(apiKeyStatus({ expiresAt: null, revokedAt: null }, now)).toBe('active');
    expect(apiKeyStatus({ expiresAt: '2030-01-01T00:00:00.001Z', revokedAt: null }, now)).toBe('active');
    expect(apiKeyStatus({ expiresAt: '2030-01-01T00:00:00.000Z', revokedAt: null }, now)).toBe('expired');
    expect(apiKeyStatus({ expiresAt: '2029-12-31T00:00:00.000Z', revokedAt: '2029-06-01T00:00:00.000Z' }, now)).toBe(
      'revoked',
    );
  });
});

describe('recordApiKeyUse', () => {
  it('writes the first use, then at most once a minute', () => {
    const { apiKey } = createApiKey(temp.db, newWorkspaceId(temp.db));
    const first = new Date('2030-01-01T00:00:00.000Z');

    expect(recordApiKeyUse(temp.db, apiKey, first)).toBe(true);
    expect(readKey(apiKey.id)?.lastUsedAt).toBe(first.toISOString());
    expect(recordApiKeyUse(temp.db, readKey(apiKey.id)!, new Date(first.getTime() + MINUTE - 1))).toBe(false);
    expect(readKey(apiKey.id)?.lastUsedAt).toBe(first.toISOString());

    const later = new Date(first.getTime() + MINUTE);
    expect(recordApiKeyUse(temp.db, readKey(apiKey.id)!, later)).toBe(true);
    expect(readKey(apiKey.id)?.lastUsedAt).toBe(later.toISOString());
  });

  it('leaves a fresh value alone even when the caller read a stale one, as a concurrent request would', () => {
    const { apiKey } = createApiKey(temp.db, newWorkspaceId(temp.db));
    const first = new Date('2030-01-01T00:00:00.000Z');
    recordApiKeyUse(temp.db, apiKey, first);

    // `apiKey` still says never used: only the UPDATE's own condition can refuse this write.
    const wrote = recordApiKeyUse(temp.db, apiKey, new Date(first.getTime() + 1000));

    expect(wrote).toBe(false);
    expect(readKey(apiKey.id)?.lastUsedAt).toBe(first.toISOString());
  });
});

describe('revokeApiKey', () => {
  it('revokes a key once: revoking it again keeps the first time', () => {
    const workspaceId = newWorkspaceId(temp.db);
    const { apiKey } = createApiKey(temp.db, workspaceId);
    const first = new Date('2030-01-01T00:00:00.000Z');

    const revoked = revokeApiKey(temp.db, workspaceId, apiKey.id, first);
    const again = revokeApiKey(temp.db, workspaceId, apiKey.id, new Date(first.getTime() + MINUTE));

    expect(revoked).toMatchObject({ revokedAt: first.toISOString(), updatedAt: first.toISOString() });
    expect(again).toMatchObject({ revokedAt: first.toISOString(), updatedAt: first.toISOString() });
    expect(apiKeyStatus(readKey(apiKey.id)!)).toBe('revoked');
  });

  it("finds nothing to revoke in another workspace and leaves that workspace's key alone", () => {
    const owner = newWorkspaceId(temp.db);
    const { apiKey } = createApiKey(temp.db, owner);

    expect(revokeApiKey(temp.db, newWorkspaceId(temp.db), apiKey.id)).toBeUndefined();
    expect(readKey(apiKey.id)?.revokedAt).toBeNull();
  });
});

describe('listApiKeys', () => {
  it("pages through one workspace's keys in id order, revoked ones included", () => {
    const workspaceId = newWorkspaceId(temp.db);
    const ids = [0, 1, 2].map((i) => createApiKey(temp.db, workspaceId, { name: `key ${i}` }).apiKey.id);
    revokeApiKey(temp.db, workspaceId, ids[1]!);
    createApiKey(temp.db, newWorkspaceId(temp.db));

    const first = listApiKeys(temp.db, workspaceId, { limit: 2 });
    const rest = listApiKeys(temp.db, workspaceId, { limit: 2, afterId: first.at(-1)!.id });

    // Ids sort by creation time to the millisecond only: keys made within one may come in any order.
    expect([...first, ...rest].map((k) => k.id)).toEqual([...ids].sort());
    expect(rest).toHaveLength(1);
  });
});

describe('findApiKeysByIdOrPrefix', () => {
  it('finds a key by its id or by its displayed prefix, with or without the ellipsis', () => {
    const { apiKey } = createApiKey(temp.db, newWorkspaceId(temp.db));

    expect(findApiKeysByIdOrPrefix(temp.db, apiKey.id).map((k) => k.id)).toEqual([apiKey.id]);
    expect(findApiKeysByIdOrPrefix(temp.db, apiKey.prefix).map((k) => k.id)).toContain(apiKey.id);
    expect(findApiKeysByIdOrPrefix(temp.db, `${apiKey.prefix}…`).map((k) => k.id)).toContain(apiKey.id);
    expect(findApiKeysByIdOrPrefix(temp.db, 'hk_')).toEqual([]);
    expect(findApiKeysByIdOrPrefix(temp.db, 'key_nothing')).toEqual([]);
  });

  it('treats LIKE wildcards in the prefix as plain characters', () => {
    createApiKey(temp.db, newWorkspaceId(temp.db));

    expect(findApiKeysByIdOrPrefix(temp.db, 'hk_%')).toEqual([]);
    expect(findApiKeysByIdOrPrefix(temp.db, 'hk______')).toEqual([]);
  });
});

describe('the api_key_lifecycle migration', () => {
  it('gives keys made before it the manage scope and no name, expiry, revocation or use', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hookline-migration-'));
    const repoMigrations = path.resolve(__dirname, '../../drizzle');
    // A migrations folder that stops at the first migration: the database as it was before scopes.
    const before = path.join(dir, 'drizzle');
    fs.mkdirSync(path.join(before, 'meta'), { recursive: true });
    fs.copyFileSync(path.join(repoMigrations, '0000_init.sql'), path.join(before, '0000_init.sql'));
    const journal = JSON.parse(fs.readFileSync(path.join(repoMigrations, 'meta/_journal.json'), 'utf8')) as {
      entries: { tag: string }[];
    };
    journal.entries = journal.entries.filter((entry) => entry.tag === '0000_init');
    fs.writeFileSync(path.join(before, 'meta/_journal.json'), JSON.stringify(journal));
    const sqlite = new Database(path.join(dir, 'old.db'));
    try {
      const db = drizzle(sqlite);
      migrate(db, { migrationsFolder: before });
      sqlite.prepare("insert into workspaces (id, name) values ('ws_old', 'old')").run();
      sqlite
        .prepare(
          "insert into api_keys (id, workspace_id, key_hash, prefix) values ('key_old', 'ws_old', ?, 'hk_oldkey')",
        )
        .run(hashApiKey('hk_oldkey-secret'));

      migrate(db, { migrationsFolder: repoMigrations });

      expect(sqlite.prepare("select * from api_keys where id = 'key_old'").get()).toMatchObject({
        name: '',
        scope: 'manage',
        expires_at: null,
        revoked_at: null,
        last_used_at: null,
      });
    } finally {
      sqlite.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
