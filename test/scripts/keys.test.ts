import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../src/db/api-keys';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');

let dir: string;
let databasePath: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hookline-keys-cli-'));
  databasePath = path.join(dir, 'hookline.db');
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npx tsx scripts/keys.ts …` as an operator runs it, against the test's own data directory. */
async function keys(...args: string[]): Promise<CliResult> {
  // The keyring comes from the key file the CLI finds (or makes) in the data directory, as on a server.
  const { HOOKLINE_ENCRYPTION_KEYS: _keys, ...inherited } = process.env;
  const env = { ...inherited, HOOKLINE_DATA_DIR: dir, DATABASE_PATH: databasePath, LOG_LEVEL: 'silent' };
  try {
    const { stdout, stderr } = await run('npx', ['tsx', 'scripts/keys.ts', ...args], { cwd: ROOT, env });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const failed = err as { code?: number; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number') throw err;
    return { code: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

interface KeyRow {
  id: string;
  workspace_id: string;
  key_hash: string;
  prefix: string;
  name: string;
  scope: string;
  expires_at: string | null;
  revoked_at: string | null;
}

function readKeys(): KeyRow[] {
  const sqlite = new Database(databasePath, { readonly: true });
  try {
    return sqlite.prepare('select * from api_keys order by id').all() as KeyRow[];
  } finally {
    sqlite.close();
  }
}

function keyFrom(stdout: string): string {
  const key = /API key \(shown only now, keep it\): (hk_\S+)/.exec(stdout)?.[1];
  expect(key).toBeDefined();
  return key!;
}

describe('npm run keys', () => {
  it('creates a scoped, expiring key, lists it, and revokes it by its prefix', { timeout: 120_000 }, async () => {
    const created = await keys(
      'create',
      '--workspace',
      'acme',
      '--scope',
      'emit',
      '--name',
      'billing',
      '--expires-in',
      '30d',
    );
    const key = keyFrom(created.stdout);
    const [row] = readKeys();

    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/Created workspace "acme" \(ws_/);
    expect(created.stdout).toMatch(/scope emit, expires \d{4}-/);
    expect(row).toMatchObject({ key_hash: hashApiKey(key), prefix: key.slice(0, 9), name: 'billing', scope: 'emit' });
    const lifetimeDays = (Date.parse(row!.expires_at!) - Date.now()) / 86_400_000;
    expect(lifetimeDays).toBeGreaterThan(29.99);
    expect(lifetimeDays).toBeLessThanOrEqual(30);

    const second = await keys('create', '--workspace', 'acme');
    expect(second.stdout).toMatch(/^Workspace "acme"/);
    expect(second.stdout).toMatch(/scope manage, never expires/);

    const listed = await keys('list');
    expect(listed.code).toBe(0);
    const lines = listed.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^WORKSPACE\s+ID\s+PREFIX\s+NAME\s+SCOPE\s+STATUS\s+CREATED\s+EXPIRES\s+LAST USED$/);
    const billing = lines.find((line) => line.includes(row!.id));
    expect(billing).toMatch(new RegExp(`acme\\s+${row!.id}\\s+${row!.prefix}…\\s+billing\\s+emit\\s+active\\s+`));
    expect(billing).toMatch(/never$/);
    expect(listed.stdout).not.toContain(key);
    expect(listed.stdout).not.toContain(row!.key_hash);

    const revoked = await keys('revoke', `${row!.prefix}…`);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain(`Revoked key ${row!.id}`);
    expect(readKeys().find((r) => r.id === row!.id)?.revoked_at).not.toBeNull();
    expect(readKeys().filter((r) => r.revoked_at !== null)).toHaveLength(1);

    const again = await keys('revoke', row!.id);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('was already revoked');
    const relisted = await keys('list');
    expect(relisted.stdout.split('\n').find((line) => line.includes(row!.id))).toMatch(/\semit\s+revoked\s/);
  });

  it('refuses a bad scope, a bad lifetime and an unknown key, and changes nothing', { timeout: 120_000 }, async () => {
    const before = fs.existsSync(databasePath) ? readKeys() : [];

    const badScope = await keys('create', '--workspace', 'acme', '--scope', 'admin');
    const badLifetime = await keys('create', '--workspace', 'acme', '--expires-in', 'soon');
    const unknown = await keys('revoke', 'key_nothing_like_it');

    expect(badScope.code).toBe(1);
    expect(badScope.stderr).toContain('--scope must be emit or manage');
    expect(badLifetime.code).toBe(1);
    expect(badLifetime.stderr).toContain('--expires-in must be');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No API key with the id or prefix "key_nothing_like_it"');
    expect(fs.existsSync(databasePath) ? readKeys() : []).toEqual(before);
  });
});
