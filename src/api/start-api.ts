import type { Tracer } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { Db } from '../db/client';
import type { GuardOptions } from '../security/network-guard';
import type { HooklineMetrics } from '../shared/metrics';
import { createApp, type CodecEndpoint } from './app';
import type { ApiLimits } from './deps';
import type { TemporalDeps } from './domain/temporal';
import { startApiServer, type ApiServer } from './server';
import type { UiSettings } from './ui/settings';

export interface StartApiOptions {
  db: Db;
  temporal: TemporalDeps;
  logger: Logger;
  /** Which destinations webhooks may point at. */
  guard: GuardOptions;
  /** Serves the Temporal codec-server protocol under `/codec/<token>`. */
  codec?: CodecEndpoint;
  host: string;
  /** 0 picks a free port. */
  port: number;
  limits: ApiLimits;
  /** The settings page and its sessions. */
  ui: UiSettings;
  /** Served at `GET /metrics`; emits, recoveries and redeliveries are counted in them. */
  metrics?: HooklineMetrics;
  /** Gives each request a server span; absent: no tracing middleware. */
  tracer?: Tracer;
}

/** Builds the app and serves it; `close` lets in-flight requests finish. */
export function startApi(options: StartApiOptions): Promise<ApiServer> {
  const { db, temporal, logger, guard, codec, limits, ui, metrics, tracer } = options;
  const app = createApp({ db, temporal, logger, guard, codec, limits, ui, metrics, tracer });
  return startApiServer(app, { host: options.host, port: options.port });
}
