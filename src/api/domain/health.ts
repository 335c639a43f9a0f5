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

/**
 * Whether Hookline's database (SQLite or PostgreSQL) and Temporal both answer. The database's check is
 * also reported as `sqlite`, its name from before PostgreSQL, for probes written then.
 */
export async function checkReadiness(deps: DomainDeps): Promise<Readiness> {
  const database = answersInTime(pingDatabase(deps.db));
  const rpcTimeoutMs = Math.min(deps.temporal.rpcTimeoutMs ?? DEFAULT_TEMPORAL_RPC_TIMEOUT_MS, READINESS_TIMEOUT_MS);
  const temporal = await callTemporal({ ...deps.temporal, rpcTimeoutMs }, () =>
    deps.temporal.client.workflowService.getSystemInfo({}),
  ).then(
    () => true,
    () => false,
  );
  const databaseAnswers = await database;
  const databaseCheck = databaseAnswers ? 'ok' : 'failing';
  const checks = { database: databaseCheck, sqlite: databaseCheck, temporal: temporal ? 'ok' : 'failing' } as const;
  return { ready: databaseAnswers && temporal, checks };
}

/** True when the check answers true within the readiness timeout; a failure or a hang counts as false. */
async function answersInTime(check: Promise<boolean>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), READINESS_TIMEOUT_MS);
  });
  try {
    return await Promise.race([check.catch(() => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
