import type { Db } from '../../db/client';
import type { TemporalDeps } from './temporal';

/** What domain functions work with; they know nothing of HTTP. */
export interface DomainDeps {
  db: Db;
  temporal: TemporalDeps;
}
