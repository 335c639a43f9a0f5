import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import type { FieldCipher } from '../security/field-cipher';
import { FIELD_CIPHER, type Db } from './handle';
import * as schema from './schema';
import { sealWebhookFields } from './webhooks';

export type { Db };

export interface OpenDatabaseOptions {
  /** Seals webhook secrets and header values at rest. */
  cipher: FieldCipher;
}

export interface OpenDatabaseResult {
  db: Db;
  close: () => void;
}

const MIGRATIONS_FOLDER = path.resolve(__dirname, '../../drizzle');

/**
 * How long a statement waits for another connection's write lock before failing with `SQLITE_BUSY`.
 * better-sqlite3 is synchronous: while SQLite waits, the whole process waits, every request in flight
 * with it. Hookline's write transactions take well under a millisecond (the worker disabling a webhook,
 * `npm run keys`, the API itself), so 250 ms outlasts any ordinary contention many times over; a lock
 * held longer (a stuck process, a backup holding a transaction open) then costs each request a quarter
 * of a second and a 503 with `Retry-After`, instead of stalling the process for seconds.
 */
export const SQLITE_BUSY_TIMEOUT_MS = 250;

/** While opening, nothing is served yet: migrations and sealing may wait for another process's start. */
const OPEN_BUSY_TIMEOUT_MS = 5_000;

/**
 * Opens (creating if needed) the SQLite file in WAL mode, applies pending migrations, and seals what is
 * not yet sealed under the primary key (plaintext rows from before encryption, values under an older
 * key) so that a key rotation or an upgrade completes at the next start. The API and the worker may
 * open the same file at once: WAL lets readers proceed while one writer commits.
 */
export function openDatabase(file: string, options: OpenDatabaseOptions): OpenDatabaseResult {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma(`busy_timeout = ${OPEN_BUSY_TIMEOUT_MS}`);
  // Overwritten plaintext (a secret before it was sealed) is zeroed, not left in free pages of the file.
  sqlite.pragma('secure_delete = ON');
  const db = Object.assign(drizzle(sqlite, { schema, casing: 'snake_case' }), { [FIELD_CIPHER]: options.cipher });
  migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
  if (sealWebhookFields(db, new Date()) > 0) {
    // The log still holds the frames written before sealing; fold them into the file and empty it.
    sqlite.pragma('wal_checkpoint(TRUNCATE)');
  }
  sqlite.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  return { db, close: () => sqlite.close() };
}

/** Answers whether the database can be read; used by readiness checks. */
export function pingDatabase(db: Db): boolean {
  return db.get<{ ok: number }>(sql`select 1 as ok`).ok === 1;
}
