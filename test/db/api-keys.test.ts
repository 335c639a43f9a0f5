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
  ensureDefaultWorkspace,
  findApiKey,
  findApiKeysByIdOrPrefix,
  hashApiKey,
  listApiKeys,
  recordApiKeyUse,
  revokeApiKey,
} from '../../src/db/api-keys';
import { newWorkspaceId, openTempDatabase, STORES, uniqueName, type TempDatabase } from '../support/fixtures';

const MINUTE = 60_000;

describe.each(STORES)('API keys on %s', (store) => {
  let temp: TempDatabase;

  beforeAll(async () => {
    temp = await openTempDatabase(store);
  });

  afterAll(() => temp?.close());

  async function readKey(id: string) {
    const [row] = await temp.db.query((q, { apiKeys }) => q.select().from(apiKeys).where(eq(apiKeys.id, id)));
    if (!row) throw new Error(`No key ${id}`);
    return row;
  }

  describe('createApiKey', () => {
    it('stores only the hash and a short prefix, with the manage scope and no expiry by default', async () => {
      const workspaceId = await newWorkspaceId(temp.db);

      const { apiKey, key } = await createApiKey(temp.db, workspaceId);

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
      expect(apiKey.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(JSON.stringify(await readKey(apiKey.id))).not.toContain(key);
    });

    it('keeps the name, scope and expiry it is given, the expiry in UTC', async () => {
      const workspaceId = await newWorkspaceId(temp.db);
      const expiresAt = new Date('2031-05-01T12:00:00+02:00');

      const { apiKey } = await createApiKey(temp.db, workspaceId, { name: 'billing', scope: 'emit', expiresAt });

      expect(apiKey).toMatchObject({ name: 'billing', scope: 'emit', expiresAt: '2031-05-01T10:00:00.000Z' });
      expect(await readKey(apiKey.id)).toEqual(apiKey);
    });
  });

  describe('findApiKey', () => {
    it('finds a key and its workspace by the key, and nothing for an unknown key', async () => {
      const { workspace, apiKey } = await createWorkspaceKey(temp.db, uniqueName('workspace'), { scope: 'emit' });

      const found = await findApiKey(temp.db, apiKey);

      expect(found?.workspace).toEqual(workspace);
      expect(found?.apiKey).toMatchObject({ scope: 'emit', keyHash: hashApiKey(apiKey) });
      expect(await findApiKey(temp.db, `${apiKey}x`)).toBeUndefined();
      expect(await findApiKey(temp.db, 'hk_not-a-key')).toBeUndefined();
    });
  });

  describe('createWorkspaceKey and ensureDefaultWorkspace', () => {
    it('adds keys to an existing workspace, and creates one workspace when asked for it at once', async () => {
      const name = uniqueName('workspace');

      const created = await Promise.all([0, 1, 2, 3].map(() => createWorkspaceKey(temp.db, name)));

      expect(new Set(created.map((c) => c.workspace.id)).size).toBe(1);
      expect(created.filter((c) => c.created)).toHaveLength(1);
      expect(new Set(created.map((c) => c.apiKey)).size).toBe(4);
      const keys = await listApiKeys(temp.db, created[0]!.workspace.id, { limit: 10 });
      expect(keys).toHaveLength(4);
    });

    it('makes the default workspace and its key once, however many processes start at once', async () => {
      const starts = await Promise.all([0, 1, 2].map(() => ensureDefaultWorkspace(temp.db)));
      const again = await ensureDefaultWorkspace(temp.db);

      expect(starts.filter((s) => s.created)).toHaveLength(1);
      expect(starts.filter((s) => s.apiKey !== undefined)).toHaveLength(1);
      expect(again).toEqual({ workspace: starts[0]!.workspace, created: false });
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
    it('writes the first use, then at most once a minute', async () => {
      const { apiKey } = await createApiKey(temp.db, await newWorkspaceId(temp.db));
      const first = new Date('2030-01-01T00:00:00.000Z');

      expect(await recordApiKeyUse(temp.db, apiKey, first)).toBe(true);
      expect((await readKey(apiKey.id)).lastUsedAt).toBe(first.toISOString());
      expect(await recordApiKeyUse(temp.db, await readKey(apiKey.id), new Date(first.getTime() + MINUTE - 1))).toBe(
        false,
      );
      expect((await readKey(apiKey.id)).lastUsedAt).toBe(first.toISOString());

      const later = new Date(first.getTime() + MINUTE);
      expect(await recordApiKeyUse(temp.db, await readKey(apiKey.id), later)).toBe(true);
      expect((await readKey(apiKey.id)).lastUsedAt).toBe(later.toISOString());
    });

    it('leaves a fresh value alone even when the caller read a stale one, as a concurrent request would', async () => {
      const { apiKey } = await createApiKey(temp.db, await newWorkspaceId(temp.db));
      const first = new Date('2030-01-01T00:00:00.000Z');
      await recordApiKeyUse(temp.db, apiKey, first);

      // `apiKey` still says never used: only the UPDATE's own condition can refuse this write.
      const wrote = await recordApiKeyUse(temp.db, apiKey, new Date(first.getTime() + 1000));

      expect(wrote).toBe(false);
      expect((await readKey(apiKey.id)).lastUsedAt).toBe(first.toISOString());
    });
  });

  describe('revokeApiKey', () => {
    it('revokes a key once: revoking it again keeps the first time', async () => {
      const workspaceId = await newWorkspaceId(temp.db);
      const { apiKey } = await createApiKey(temp.db, workspaceId);
      const first = new Date('2030-01-01T00:00:00.000Z');

      const revoked = await revokeApiKey(temp.db, workspaceId, apiKey.id, first);
      const again = await revokeApiKey(temp.db, workspaceId, apiKey.id, new Date(first.getTime() + MINUTE));

      expect(revoked).toMatchObject({ revokedAt: first.toISOString(), updatedAt: first.toISOString() });
      expect(again).toMatchObject({ revokedAt: first.toISOString(), updatedAt: first.toISOString() });
      expect(apiKeyStatus(await readKey(apiKey.id))).toBe('revoked');
    });

    it("finds nothing to revoke in another workspace and leaves that workspace's key alone", async () => {
      const owner = await newWorkspaceId(temp.db);
      const { apiKey } = await createApiKey(temp.db, owner);

      expect(await revokeApiKey(temp.db, await newWorkspaceId(temp.db), apiKey.id)).toBeUndefined();
      expect((await readKey(apiKey.id)).revokedAt).toBeNull();
    });
  });

  describe('listApiKeys', () => {
    it("pages through one workspace's keys in id order, revoked ones included", async () => {
      const workspaceId = await newWorkspaceId(temp.db);
      const ids: string[] = [];
      for (const i of [0, 1, 2]) ids.push((await createApiKey(temp.db, workspaceId, { name: `key ${i}` })).apiKey.id);
      await revokeApiKey(temp.db, workspaceId, ids[1]!);
      await createApiKey(temp.db, await newWorkspaceId(temp.db));

      const first = await listApiKeys(temp.db, workspaceId, { limit: 2 });
      const rest = await listApiKeys(temp.db, workspaceId, { limit: 2, afterId: first.at(-1)!.id });

      // Ids sort by creation time to the millisecond only: keys made within one may come in any order.
      expect([...first, ...rest].map((k) => k.id)).toEqual([...ids].sort());
      expect(rest).toHaveLength(1);
    });
  });

  describe('findApiKeysByIdOrPrefix', () => {
    it('finds a key by its id or by its displayed prefix, with or without the ellipsis', async () => {
      const { apiKey } = await createApiKey(temp.db, await newWorkspaceId(temp.db));

      expect((await findApiKeysByIdOrPrefix(temp.db, apiKey.id)).map((k) => k.id)).toEqual([apiKey.id]);
      expect((await findApiKeysByIdOrPrefix(temp.db, apiKey.prefix)).map((k) => k.id)).toContain(apiKey.id);
      expect((await findApiKeysByIdOrPrefix(temp.db, `${apiKey.prefix}…`)).map((k) => k.id)).toContain(apiKey.id);
      expect(await findApiKeysByIdOrPrefix(temp.db, 'hk_')).toEqual([]);
      expect(await findApiKeysByIdOrPrefix(temp.db, 'key_nothing')).toEqual([]);
    });

    it('compares the prefix exactly: case counts, and LIKE wildcards are plain characters', async () => {
      const { apiKey } = await createApiKey(temp.db, await newWorkspaceId(temp.db));
      // The same prefix with the case of its random part turned around.
      const flipped =
        'hk_' +
        apiKey.prefix.slice(3).replace(/[a-z]/gi, (c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()));

      expect(await findApiKeysByIdOrPrefix(temp.db, 'hk_%')).toEqual([]);
      expect(await findApiKeysByIdOrPrefix(temp.db, 'hk______')).toEqual([]);
      if (flipped !== apiKey.prefix) {
        expect((await findApiKeysByIdOrPrefix(temp.db, flipped)).map((k) => k.id)).not.toContain(apiKey.id);
      }
    });
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
