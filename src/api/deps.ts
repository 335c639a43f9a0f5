import type { Logger } from 'pino';
import type { DomainDeps, DomainLimits } from './domain/context';
import type { UiSettings } from './ui/settings';

/** What one API process accepts, beside the domain's own limits. */
export interface ApiLimits extends DomainLimits {
  /**
   * Requests per minute per API key, and per client address for requests without a valid key
   * (`HOOKLINE_RATE_LIMIT_PER_MINUTE`); 0 turns rate limiting off.
   */
  rateLimitPerMinute: number;
}

/** What the app is built from: the domain's dependencies and the process logger. */
export interface AppDeps extends DomainDeps {
  logger: Logger;
  limits: ApiLimits;
  /** The settings page under `/ui/`, its sessions and portal links. */
  ui: UiSettings;
}
