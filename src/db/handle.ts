import type { NodePgQueryResultHKT } from 'drizzle-orm/node-postgres';
import type { PgDatabase } from 'drizzle-orm/pg-core';
import type { FieldCipher } from '../security/field-cipher';
import type * as pgSchema from './pg-schema';

/** Where {@link Db} keeps its cipher; only this module reads it. */
export const FIELD_CIPHER = Symbol('hookline.fieldCipher');

/** The stores Hookline keeps its webhooks, workspaces and keys in. */
export const DIALECTS = { sqlite: 'sqlite', postgres: 'postgres' } as const;
export type Dialect = (typeof DIALECTS)[keyof typeof DIALECTS];

/**
 * The tables, as the repositories name them: `schema.ts` on SQLite, `pg-schema.ts` on PostgreSQL. Both
 * have the same properties and read into the same row types.
 */
export type Tables = Pick<typeof pgSchema, 'workspaces' | 'apiKeys' | 'webhooks' | 'portalLinks'>;

/**
 * The statement builders the repositories are written against, typed as PostgreSQL's. SQLite's
 * drizzle database stands in for it at run time: the calls the repositories make (select, insert,
 * update and delete with where, joins, order, limit, `returning`, `onConflictDoNothing` and `sql`
 * fragments) build the same statements on both, over tables with the same properties. What exists on
 * one dialect only (row locks, `jsonb` operators, SQLite's `json_each`) is chosen by `db.dialect`, and
 * the repository tests run every function on both stores. Awaiting a write without `returning` gives a
 * driver-specific result: repositories ask `returning` for what they need instead.
 */
export type Orm = Pick<
  PgDatabase<NodePgQueryResultHKT, typeof pgSchema>,
  'select' | 'selectDistinct' | 'insert' | 'update' | 'delete'
>;

/**
 * Hookline's database, SQLite or PostgreSQL, with the cipher its repositories seal secrets with: the
 * two never travel apart. Every repository function takes one first, and works alike on either store,
 * inside a transaction or not.
 */
export interface Db {
  readonly dialect: Dialect;
  /**
   * Runs one statement built from the dialect's tables. On SQLite, whose one connection the whole
   * process shares, it waits while another caller's transaction holds the connection.
   */
  query<T>(build: (orm: Orm, tables: Tables) => PromiseLike<T>): Promise<T>;
  /**
   * Runs `work` in one transaction, committed when it resolves and rolled back when it throws. Inside,
   * statements go through `tx`, never through the outer handle; a transaction begun on `tx` joins the
   * one running. On SQLite the transaction takes the write lock from its start (`BEGIN IMMEDIATE`), so
   * what it reads stays true until it commits, across processes; on PostgreSQL, rows that must stay as
   * read are selected `for update`.
   */
  transaction<T>(work: (tx: Db) => Promise<T>): Promise<T>;
  readonly [FIELD_CIPHER]: FieldCipher;
}

/** The cipher the database was opened with. */
export function fieldCipherOf(db: Db): FieldCipher {
  return db[FIELD_CIPHER];
}

/** The first row of a result, or undefined: what `.get()` answers on SQLite. */
export function first<T>(rows: readonly T[]): T | undefined {
  return rows[0];
}
