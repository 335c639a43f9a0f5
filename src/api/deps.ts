import type { Logger } from 'pino';
import type { DomainDeps } from './domain/context';

/** What the app is built from: the domain's dependencies and the process logger. */
export interface AppDeps extends DomainDeps {
  logger: Logger;
}
