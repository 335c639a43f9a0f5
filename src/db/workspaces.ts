import { eq } from 'drizzle-orm';
import type { Db } from './handle';
import { newId } from '../shared/ids';
import { workspaces, type Workspace } from './schema';

/** A database or a transaction on it: repositories work inside and outside transactions alike. */
export type DbOrTx = Db | Parameters<Parameters<Db['transaction']>[0]>[0];

export function createWorkspace(db: DbOrTx, name: string): Workspace {
  return db
    .insert(workspaces)
    .values({ id: newId('ws'), name })
    .returning()
    .get();
}

export function findWorkspaceByName(db: DbOrTx, name: string): Workspace | undefined {
  return db.select().from(workspaces).where(eq(workspaces.name, name)).get();
}

export function findWorkspace(db: DbOrTx, id: string): Workspace | undefined {
  return db.select().from(workspaces).where(eq(workspaces.id, id)).get();
}
