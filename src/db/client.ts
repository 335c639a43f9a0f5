import type { FieldCipher } from '../security/field-cipher';
import { DIALECTS, type Db } from './handle';
import { openPostgresStore } from './postgres';
import { openSqliteStore } from './sqlite';
import { sealWebhookFields } from './webhooks';

export type { Db };

/** Which store to open: a SQLite file (the default) or a PostgreSQL database (`DATABASE_URL`). */
export type DatabaseLocation =
  { dialect: typeof DIALECTS.sqlite; path: string } | { dialect: typeof DIALECTS.postgres; url: string };

export interface OpenDatabaseOptions {
  /** Seals webhook secrets and header values at rest. */
  cipher: FieldCipher;
}

export interface OpenDatabaseResult {
  db: Db;
  close: () => Promise<void>;
}

const pings = new WeakMap<Db, () => boolean | Promise<boolean>>();

/**
 * Opens the store, applies pending migrations, and seals what is not yet sealed under the primary key
 * (plaintext rows from before encryption, values under an older key) so that a key rotation or an
 * upgrade completes at the next start. Any number of worker and API processes may open the same store
 * at once: SQLite's WAL lets readers proceed while one writer commits, and on PostgreSQL the processes
 * take turns to migrate.
 */
export async function openDatabase(
  location: DatabaseLocation,
  options: OpenDatabaseOptions,
): Promise<OpenDatabaseResult> {
  if (location.dialect === DIALECTS.postgres) {
    const store = await openPostgresStore(location.url, options.cipher);
    try {
      await sealWebhookFields(store.db, new Date());
    } catch (err) {
      await store.close();
      throw err;
    }
    pings.set(store.db, store.ping);
    return { db: store.db, close: store.close };
  }
  const store = openSqliteStore(location.path, options.cipher);
  try {
    store.ready({ sealed: (await sealWebhookFields(store.db, new Date())) > 0 });
  } catch (err) {
    store.close();
    throw err;
  }
  pings.set(store.db, store.ping);
  return { db: store.db, close: async () => store.close() };
}

/** Answers whether the database can be read; used by readiness checks. */
export async function pingDatabase(db: Db): Promise<boolean> {
  const ping = pings.get(db);
  if (!ping) throw new Error('This database was not opened by openDatabase');
  return ping();
}
