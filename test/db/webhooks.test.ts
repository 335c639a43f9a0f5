import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { openDatabase, type DatabaseLocation, type Db } from '../../src/db/client';
import { DIALECTS, type Dialect } from '../../src/db/handle';
import {
  countWebhooks,
  createWebhook,
  deleteWebhook,
  disableWebhook,
  findEndpoints,
  findWebhook,
  findWorkspaceWebhook,
  listWebhooks,
  rotateWebhookSecret,
  setWebhookFailingSince,
  updateWebhook,
} from '../../src/db/webhooks';
import { createWorkspace, lockWorkspace } from '../../src/db/workspaces';
import { POSTGRES_LOCK_TIMEOUT_MS } from '../../src/db/postgres';
import { DatabaseBusyError, fromDatabaseError } from '../../src/api/domain/errors';
import { createFieldCipher } from '../../src/security/field-cipher';
import {
  addPrimaryKey,
  createKeyring,
  generateKey,
  generateKeyId,
  type EncryptionKeyring,
} from '../../src/security/keyring';
import { generateWebhookSecret } from '../../src/shared/webhook-secret';
import { newWorkspaceId, openTempDatabase, STORES, uniqueName, type TempDatabase } from '../support/fixtures';
import { createTestDatabase } from '../support/postgres';

const newKeyring = () => createKeyring([[generateKeyId(), generateKey()]]);

/**
 * A store that tests open, close and open again under other keys, and read or write behind Hookline's
 * back: as the file's bytes and better-sqlite3 on SQLite, as rows and node-postgres on PostgreSQL.
 */
interface RawStore {
  location: DatabaseLocation;
  /** Everything the store keeps, as text: what a copy of it would reveal. */
  dump(): Promise<string>;
  /** Sets a webhook's stored secret and headers as given, unsealed. */
  writePlain(webhookId: string, secret: string, headers: Record<string, string>): Promise<void>;
  storedSecret(webhookId: string): Promise<string>;
  /** Copies one webhook's stored secret into another's row. */
  copySecret(fromId: string, toId: string): Promise<void>;
  remove(): Promise<void>;
}

async function rawStore(store: Dialect): Promise<RawStore> {
  if (store === DIALECTS.postgres) {
    const database = await createTestDatabase(inject('postgresAdminUrl'));
    const run = async <T extends pg.QueryResultRow>(text: string, values: unknown[] = []) => {
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        return (await client.query<T>(text, values)).rows;
      } finally {
        await client.end();
      }
    };
    return {
      location: { dialect: store, url: database.url },
      dump: async () =>
        (await run<{ row: string }>('select row_to_json(w)::text as row from webhooks w')).map((r) => r.row).join('\n'),
      writePlain: async (id, secret, headers) => {
        await run('update webhooks set secret = $1, headers = $2 where id = $3', [secret, JSON.stringify(headers), id]);
      },
      storedSecret: async (id) =>
        (await run<{ secret: string }>('select secret from webhooks where id = $1', [id]))[0]!.secret,
      copySecret: async (from, to) => {
        await run('update webhooks set secret = (select secret from webhooks where id = $1) where id = $2', [from, to]);
      },
      remove: () => database.drop(),
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hookline-db-'));
  const file = path.join(dir, 'hookline.db');
  const withFile = <T>(work: (sqlite: Database.Database) => T): T => {
    const sqlite = new Database(file);
    try {
      return work(sqlite);
    } finally {
      sqlite.close();
    }
  };
  return {
    location: { dialect: store, path: file },
    // Every byte SQLite keeps for this database: the file, its write-ahead log and shared memory.
    dump: async () =>
      ['', '-wal', '-shm']
        .map((suffix) => file + suffix)
        .filter((f) => fs.existsSync(f))
        .map((f) => fs.readFileSync(f).toString('latin1'))
        .join(''),
    writePlain: async (id, secret, headers) => {
      withFile((sqlite) =>
        sqlite
          .prepare('update webhooks set secret = ?, headers = ? where id = ?')
          .run(secret, JSON.stringify(headers), id),
      );
    },
    storedSecret: async (id) =>
      withFile(
        (sqlite) => (sqlite.prepare('select secret from webhooks where id = ?').get(id) as { secret: string }).secret,
      ),
    copySecret: async (from, to) => {
      withFile((sqlite) =>
        sqlite
          .prepare('update webhooks set secret = (select secret from webhooks where id = ?) where id = ?')
          .run(from, to),
      );
    },
    remove: async () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

describe.each(STORES)('webhook secrets at rest on %s', (store) => {
  const stores: RawStore[] = [];
  const opened: { close(): Promise<void> }[] = [];

  afterEach(async () => {
    for (const database of opened.splice(0)) await database.close();
    for (const raw of stores.splice(0)) await raw.remove();
  });

  async function newStore(): Promise<RawStore> {
    const raw = await rawStore(store);
    stores.push(raw);
    return raw;
  }

  async function openWith(raw: RawStore, keyring: EncryptionKeyring): Promise<Db> {
    const database = await openDatabase(raw.location, { cipher: createFieldCipher(keyring) });
    opened.push(database);
    return database.db;
  }

  async function closeLast(): Promise<void> {
    await opened.pop()?.close();
  }

  it('keeps secrets, previous secrets and header values out of the database', async () => {
    const raw = await newStore();
    const db = await openWith(raw, newKeyring());
    const workspace = await createWorkspace(db, 'acme');
    const secret = generateWebhookSecret();
    const webhook = await createWebhook(db, {
      workspaceId: workspace.id,
      url: 'https://crm.example/hooks',
      events: ['*'],
      secret,
      headers: { 'x-crm-token': 'crm-token-7f3a9c' },
    });
    const rotated = await rotateWebhookSecret(db, {
      workspaceId: workspace.id,
      webhookId: webhook.id,
      graceMs: 3_600_000,
      now: new Date(),
    });

    const stored = await raw.dump();
    for (const value of [secret, rotated?.secret ?? 'missing', 'crm-token-7f3a9c']) {
      expect(stored).not.toContain(value);
      expect(stored).not.toContain(value.replace('whsec_', ''));
    }
    // What is stored is still the webhook: its id and URL are plain, its secrets open with the key.
    expect(stored).toContain('https://crm.example/hooks');
    expect(await findWebhook(db, webhook.id)).toMatchObject({
      secret: rotated?.secret,
      previousSecret: secret,
      headers: { 'x-crm-token': 'crm-token-7f3a9c' },
    });
  });

  it('seals rows written in plaintext before encryption, at the next start', async () => {
    const raw = await newStore();
    const keyring = newKeyring();
    const db = await openWith(raw, keyring);
    const workspace = await createWorkspace(db, 'legacy');
    const webhook = await createWebhook(db, { workspaceId: workspace.id, url: 'https://a.example/', events: ['*'] });
    await closeLast();
    const legacySecret = generateWebhookSecret();
    await raw.writePlain(webhook.id, legacySecret, { authorization: 'Bearer legacy-token-991' });
    expect(await raw.dump()).toContain(legacySecret);

    const reopened = await openWith(raw, keyring);

    expect(await raw.dump()).not.toContain(legacySecret);
    expect(await raw.dump()).not.toContain('legacy-token-991');
    expect(await findWebhook(reopened, webhook.id)).toMatchObject({
      secret: legacySecret,
      headers: { authorization: 'Bearer legacy-token-991' },
    });
  });

  it('re-encrypts under a new primary key at the next start, and older keys still open what they sealed', async () => {
    const raw = await newStore();
    const first = newKeyring();
    const db = await openWith(raw, first);
    const workspace = await createWorkspace(db, 'rotating');
    const webhook = await createWebhook(db, { workspaceId: workspace.id, url: 'https://a.example/', events: ['*'] });
    await closeLast();

    const second = addPrimaryKey(first);
    const reopened = await openWith(raw, second);

    expect(await raw.storedSecret(webhook.id)).toContain(`:${second.primaryKeyId}:`);
    expect((await findWebhook(reopened, webhook.id))?.secret).toBe(webhook.secret);
  });

  it('refuses to open a secret under a key it does not have', async () => {
    const raw = await newStore();
    const db = await openWith(raw, newKeyring());
    const workspace = await createWorkspace(db, 'other-key');
    await createWebhook(db, { workspaceId: workspace.id, url: 'https://a.example/', events: ['*'] });
    await closeLast();

    await expect(openWith(raw, newKeyring())).rejects.toThrow(/key/i);
  });

  it('forgets a previous secret once its grace period is over', async () => {
    const raw = await newStore();
    const keyring = newKeyring();
    const db = await openWith(raw, keyring);
    const workspace = await createWorkspace(db, 'grace');
    const webhook = await createWebhook(db, { workspaceId: workspace.id, url: 'https://a.example/', events: ['*'] });
    const old = webhook.secret;
    await rotateWebhookSecret(db, {
      workspaceId: workspace.id,
      webhookId: webhook.id,
      graceMs: 1,
      now: new Date(Date.now() - 60_000),
    });
    await closeLast();

    const reopened = await openWith(raw, keyring);

    expect(await findWebhook(reopened, webhook.id)).toMatchObject({
      previousSecret: null,
      previousSecretExpiresAt: null,
    });
    expect(await raw.dump()).not.toContain(old);
  });

  it('binds each sealed value to its webhook: a secret copied into another row does not open', async () => {
    const raw = await newStore();
    const keyring = newKeyring();
    const db = await openWith(raw, keyring);
    const workspace = await createWorkspace(db, 'swap');
    const a = await createWebhook(db, { workspaceId: workspace.id, url: 'https://a.example/', events: ['*'] });
    const b = await createWebhook(db, { workspaceId: workspace.id, url: 'https://b.example/', events: ['*'] });
    await updateWebhook(db, workspace.id, b.id, { description: 'target' });
    await closeLast();
    await raw.copySecret(a.id, b.id);

    const reopened = await openWith(raw, keyring);

    await expect(findWebhook(reopened, b.id)).rejects.toThrow();
    expect((await findWebhook(reopened, a.id))?.secret).toBe(a.secret);
  });
});

describe.each(STORES)('webhooks on %s', (store) => {
  let temp: TempDatabase;

  beforeAll(async () => {
    temp = await openTempDatabase(store);
  });

  afterAll(() => temp?.close());

  const endpointsFor = async (workspaceId: string, eventType: string, webhookId?: string) =>
    (await findEndpoints(temp.db, { workspaceId, eventType, webhookId })).map((e) => e.url);

  describe('findEndpoints', () => {
    it('finds the enabled webhooks subscribed to the type or to *, in id order, never another workspace’s', async () => {
      const workspaceId = await newWorkspaceId(temp.db);
      const other = await newWorkspaceId(temp.db);
      const make = (url: string, events: string[], enabled = true) =>
        createWebhook(temp.db, { workspaceId, url, events, enabled });
      await make('https://a.example/typed', ['lead.created', 'lead.updated']);
      await make('https://b.example/all', ['*']);
      await make('https://c.example/other-type', ['document.received']);
      await make('https://d.example/disabled', ['*'], false);
      // A value that contains the type but is not it: a match on text would find it.
      await make('https://e.example/lookalike', ['lead.created.v2', 'xlead.created']);
      await createWebhook(temp.db, { workspaceId: other, url: 'https://f.example/elsewhere', events: ['*'] });

      expect((await endpointsFor(workspaceId, 'lead.created')).sort()).toEqual([
        'https://a.example/typed',
        'https://b.example/all',
      ]);
      expect(await endpointsFor(workspaceId, 'document.received')).toHaveLength(2);
      expect(await endpointsFor(workspaceId, 'action_log.failed')).toEqual(['https://b.example/all']);
      const found = await findEndpoints(temp.db, { workspaceId, eventType: 'lead.created' });
      expect(found.map((e) => e.webhookId)).toEqual(found.map((e) => e.webhookId).sort());
    });

    it('sends operational types only to webhooks that name them: * does not include them', async () => {
      const workspaceId = await newWorkspaceId(temp.db);
      await createWebhook(temp.db, { workspaceId, url: 'https://all.example/', events: ['*'] });
      await createWebhook(temp.db, { workspaceId, url: 'https://ops.example/', events: ['*', 'delivery.exhausted'] });
      await createWebhook(temp.db, { workspaceId, url: 'https://only.example/', events: ['webhook.disabled'] });

      expect(await endpointsFor(workspaceId, 'delivery.exhausted')).toEqual(['https://ops.example/']);
      expect(await endpointsFor(workspaceId, 'webhook.disabled')).toEqual(['https://only.example/']);
      expect(await endpointsFor(workspaceId, 'webhook.recovered')).toEqual([]);
      expect((await endpointsFor(workspaceId, 'lead.created')).sort()).toEqual([
        'https://all.example/',
        'https://ops.example/',
      ]);
    });

    it('restricted to one webhook, finds it whatever it subscribes to, if enabled and of the workspace', async () => {
      const workspaceId = await newWorkspaceId(temp.db);
      const one = await createWebhook(temp.db, { workspaceId, url: 'https://one.example/', events: ['lead.created'] });
      const off = await createWebhook(temp.db, {
        workspaceId,
        url: 'https://off.example/',
        events: ['*'],
        enabled: false,
      });

      expect(await endpointsFor(workspaceId, 'document.received', one.id)).toEqual(['https://one.example/']);
      expect(await endpointsFor(workspaceId, 'lead.created', off.id)).toEqual([]);
      expect(await endpointsFor(await newWorkspaceId(temp.db), 'lead.created', one.id)).toEqual([]);
    });

    it('names the retry schedule only when it is not the standard one', async () => {
      const workspaceId = await newWorkspaceId(temp.db);
      const standard = await createWebhook(temp.db, { workspaceId, url: 'https://s.example/', events: ['*'] });
      const extended = await createWebhook(temp.db, {
        workspaceId,
        url: 'https://x.example/',
        events: ['*'],
        retrySchedule: 'extended',
      });

      const found = await findEndpoints(temp.db, { workspaceId, eventType: 'lead.created' });

      expect(found).toContainEqual({ webhookId: standard.id, url: 'https://s.example/' });
      expect(found).toContainEqual({ webhookId: extended.id, url: 'https://x.example/', retrySchedule: 'extended' });
    });
  });

  it('keeps events unique and in order, headers, schedule and flags as given, and reads them back alike', async () => {
    const workspaceId = await newWorkspaceId(temp.db);
    const created = await createWebhook(temp.db, {
      workspaceId,
      url: 'https://crm.example/hooks',
      events: ['lead.updated', 'lead.created', 'lead.updated'],
      description: 'CRM',
      headers: { 'x-tenant': 'acme', 'x-empty': '' },
      retrySchedule: 'extended',
      enabled: false,
    });

    expect(created).toMatchObject({
      workspaceId,
      events: ['lead.updated', 'lead.created'],
      description: 'CRM',
      headers: { 'x-tenant': 'acme', 'x-empty': '' },
      retrySchedule: 'extended',
      enabled: false,
      disabledReason: null,
      failingSince: null,
      previousSecret: null,
    });
    expect(created.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(await findWebhook(temp.db, created.id)).toEqual(created);
    expect(await findWorkspaceWebhook(temp.db, workspaceId, created.id)).toEqual(created);
    expect(await findWorkspaceWebhook(temp.db, await newWorkspaceId(temp.db), created.id)).toBeUndefined();
  });

  it('updates what it is given, and enabling again clears why it was disabled and since when it failed', async () => {
    const workspaceId = await newWorkspaceId(temp.db);
    const webhook = await createWebhook(temp.db, { workspaceId, url: 'https://a.example/', events: ['*'] });
    await setWebhookFailingSince(temp.db, webhook.id, '2030-01-01T00:00:00.000Z');
    await disableWebhook(temp.db, webhook.id, 'Receiver answered 410 Gone');
    expect(await findWebhook(temp.db, webhook.id)).toMatchObject({
      enabled: false,
      disabledReason: 'Receiver answered 410 Gone',
      failingSince: null,
    });

    await setWebhookFailingSince(temp.db, webhook.id, '2030-01-01T00:00:00.000Z');
    const updated = await updateWebhook(temp.db, workspaceId, webhook.id, { enabled: true, events: ['lead.created'] });

    expect(updated).toMatchObject({
      enabled: true,
      disabledReason: null,
      failingSince: null,
      events: ['lead.created'],
    });
    expect(updated?.url).toBe('https://a.example/');
    expect(
      await updateWebhook(temp.db, await newWorkspaceId(temp.db), webhook.id, { description: 'x' }),
    ).toBeUndefined();
  });

  it('keeps the first failure time while failures go on, and clears it when one is delivered', async () => {
    const workspaceId = await newWorkspaceId(temp.db);
    const webhook = await createWebhook(temp.db, { workspaceId, url: 'https://a.example/', events: ['*'] });
    const failingSince = async () => (await findWebhook(temp.db, webhook.id))?.failingSince;

    await setWebhookFailingSince(temp.db, webhook.id, '2030-01-01T00:00:00.000Z');
    await setWebhookFailingSince(temp.db, webhook.id, '2030-01-02T00:00:00.000Z');
    expect(await failingSince()).toBe('2030-01-01T00:00:00.000Z');

    await setWebhookFailingSince(temp.db, webhook.id, null);
    expect(await failingSince()).toBeNull();
  });

  it('counts, pages through and deletes the webhooks of one workspace only', async () => {
    const workspaceId = await newWorkspaceId(temp.db);
    const ids: string[] = [];
    for (const i of [0, 1, 2]) {
      ids.push((await createWebhook(temp.db, { workspaceId, url: `https://${i}.example/`, events: ['*'] })).id);
    }
    const other = await newWorkspaceId(temp.db);
    await createWebhook(temp.db, { workspaceId: other, url: 'https://other.example/', events: ['*'] });

    const first = await listWebhooks(temp.db, workspaceId, { limit: 2 });
    const rest = await listWebhooks(temp.db, workspaceId, { limit: 2, afterId: first.at(-1)!.id });
    expect([...first, ...rest].map((w) => w.id)).toEqual([...ids].sort());
    expect(await countWebhooks(temp.db, workspaceId)).toBe(3);

    expect(await deleteWebhook(temp.db, other, ids[0]!)).toBe(false);
    expect(await deleteWebhook(temp.db, workspaceId, ids[0]!)).toBe(true);
    expect(await deleteWebhook(temp.db, workspaceId, ids[0]!)).toBe(false);
    expect(await countWebhooks(temp.db, workspaceId)).toBe(2);
    expect(await countWebhooks(temp.db, other)).toBe(1);
  });

  it('rotations at once each keep the secret the one before them replaced', async () => {
    const workspaceId = await newWorkspaceId(temp.db);
    const webhook = await createWebhook(temp.db, { workspaceId, url: 'https://a.example/', events: ['*'] });
    const secrets = [0, 1, 2, 3].map(() => generateWebhookSecret());

    const rotated = await Promise.all(
      secrets.map((secret) =>
        rotateWebhookSecret(temp.db, { workspaceId, webhookId: webhook.id, graceMs: 60_000, now: new Date(), secret }),
      ),
    );

    // Whatever order they ran in, they form one chain from the first secret to the last one written.
    const previous = new Map(rotated.map((r) => [r!.secret, r!.previousSecret]));
    let at = webhook.secret;
    const chain: string[] = [];
    for (;;) {
      const next = [...previous].find(([, prev]) => prev === at)?.[0];
      if (!next) break;
      chain.push(next);
      at = next;
    }
    expect(chain.sort()).toEqual([...secrets].sort());
    expect((await findWebhook(temp.db, webhook.id))?.secret).toBe(at);
    expect(
      await rotateWebhookSecret(temp.db, {
        workspaceId: await newWorkspaceId(temp.db),
        webhookId: webhook.id,
        graceMs: 1,
        now: new Date(),
      }),
    ).toBeUndefined();
  });

  describe('transactions', () => {
    it('commit what the work wrote, and roll all of it back when the work throws', async () => {
      const workspaceId = await newWorkspaceId(temp.db);

      const kept = await temp.db.transaction(async (tx) =>
        createWebhook(tx, { workspaceId, url: 'https://kept.example/', events: ['*'] }),
      );
      const failure = temp.db.transaction(async (tx) => {
        await createWebhook(tx, { workspaceId, url: 'https://dropped.example/', events: ['*'] });
        await createWorkspace(tx, uniqueName('dropped'));
        throw new Error('changed my mind');
      });

      await expect(failure).rejects.toThrow('changed my mind');
      expect((await listWebhooks(temp.db, workspaceId, { limit: 10 })).map((w) => w.id)).toEqual([kept.id]);
    });

    it('keep what others write meanwhile out of their work, and others’ writes survive a rollback', async () => {
      const workspaceId = await newWorkspaceId(temp.db);
      let release = () => {};
      const gate = new Promise<void>((resolve) => (release = resolve));
      let started = () => {};
      const inside = new Promise<void>((resolve) => (started = resolve));

      const failing = temp.db.transaction(async (tx) => {
        await createWebhook(tx, { workspaceId, url: 'https://rolled-back.example/', events: ['*'] });
        started();
        await gate;
        throw new Error('rolled back');
      });
      await inside;
      // Written while the transaction is open: on SQLite it waits for the transaction, on PostgreSQL it
      // goes through another connection; either way the rollback leaves it alone.
      const outside = createWebhook(temp.db, { workspaceId, url: 'https://outside.example/', events: ['*'] });
      release();

      await expect(failing).rejects.toThrow('rolled back');
      await outside;
      expect((await listWebhooks(temp.db, workspaceId, { limit: 10 })).map((w) => w.url)).toEqual([
        'https://outside.example/',
      ]);
    });

    it('refuse a statement through their handle once they have ended', async () => {
      const workspaceId = await newWorkspaceId(temp.db);
      const kept = await temp.db.transaction(async (tx) => tx);

      await expect(countWebhooks(kept, workspaceId)).rejects.toThrow(/transaction has ended/);
    });

    it('serve a statement sent through the outer handle outside: refused on SQLite, where it would wait for itself', async () => {
      const workspaceId = await newWorkspaceId(temp.db);
      const misuse = temp.db.transaction(async () => countWebhooks(temp.db, workspaceId));

      if (store === DIALECTS.sqlite) await expect(misuse).rejects.toThrow(/through its handle/);
      // PostgreSQL serves it from another connection of the pool.
      else expect(await misuse).toBe(0);
    });
  });
});

describe('the PostgreSQL store', () => {
  it('migrates and seals once when several processes open a new database at the same time', async () => {
    const raw = await rawStore(DIALECTS.postgres);
    const opened: { close(): Promise<void> }[] = [];
    try {
      const first = newKeyring();
      const starts = await Promise.all(
        [0, 1, 2, 3].map(() => openDatabase(raw.location, { cipher: createFieldCipher(first) })),
      );
      opened.push(...starts);
      const workspace = await createWorkspace(starts[0]!.db, 'together');
      const webhook = await createWebhook(starts[1]!.db, {
        workspaceId: workspace.id,
        url: 'https://a.example/',
        events: ['*'],
      });
      await Promise.all(opened.splice(0).map((database) => database.close()));

      const second = addPrimaryKey(first);
      const again = await Promise.all(
        [0, 1, 2].map(() => openDatabase(raw.location, { cipher: createFieldCipher(second) })),
      );
      opened.push(...again);

      for (const { db } of again) expect((await findWebhook(db, webhook.id))?.secret).toBe(webhook.secret);
      expect(await raw.storedSecret(webhook.id)).toContain(`:${second.primaryKeyId}:`);
    } finally {
      await Promise.all(opened.map((database) => database.close()));
      await raw.remove();
    }
  });

  it('gives up waiting for a lock held elsewhere after the lock timeout, as the API’s 503 says', async () => {
    const temp = await openTempDatabase(DIALECTS.postgres);
    const holder = new pg.Client({ connectionString: temp.env.DATABASE_URL });
    try {
      const workspace = await createWorkspace(temp.db, 'locked');
      await holder.connect();
      await holder.query('begin');
      await holder.query('select id from workspaces where id = $1 for update', [workspace.id]);
      const started = Date.now();

      const waited = await temp.db
        .transaction(async (tx) => lockWorkspace(tx, workspace.id))
        .then(
          () => undefined,
          (err: unknown) => err,
        );

      expect(Date.now() - started).toBeGreaterThanOrEqual(POSTGRES_LOCK_TIMEOUT_MS - 100);
      expect(fromDatabaseError(waited)).toEqual(new DatabaseBusyError('55P03'));
      await holder.query('rollback');
      // Once the lock is gone, the same work goes through.
      await temp.db.transaction(async (tx) => lockWorkspace(tx, workspace.id));
    } finally {
      await holder.end();
      await temp.close();
    }
  });

  it('fails to open, naming no password, when the server does not answer', async () => {
    const url = 'postgres://hookline:secret-pw-4471@127.0.0.1:1/hookline';

    const failure = openDatabase({ dialect: DIALECTS.postgres, url }, { cipher: createFieldCipher(newKeyring()) });

    await expect(failure).rejects.toThrow(/ECONNREFUSED/);
    await expect(failure).rejects.not.toThrow(/secret-pw-4471/);
  });
});
