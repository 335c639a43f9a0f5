import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { sql } from 'drizzle-orm';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema';

export type Db = BetterSQLite3Database<typeof schema>;

export interface OpenDatabaseResult {
  db: Db;
  close: () => void;
}

const MIGRATIONS_FOLDER = path.resolve(__dirname, '../../drizzle');

/**
 * Opens (creating if needed) the SQLite file in WAL mode and applies pending migrations. The API and the
 * worker may open the same file at once: WAL lets readers proceed while one writer commits.
 */
export function openDatabase(file: string): OpenDatabaseResult {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = drizzle(sqlite, { schema, casing: 'snake_case' });
  migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
  return { db, close: () => sqlite.close() };
}

/** Answers whether the database can be read; used by readiness checks. */
export function pingDatabase(db: Db): boolean {
  return db.get<{ ok: number }>(sql`select 1 as ok`).ok === 1;
}
