import { pingDatabase } from '../../db/client';
import type { DomainDeps } from './context';
import { callTemporal } from './temporal';

export interface Readiness {
  ready: boolean;
  checks: { sqlite: 'ok' | 'failing'; temporal: 'ok' | 'failing' };
}

/** Whether SQLite and Temporal both answer. */
export async function checkReadiness(deps: DomainDeps): Promise<Readiness> {
  const sqlite = safely(() => pingDatabase(deps.db));
  const temporal = await callTemporal(deps.temporal, () => deps.temporal.client.workflowService.getSystemInfo({})).then(
    () => true,
    () => false,
  );
  const checks = { sqlite: sqlite ? 'ok' : 'failing', temporal: temporal ? 'ok' : 'failing' } as const;
  return { ready: sqlite && temporal, checks };
}

function safely(check: () => boolean): boolean {
  try {
    return check();
  } catch {
    return false;
  }
}
