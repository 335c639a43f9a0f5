import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/db/client';
import { createWebhook, findWebhook, rotateWebhookSecret, updateWebhook } from '../../src/db/webhooks';
import { createWorkspace } from '../../src/db/workspaces';
import { createFieldCipher } from '../../src/security/field-cipher';
import {
  addPrimaryKey,
  createKeyring,
  generateKey,
  generateKeyId,
  type EncryptionKeyring,
} from '../../src/security/keyring';
import { generateWebhookSecret } from '../../src/shared/webhook-secret';

const dirs: string[] = [];
const open: { close(): void }[] = [];

afterEach(() => {
  for (const db of open.splice(0)) db.close();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function tempFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hookline-db-'));
  dirs.push(dir);
  return path.join(dir, 'hookline.db');
}

function openWith(file: string, keyring: EncryptionKeyring): Db {
  const database = openDatabase(file, { cipher: createFieldCipher(keyring) });
  open.push(database);
  return database.db;
}

/** Every byte SQLite keeps for this database: the file, its write-ahead log and shared memory. */
function rawBytes(file: string): string {
  return ['', '-wal', '-shm']
    .map((suffix) => file + suffix)
    .filter((f) => fs.existsSync(f))
    .map((f) => fs.readFileSync(f).toString('latin1'))
    .join('');
}

const newKeyring = () => createKeyring([[generateKeyId(), generateKey()]]);

describe('webhook secrets at rest', () => {
  it('keeps secrets, previous secrets and header values out of the database file', () => {
    const file = tempFile();
    const db = openWith(file, newKeyring());
    const workspace = createWorkspace(db, 'acme');
    const secret = generateWebhookSecret();
    const webhook = createWebhook(db, {
      workspaceId: workspace.id,
      url: 'https://crm.example/hooks',
      events: ['*'],
      secret,
      headers: { 'x-crm-token': 'crm-token-7f3a9c' },
    });
    const rotated = rotateWebhookSecret(db, {
      workspaceId: workspace.id,
      webhookId: webhook.id,
      graceMs: 3_600_000,
      now: new Date(),
    });

    const raw = rawBytes(file);
    for (const value of [secret, rotated?.secret ?? 'missing', 'crm-token-7f3a9c']) {
      expect(raw).not.toContain(value);
      expect(raw).not.toContain(value.replace('whsec_', ''));
    }
    // What is stored is still the webhook: its id and URL are plain, its secrets open with the key.
    expect(raw).toContain('https://crm.example/hooks');
    expect(findWebhook(db, webhook.id)).toMatchObject({
      secret: rotated?.secret,
      previousSecret: secret,
      headers: { 'x-crm-token': 'crm-token-7f3a9c' },
    });
  });

  it('seals rows written in plaintext before encryption, at the next start', () => {
    const file = tempFile();
    const keyring = newKeyring();
    const db = openWith(file, keyring);
    const workspace = createWorkspace(db, 'legacy');
    const webhook = createWebhook(db, { workspaceId: workspace.id, url: 'https://a.example/', events: ['*'] });
    open.pop()?.close();
    const legacySecret = generateWebhookSecret();
    const sqlite = new Database(file);
    sqlite
      .prepare('update webhooks set secret = ?, headers = ? where id = ?')
      .run(legacySecret, JSON.stringify({ authorization: 'Bearer legacy-token-991' }), webhook.id);
    sqlite.close();
    expect(rawBytes(file)).toContain(legacySecret);

    const reopened = openWith(file, keyring);

    expect(rawBytes(file)).not.toContain(legacySecret);
    expect(rawBytes(file)).not.toContain('legacy-token-991');
    expect(findWebhook(reopened, webhook.id)).toMatchObject({
      secret: legacySecret,
      headers: { authorization: 'Bearer legacy-token-991' },
    });
  });

  it('re-encrypts under a new primary key at the next start, and older keys still open what they sealed', () => {
    const file = tempFile();
    const first = newKeyring();
    const db = openWith(file, first);
    const workspace = createWorkspace(db, 'rotating');
    const webhook = createWebhook(db, { workspaceId: workspace.id, url: 'https://a.example/', events: ['*'] });
    open.pop()?.close();

    const second = addPrimaryKey(first);
    const reopened = openWith(file, second);
    const stored = new Database(file, { readonly: true })
      .prepare('select secret from webhooks where id = ?')
      .get(webhook.id) as { secret: string };

    expect(stored.secret).toContain(`:${second.primaryKeyId}:`);
    expect(findWebhook(reopened, webhook.id)?.secret).toBe(webhook.secret);
  });

  it('refuses to open a secret under a key it does not have', () => {
    const file = tempFile();
    const db = openWith(file, newKeyring());
    const workspace = createWorkspace(db, 'other-key');
    createWebhook(db, { workspaceId: workspace.id, url: 'https://a.example/', events: ['*'] });
    open.pop()?.close();

    expect(() => openWith(file, newKeyring())).toThrow(/key/i);
  });

  it('forgets a previous secret once its grace period is over', () => {
    const file = tempFile();
    const keyring = newKeyring();
    const db = openWith(file, keyring);
    const workspace = createWorkspace(db, 'grace');
    const webhook = createWebhook(db, { workspaceId: workspace.id, url: 'https://a.example/', events: ['*'] });
    const old = webhook.secret;
    rotateWebhookSecret(db, {
      workspaceId: workspace.id,
      webhookId: webhook.id,
      graceMs: 1,
      now: new Date(Date.now() - 60_000),
    });
    open.pop()?.close();

    const reopened = openWith(file, keyring);

    expect(findWebhook(reopened, webhook.id)).toMatchObject({ previousSecret: null, previousSecretExpiresAt: null });
    expect(rawBytes(file)).not.toContain(old);
  });

  it('binds each sealed value to its webhook: a secret copied into another row does not open', () => {
    const file = tempFile();
    const keyring = newKeyring();
    const db = openWith(file, keyring);
    const workspace = createWorkspace(db, 'swap');
    const a = createWebhook(db, { workspaceId: workspace.id, url: 'https://a.example/', events: ['*'] });
    const b = createWebhook(db, { workspaceId: workspace.id, url: 'https://b.example/', events: ['*'] });
    updateWebhook(db, workspace.id, b.id, { description: 'target' });
    open.pop()?.close();
    const sqlite = new Database(file);
    sqlite
      .prepare('update webhooks set secret = (select secret from webhooks where id = ?) where id = ?')
      .run(a.id, b.id);
    sqlite.close();

    const reopened = openWith(file, keyring);

    expect(() => findWebhook(reopened, b.id)).toThrow();
    expect(findWebhook(reopened, a.id)?.secret).toBe(a.secret);
  });
});
