import { AsyncLocalStorage } from 'node:async_hooks';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import type { FieldCipher } from '../security/field-cipher';
import { DIALECTS, FIELD_CIPHER, type Db, type Orm, type Tables } from './handle';
import { SQLITE_MIGRATIONS_FOLDER } from './migrations';
import * as schema from './schema';

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

export interface SqliteStore {
  db: Db;
  /** Called once the database is migrated and sealed: from then on a lock held elsewhere fails fast. */
  ready(options: { sealed: boolean }): void;
  ping(): boolean;
  close(): void;
}

/**
 * Opens (creating if needed) the SQLite file in WAL mode and applies pending migrations. The API and the
 * worker may open the same file at once: WAL lets readers proceed while one writer commits.
 */
export function openSqliteStore(file: string, cipher: FieldCipher): SqliteStore {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma(`busy_timeout = ${OPEN_BUSY_TIMEOUT_MS}`);
  // Overwritten plaintext (a secret before it was sealed) is zeroed, not left in free pages of the file.
  sqlite.pragma('secure_delete = ON');
  const orm = drizzle(sqlite, { schema, casing: 'snake_case' });
  migrate(orm, { migrationsFolder: SQLITE_MIGRATIONS_FOLDER });
  return {
    // The one place SQLite's builders and tables stand in for PostgreSQL's (see `Orm` in handle.ts).
    db: sqliteDb(sqlite, orm as unknown as Orm, schema as unknown as Tables, cipher),
    ready({ sealed }) {
      // The log still holds the frames written before sealing; fold them into the file and empty it.
      if (sealed) sqlite.pragma('wal_checkpoint(TRUNCATE)');
      sqlite.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
    },
    ping: () => sqlite.prepare('select 1 as ok').get() !== undefined,
    close: () => sqlite.close(),
  };
}

/**
 * The process's one connection behind the async {@link Db} contract. better-sqlite3 runs each statement
 * synchronously, so a statement is atomic to the rest of the process; a transaction is not, since its
 * work awaits between statements. While one is open, every other caller's statement and transaction
 * waits for it to end: nothing of theirs runs inside it, sees what it has not committed, or is rolled
 * back with it.
 */
function sqliteDb(sqlite: Database.Database, orm: Orm, tables: Tables, cipher: FieldCipher): Db {
  /** Settles when the open transaction ends; undefined while none is open. */
  let open: Promise<void> | undefined;
  const insideTransaction = new AsyncLocalStorage<true>();

  const refuseNested = () => {
    if (insideTransaction.getStore()) {
      throw new Error('A statement inside a transaction must go through its handle, or it waits for itself');
    }
  };

  /**
   * Builds the statement and executes it now. Awaiting a drizzle query would run it a few microtasks
   * later, when a transaction begun meanwhile might hold the connection; calling `then` runs it at once.
   */
  const runNow = <T>(build: (orm: Orm, tables: Tables) => PromiseLike<T>) =>
    new Promise<T>((resolve, reject) => {
      build(orm, tables).then(resolve, reject);
    });

  /** The handle of one transaction, which refuses statements once the transaction has ended. */
  const transactionHandle = () => {
    let ended = false;
    const handle: Db = {
      dialect: DIALECTS.sqlite,
      [FIELD_CIPHER]: cipher,
      query: async (build) => {
        if (ended) throw new Error('This transaction has ended; use the database handle');
        return runNow(build);
      },
      transaction: (work) => work(handle),
    };
    return { handle, end: () => (ended = true) };
  };

  return {
    dialect: DIALECTS.sqlite,
    [FIELD_CIPHER]: cipher,
    async query(build) {
      refuseNested();
      while (open) await open;
      return runNow(build);
    },
    async transaction(work) {
      refuseNested();
      while (open) await open;
      let release = () => {};
      open = new Promise((resolve) => (release = resolve));
      const tx = transactionHandle();
      try {
        sqlite.exec('BEGIN IMMEDIATE');
        try {
          const result = await insideTransaction.run(true, () => work(tx.handle));
          sqlite.exec('COMMIT');
          return result;
        } catch (err) {
          if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
          throw err;
        }
      } finally {
        tx.end();
        open = undefined;
        release();
      }
    },
  };
}
