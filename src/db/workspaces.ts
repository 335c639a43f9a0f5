import { eq } from 'drizzle-orm';
import type { Db } from './client';
import { newId } from './ids';
import { workspaces, type Workspace } from './schema';

export function createWorkspace(db: Db, name: string): Workspace {
  return db
    .insert(workspaces)
    .values({ id: newId('ws'), name })
    .returning()
    .get();
}

export function findWorkspaceByName(db: Db, name: string): Workspace | undefined {
  return db.select().from(workspaces).where(eq(workspaces.name, name)).get();
}

export function findWorkspace(db: Db, id: string): Workspace | undefined {
  return db.select().from(workspaces).where(eq(workspaces.id, id)).get();
}
