import { timingSafeEqual } from 'node:crypto';
import type { Tracer } from '@opentelemetry/api';
import type { PayloadCodec } from '@temporalio/common';
import express from 'express';
import type { Logger } from 'pino';
import { createCodecRouter } from '../security/codec-server';
import type { HooklineMetrics } from '../shared/metrics';
import { traceRequests } from '../shared/tracing';
import { loggedUrl } from './logged-url';
import { createAuthenticator } from './auth';
import type { AppDeps } from './deps';
import { buildOpenApiDocument } from './openapi';
import { errorHandler, HttpProblem } from './problem';
import { createRateLimiter } from './rate-limit';
import { buildRouter, callerOf, type ApiRoute } from './route';
import { apiKeyRoutes } from './routes/api-keys';
import { eventRoutes } from './routes/events';
import { metaRoutes } from './routes/meta';
import { recoveryRoutes } from './routes/recoveries';
import { webhookRoutes } from './routes/webhooks';
import { portalRoutes } from './ui/portal';
import { createUiRouter } from './ui/router';
import { createSessionSealer } from './ui/session-token';
import { createSessionAuth } from './ui/sessions';
import { UI_BUNDLE_DIR } from './ui/settings';

export type { AppDeps };

/** The Temporal codec-server endpoint: the UI decodes event data in the browser through it. */
export interface CodecEndpoint {
  codec: PayloadCodec;
  /** The secret path segment: `/codec/<token>/decode`. Whoever holds it can decode any payload. */
  token: string;
  /** Origins of the Temporal UI, allowed by CORS. */
  allowedOrigins: readonly string[];
}

/** Largest accepted request body; larger ones answer 413. */
export const MAX_BODY_BYTES = 256 * 1024;

/** Every route of the API, in the order the OpenAPI document lists them. */
export function apiRoutes(document: () => Record<string, unknown>): ApiRoute[] {
  return [
    ...metaRoutes(document),
    ...webhookRoutes,
    ...eventRoutes,
    ...recoveryRoutes,
    ...apiKeyRoutes,
    ...portalRoutes,
  ];
}

/** The Express app, without listening: tests and the entry points decide where it listens. */
export function createApp(deps: AppDeps & { codec?: CodecEndpoint; tracer?: Tracer }): express.Express {
  // The document lists every route, its own included; it is read only once requests arrive.
  const routes = apiRoutes(() => ({ ...document }));
  const document = buildOpenApiDocument(routes);

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // Public, outside the route table (its body is the Prometheus text format, not JSON) and ahead of the
  // request log and the rate limiter: a scraper calls it every few seconds from the operators' network.
  if (deps.metrics) app.get('/metrics', metricsHandler(deps.metrics));
  app.use(requestLog(deps.logger));
  if (deps.codec) app.use(CODEC_PATH, codecRoutes(deps.codec));
  app.use(express.json({ limit: MAX_BODY_BYTES, type: ['application/json', 'application/*+json'] }));
  if (deps.tracer) app.use(traceRequests(deps.tracer));
  const limiter = createRateLimiter({
    perMinute: deps.limits.rateLimitPerMinute,
    keyOf: (req) => callerOf(req)?.apiKey.id,
    logger: deps.logger,
  });
  // The settings page calls the API itself, authenticated by its session cookie instead of a key.
  const sessions = createSessionAuth({
    db: deps.db,
    sealer: createSessionSealer(deps.ui.keyring),
    ttlMs: deps.ui.sessionTtlSeconds * 1000,
    https: deps.ui.publicUrl?.startsWith('https:'),
  });
  const byKey = createAuthenticator(deps.db);
  app.use(['/v1', '/ui/session'], sessions.middleware);
  app.use(
    createUiRouter({
      db: deps.db,
      sessions,
      authenticate: byKey,
      bundleDir: deps.ui.bundleDir ?? UI_BUNDLE_DIR,
      limiter,
    }),
  );
  app.use(buildRouter(routes, deps, sessions.authenticator(byKey), { limiter }));
  if (limiter) app.use(limiter);
  app.use((req) => {
    throw new HttpProblem(404, 'route-not-found', `No route for ${req.method} ${req.path}`);
  });
  app.use(errorHandler(deps.logger));
  return app;
}

const CODEC_PATH = '/codec/:token';

function codecRoutes({ codec, token, allowedOrigins }: CodecEndpoint): express.Router {
  const expected = Buffer.from(token);
  return createCodecRouter({
    codec,
    allowedOrigins,
    authorize: (req) => {
      const given = Buffer.from(String(req.params.token ?? ''));
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  });
}

function metricsHandler(metrics: HooklineMetrics): express.RequestHandler {
  return async (_req, res) => {
    const { contentType, body } = await metrics.scrape();
    res.type(contentType).send(body);
  };
}

function requestLog(logger: Logger): express.RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    res.on('finish', () => {
      logger.info(
        {
          method: req.method,
          url: loggedUrl(req.originalUrl),
          status: res.statusCode,
          ms: Math.round(performance.now() - started),
        },
        'request',
      );
    });
    next();
  };
}
