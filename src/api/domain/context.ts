import type { Db } from '../../db/client';
import type { GuardOptions } from '../../security/network-guard';
import type { TemporalDeps } from './temporal';

/** What domain functions work with; they know nothing of HTTP. */
export interface DomainDeps {
  db: Db;
  temporal: TemporalDeps;
  /** Which destinations webhooks may point at (see `HOOKLINE_ALLOWED_NETWORKS`). */
  guard: GuardOptions;
}
