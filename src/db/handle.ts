import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import type { FieldCipher } from '../security/field-cipher';
import type * as schema from './schema';

/** Where {@link Db} keeps its cipher; only this module reads it. */
export const FIELD_CIPHER = Symbol('hookline.fieldCipher');

/** The database, with the cipher its repositories seal secrets with: the two never travel apart. */
export type Db = BetterSQLite3Database<typeof schema> & { readonly [FIELD_CIPHER]: FieldCipher };

/** The cipher the database was opened with. */
export function fieldCipherOf(db: Db): FieldCipher {
  return db[FIELD_CIPHER];
}
