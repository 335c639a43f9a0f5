import path from 'node:path';

/**
 * Where drizzle-kit writes the migrations and the stores read them at start: SQLite's (from
 * `schema.ts`, `drizzle.config.ts`) in `drizzle/`, where they have always been, so that existing
 * databases keep their journal; PostgreSQL's (from `pg-schema.ts`, `drizzle.postgres.config.ts`) in
 * `drizzle/postgres/`.
 */
export const SQLITE_MIGRATIONS_FOLDER = path.resolve(__dirname, '../../drizzle');
export const POSTGRES_MIGRATIONS_FOLDER = path.join(SQLITE_MIGRATIONS_FOLDER, 'postgres');
