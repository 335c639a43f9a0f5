import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import type { ResponseConfig, RouteConfig } from '@asteasolutions/zod-to-openapi';
import { API_KEY_SCOPES, type ApiKeyScope } from '../db/schema';
import { HOOKLINE_VERSION } from '../shared/version';
import { scopeAllows } from './auth';
import type { ApiRoute } from './route';
import { Problem } from './schemas';

type Responses = RouteConfig['responses'];

const problemResponse = (description: string, headers?: ResponseConfig['headers']): ResponseConfig => ({
  description,
  headers,
  content: { 'application/problem+json': { schema: Problem } },
});

const retryAfter = { description: 'Seconds to wait before retrying.', schema: { type: 'integer' as const } };

/** Every request counts against a rate limit: its API key's, or its address's without a valid key. */
const tooManyRequests = problemResponse(
  'More requests in the last minute than the rate limit allows (`HOOKLINE_RATE_LIMIT_PER_MINUTE`), counted per API key, or per client address for requests without a valid key.',
  {
    'retry-after': retryAfter,
    ratelimit: {
      description: 'What is left of the quota (IETF RateLimit headers, draft 8).',
      schema: { type: 'string' },
    },
    'ratelimit-policy': { description: 'The quota and its window, in seconds.', schema: { type: 'string' } },
  },
);

const DATABASE_BUSY = 'the database is busy (another process held its write lock too long); nothing was changed';

/** The OpenAPI extension that names the key scope an operation needs. */
const REQUIRED_SCOPE_EXTENSION = 'x-required-scope';

function scopeDescription(required: ApiKeyScope): string {
  const accepted = Object.values(API_KEY_SCOPES).filter((scope) => scopeAllows(scope, required));
  return `Needs an API key with the \`${required}\` scope (accepted: ${accepted.map((s) => `\`${s}\``).join(', ')}).`;
}

/** `/v1/webhooks/:id` in Express becomes `/v1/webhooks/{id}` in OpenAPI. */
export function toOpenApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

/** The OpenAPI 3.1 document of the routes, generated from the zod schemas that validate them. */
export function buildOpenApiDocument(routes: readonly ApiRoute[]): ReturnType<OpenApiGeneratorV31['generateDocument']> {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description:
      'An API key: `Authorization: Bearer <key>`. `emit` keys may only emit events and read the event types; `manage` keys may do everything in their workspace.',
  });
  registry.registerComponent('securitySchemes', 'apiKeyHeader', { type: 'apiKey', in: 'header', name: 'x-api-key' });

  for (const route of routes) {
    const { params, query, body, headers } = route.request;
    const responses: Responses = {};
    for (const [status, response] of Object.entries(route.responses)) {
      const ok = Number(status) < 400;
      responses[status] = {
        description: response.description,
        ...(response.headers ? { headers: response.headers } : {}),
        ...(response.schema
          ? { content: { [ok ? 'application/json' : 'application/problem+json']: { schema: response.schema } } }
          : ok
            ? {}
            : { content: { 'application/problem+json': { schema: Problem } } }),
      };
    }
    if (params || query || body || headers) responses['400'] ??= problemResponse('The request is invalid.');
    if (route.auth) responses['401'] ??= problemResponse('No API key, or an unknown, revoked or expired one.');
    if (route.auth && Object.values(API_KEY_SCOPES).some((scope) => !scopeAllows(scope, route.scope))) {
      responses['403'] ??= problemResponse(
        `The API key's scope is not enough: this operation needs \`${route.scope}\`.`,
      );
    }
    if (params) responses['404'] ??= problemResponse('Not found in this workspace.');
    if (body) {
      responses['413'] ??= problemResponse('The body is larger than 256 KiB.');
      responses['415'] ??= problemResponse('The body is not JSON.');
    }
    if (route.temporal) {
      responses['503'] ??= problemResponse(
        'Temporal did not answer in time. For an emit the start may have committed: the problem carries the `eventId` to send again, delivered once either way.',
        {
          'retry-after': { description: 'Seconds to wait before retrying.', schema: { type: 'integer' } },
        },
      );
    }
    // Authentication reads the key and records its use: every authenticated operation can find SQLite locked.
    if (route.auth) {
      const temporal = responses['503'];
      responses['503'] =
        temporal && 'description' in temporal
          ? { ...temporal, description: `${temporal.description} Also answered when ${DATABASE_BUSY}.` }
          : problemResponse(`Answered when ${DATABASE_BUSY}.`, { 'retry-after': retryAfter });
    }
    responses['429'] ??= tooManyRequests;
    registry.registerPath({
      method: route.method,
      path: toOpenApiPath(route.path),
      operationId: route.operationId,
      summary: route.summary,
      tags: [route.tag],
      ...(route.auth
        ? {
            description: scopeDescription(route.scope),
            [REQUIRED_SCOPE_EXTENSION]: route.scope,
            security: [{ bearerAuth: [] }, { apiKeyHeader: [] }],
          }
        : { security: [] }),
      request: {
        ...(params ? { params: params as never } : {}),
        ...(query ? { query: query as never } : {}),
        ...(headers ? { headers: headers as never } : {}),
        ...(body ? { body: { required: false, content: { 'application/json': { schema: body } } } } : {}),
      },
      responses,
    });
  }

  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Hookline API',
      version: HOOKLINE_VERSION,
      description:
        'Manage webhooks, emit events and see what happened to every delivery. Delivery status is read from Temporal.',
    },
    servers: [{ url: '/' }],
  });
}
