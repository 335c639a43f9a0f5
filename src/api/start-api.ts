import type { Logger } from 'pino';
import type { Db } from '../db/client';
import { createApp } from './app';
import type { TemporalDeps } from './domain/temporal';
import { startApiServer, type ApiServer } from './server';

export interface StartApiOptions {
  db: Db;
  temporal: TemporalDeps;
  logger: Logger;
  host: string;
  /** 0 picks a free port. */
  port: number;
}

/** Builds the app and serves it; `close` lets in-flight requests finish. */
export function startApi(options: StartApiOptions): Promise<ApiServer> {
  const app = createApp({ db: options.db, temporal: options.temporal, logger: options.logger });
  return startApiServer(app, { host: options.host, port: options.port });
}
