import type { Db } from '../../db/client';
import type { GuardOptions } from '../../security/network-guard';
import type { HooklineMetrics } from '../../shared/metrics';
import type { TemporalDeps } from './temporal';

/** Limits the domain enforces; the configuration sets them (see `src/shared/config.ts`). */
export interface DomainLimits {
  /** Webhooks one workspace may have, enabled or not (`HOOKLINE_MAX_WEBHOOKS_PER_WORKSPACE`). */
  maxWebhooksPerWorkspace: number;
  /** Redeliveries a recovery starts per second at most (`HOOKLINE_RECOVERY_RATE_PER_SECOND`). */
  recoveryRatePerSecond: number;
}

/** What domain functions work with; they know nothing of HTTP. */
export interface DomainDeps {
  db: Db;
  temporal: TemporalDeps;
  /** Which destinations webhooks may point at (see `HOOKLINE_ALLOWED_NETWORKS`). */
  guard: GuardOptions;
  limits: DomainLimits;
  /** The process's metrics: emits, recoveries and redeliveries are counted in them. */
  metrics?: HooklineMetrics;
}
