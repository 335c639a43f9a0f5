import express from 'express';
import type { Logger } from 'pino';
import { createAuthenticator } from './auth';
import type { AppDeps } from './deps';
import { buildOpenApiDocument } from './openapi';
import { errorHandler, HttpProblem } from './problem';
import { buildRouter, type ApiRoute } from './route';
import { eventRoutes } from './routes/events';
import { metaRoutes } from './routes/meta';
import { webhookRoutes } from './routes/webhooks';

export type { AppDeps };

/** Largest accepted request body; larger ones answer 413. */
export const MAX_BODY_BYTES = 256 * 1024;

/** Every route of the API, in the order the OpenAPI document lists them. */
export function apiRoutes(document: () => Record<string, unknown>): ApiRoute[] {
  return [...metaRoutes(document), ...webhookRoutes, ...eventRoutes];
}

/** The Express app, without listening: tests and the entry points decide where it listens. */
export function createApp(deps: AppDeps): express.Express {
  // The document lists every route, its own included; it is read only once requests arrive.
  const routes = apiRoutes(() => ({ ...document }));
  const document = buildOpenApiDocument(routes);

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(requestLog(deps.logger));
  app.use(express.json({ limit: MAX_BODY_BYTES, type: ['application/json', 'application/*+json'] }));
  app.use(buildRouter(routes, deps, createAuthenticator(deps.db)));
  app.use((req) => {
    throw new HttpProblem(404, 'route-not-found', `No route for ${req.method} ${req.path}`);
  });
  app.use(errorHandler(deps.logger));
  return app;
}

function requestLog(logger: Logger): express.RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    res.on('finish', () => {
      logger.info(
        {
          method: req.method,
          url: req.originalUrl,
          status: res.statusCode,
          ms: Math.round(performance.now() - started),
        },
        'request',
      );
    });
    next();
  };
}
