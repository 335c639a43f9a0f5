import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import type { FieldCipher } from '../security/field-cipher';
import { DIALECTS, FIELD_CIPHER, type Db, type Orm, type Tables } from './handle';
import { POSTGRES_MIGRATIONS_FOLDER } from './migrations';
import * as pgSchema from './pg-schema';

/**
 * The advisory lock every Hookline process takes to migrate: the worker and API processes that start
 * together against one database apply each migration once, one after the other.
 */
const MIGRATION_LOCK = 0x686f6f6b; // "hook"

/** Connections one process keeps; requests beyond them wait for one to be free. */
const POOL_SIZE = 10;

/** How long a request waits for a free connection, or for the server to answer a new one. */
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * How long a statement waits for a row lock held by another transaction before it fails (SQLSTATE
 * 55P03, which the API answers with 503 and `Retry-After`). Hookline's own transactions hold their
 * locks for milliseconds; a lock held longer belongs to something stuck, and requests should not queue
 * behind it. Waiting costs nothing else here: other requests go on meanwhile.
 */
export const POSTGRES_LOCK_TIMEOUT_MS = 5_000;

export interface PostgresStore {
  db: Db;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** Connects to the database at `url` and applies pending migrations. */
export async function openPostgresStore(url: string, cipher: FieldCipher): Promise<PostgresStore> {
  await migratePostgres(url);
  const pool = new pg.Pool({
    connectionString: url,
    max: POOL_SIZE,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    // A startup parameter of every connection, so no statement ever runs without it.
    lock_timeout: POSTGRES_LOCK_TIMEOUT_MS,
  });
  // A connection that breaks while idle in the pool (a server restart, a network cut) is dropped from
  // it and replaced at the next use, whose statement reports the outage; unhandled, it would end the process.
  pool.on('error', () => undefined);
  const orm = drizzle(pool, { schema: pgSchema, casing: 'snake_case' });
  return {
    db: postgresDb(orm, pgSchema, cipher),
    ping: async () => (await pool.query('select 1 as ok')).rowCount === 1,
    close: () => pool.end(),
  };
}

/** Applies pending migrations on a connection of its own, holding the migration lock meanwhile. */
async function migratePostgres(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  await client.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    // drizzle notes each applied migration in its own schema; a notice that it already exists is noise.
    client.on('notice', () => undefined);
    await migrate(drizzle(client), { migrationsFolder: POSTGRES_MIGRATIONS_FOLDER });
  } finally {
    await client.end();
  }
}

/** The pool, or a transaction's connection, behind the {@link Db} contract. */
function postgresDb(orm: NodePgDatabase<typeof pgSchema>, tables: Tables, cipher: FieldCipher): Db {
  return {
    dialect: DIALECTS.postgres,
    [FIELD_CIPHER]: cipher,
    query: async (build) => build(orm, tables),
    async transaction(work) {
      // Its connection goes back to the pool when it ends: a statement sent after would run elsewhere.
      let ended = false;
      const inTransaction = (tx: Orm): Db => {
        const handle: Db = {
          dialect: DIALECTS.postgres,
          [FIELD_CIPHER]: cipher,
          query: async (build) => {
            if (ended) throw new Error('This transaction has ended; use the database handle');
            return build(tx, tables);
          },
          transaction: (nested) => nested(handle),
        };
        return handle;
      };
      try {
        return await orm.transaction((tx) => work(inTransaction(tx)));
      } finally {
        ended = true;
      }
    },
  };
}
