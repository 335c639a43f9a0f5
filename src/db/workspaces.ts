import { eq } from 'drizzle-orm';
import { DIALECTS, first, type Db } from './handle';
import { newId } from '../shared/ids';
import type { Workspace } from './schema';

export async function createWorkspace(db: Db, name: string): Promise<Workspace> {
  const [workspace] = await db.query((q, { workspaces }) =>
    q
      .insert(workspaces)
      .values({ id: newId('ws'), name })
      .returning(),
  );
  if (!workspace) throw new Error('The new workspace was not returned');
  return workspace;
}

/**
 * The workspace with this name, created if there is none. Two processes asking at once get the same
 * one: the name is unique, and whoever loses the race reads what the winner wrote.
 */
export async function ensureWorkspace(db: Db, name: string): Promise<{ workspace: Workspace; created: boolean }> {
  const [inserted] = await db.query((q, { workspaces }) =>
    q
      .insert(workspaces)
      .values({ id: newId('ws'), name })
      .onConflictDoNothing({ target: workspaces.name })
      .returning(),
  );
  if (inserted) return { workspace: inserted, created: true };
  const existing = await findWorkspaceByName(db, name);
  if (!existing) throw new Error(`The workspace ${name} was neither created nor found`);
  return { workspace: existing, created: false };
}

export async function findWorkspaceByName(db: Db, name: string): Promise<Workspace | undefined> {
  return first(await db.query((q, { workspaces }) => q.select().from(workspaces).where(eq(workspaces.name, name))));
}

export async function findWorkspace(db: Db, id: string): Promise<Workspace | undefined> {
  return first(await db.query((q, { workspaces }) => q.select().from(workspaces).where(eq(workspaces.id, id))));
}

/**
 * Holds the workspace still until the transaction `tx` ends, so that what `tx` counted in it (its
 * webhooks, against a limit) stays true until `tx` writes. SQLite's transactions hold the write lock
 * already; on PostgreSQL the workspace's row is locked.
 */
export async function lockWorkspace(tx: Db, id: string): Promise<void> {
  if (tx.dialect !== DIALECTS.postgres) return;
  await tx.query((q, { workspaces }) =>
    q.select({ id: workspaces.id }).from(workspaces).where(eq(workspaces.id, id)).for('update'),
  );
}
