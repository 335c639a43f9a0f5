import { pingDatabase } from '../../db/client';
import type { ReadinessChecks } from '../schemas';
import type { DomainDeps } from './context';
import { callTemporal, DEFAULT_TEMPORAL_RPC_TIMEOUT_MS } from './temporal';

/** Probes expect a quick answer; a Temporal that takes longer than this counts as failing. */
const READINESS_TIMEOUT_MS = 2_000;

export interface Readiness {
  ready: boolean;
  checks: ReadinessChecks;
}

/** Whether SQLite and Temporal both answer. */
export async function checkReadiness(deps: DomainDeps): Promise<Readiness> {
  const sqlite = safely(() => pingDatabase(deps.db));
  const rpcTimeoutMs = Math.min(deps.temporal.rpcTimeoutMs ?? DEFAULT_TEMPORAL_RPC_TIMEOUT_MS, READINESS_TIMEOUT_MS);
  const temporal = await callTemporal({ ...deps.temporal, rpcTimeoutMs }, () =>
    deps.temporal.client.workflowService.getSystemInfo({}),
  ).then(
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
