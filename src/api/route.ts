import express, { type RequestHandler, type Router } from 'express';
import type { z } from 'zod';
import type { InvalidField } from '../contract/problem';
import { API_KEY_SCOPES, type ApiKeyScope, type Workspace } from '../db/schema';
import type { AuthenticatedApiKey, Authenticator, Caller } from './auth';
import type { AppDeps } from './deps';
import { AuthenticationError, ForbiddenError, ValidationError } from './domain/errors';
import { findInJson, pathOf } from './json-walk';
import { HttpProblem } from './problem';

export type HttpMethod = 'get' | 'post' | 'patch' | 'delete';

type AnyObjectSchema = z.ZodType<Record<string, unknown>>;

export interface RouteResponse {
  description: string;
  schema?: z.ZodType;
  headers?: Record<string, { description: string; schema: { type: 'string' | 'integer' } }>;
}

/** What a handler returns, as the router sees it: the HTTP layer turns it into a response. */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

type Responses = Record<number, RouteResponse>;

declare const routeBrand: unique symbol;

/** A reply made by a route's own {@link Replier}, so it can only hold what that route declares. */
export type RouteReply<R extends Responses> = Reply & { readonly [routeBrand]: R };

type ReplyArgs<Response> = Response extends { schema: infer Schema extends z.ZodType }
  ? [body: z.input<Schema>, headers?: Record<string, string>]
  : [body?: undefined, headers?: Record<string, string>];

/**
 * Makes a route's reply: only a status the route declares, with a body its response schema accepts
 * (none where it declares no schema). A handler whose body drifts from the schema, and so from the
 * OpenAPI document, does not compile.
 */
export type Replier<R extends Responses> = <S extends keyof R & number>(
  status: S,
  ...args: ReplyArgs<R[S]>
) => RouteReply<R>;

const replier = ((status: number, body?: unknown, headers?: Record<string, string>) => ({
  status,
  body,
  headers,
})) as unknown as Replier<Responses>;

export interface HandlerInput<P, Q, B, H, R extends Responses = Responses> {
  /** Makes the reply; see {@link Replier}. */
  reply: Replier<R>;
  params: P;
  query: Q;
  body: B;
  headers: H;
  /** The caller's workspace; every authenticated route is scoped to it. */
  workspace: Workspace;
  /** The key the caller authenticated with. */
  apiKey: AuthenticatedApiKey;
  deps: AppDeps;
}

export interface RouteDefinition<
  P extends AnyObjectSchema,
  Q extends AnyObjectSchema,
  B extends z.ZodType,
  H extends AnyObjectSchema,
  R extends Responses,
> {
  method: HttpMethod;
  /** Express syntax: `/v1/webhooks/:id`. */
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  /** Whether an API key is required (default true). */
  auth?: boolean;
  /**
   * The key scope the route needs (default `manage`). A `manage` key passes everywhere; a route that
   * declares `emit` lets `emit` keys through as well. Other keys get 403.
   */
  scope?: ApiKeyScope;
  /** Whether the route calls Temporal, and so can answer 503. */
  temporal?: boolean;
  request?: { params?: P; query?: Q; body?: B; headers?: H };
  responses: R;
  handle(
    input: HandlerInput<z.output<P>, z.output<Q>, z.output<B>, z.output<H>, R>,
  ): Promise<RouteReply<R>> | RouteReply<R>;
}

/** A route with its types erased, as the router and the OpenAPI generator see it. */
export interface ApiRoute {
  method: HttpMethod;
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  auth: boolean;
  scope: ApiKeyScope;
  temporal: boolean;
  request: { params?: AnyObjectSchema; query?: AnyObjectSchema; body?: z.ZodType; headers?: AnyObjectSchema };
  responses: Record<number, RouteResponse>;
  handle(input: HandlerInput<unknown, unknown, unknown, unknown>): Promise<Reply> | Reply;
}

export function defineRoute<
  P extends AnyObjectSchema = AnyObjectSchema,
  Q extends AnyObjectSchema = AnyObjectSchema,
  B extends z.ZodType = z.ZodType,
  H extends AnyObjectSchema = AnyObjectSchema,
  R extends Responses = Responses,
>(route: RouteDefinition<P, Q, B, H, R>): ApiRoute {
  return {
    ...route,
    auth: route.auth ?? true,
    scope: route.scope ?? API_KEY_SCOPES.manage,
    temporal: route.temporal ?? false,
    request: route.request ?? {},
    handle: route.handle as ApiRoute['handle'],
  };
}

function parse<T>(schema: z.ZodType<T> | undefined, value: unknown, source: ValidationError['source']): T {
  if (!schema) return value as T;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const fields: InvalidField[] = result.error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.map(String).join('.') : source,
    // zod says only "Invalid key in record" for a bad key; what is wrong with it is in the inner issues.
    message: issue.code === 'invalid_key' ? issue.issues.map((inner) => inner.message).join('; ') : issue.message,
  }));
  throw new ValidationError(fields, source);
}

/**
 * Refuses `__proto__` as a key anywhere in a body. JSON.parse makes it an ordinary own property, but
 * zod drops it from records without a word, and code that copies objects key by key would set a
 * prototype with it; nothing legitimate needs the name.
 */
function withoutProtoKeys(body: unknown): unknown {
  const found = findInJson(body, (visit) => visit.key === '__proto__');
  if (found) throw new ValidationError([{ field: pathOf(found).join('.'), message: 'is not accepted as a key' }]);
  return body;
}

function hasBody(req: express.Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

export interface RouterOptions {
  /**
   * Runs once the caller is known (see {@link callerOf}) and before anything else of the route, wrong
   * methods included: the rate limiter.
   */
  limiter?: RequestHandler;
}

/** Who called, as the route's authentication found out: a caller, or why there is none. */
type Identity = { caller: Caller } | { refused: AuthenticationError | ForbiddenError };

const identities = new WeakMap<express.Request, Identity>();

/** The caller of a request to an authenticated route, once known; undefined without a valid key. */
export function callerOf(req: express.Request): Caller | undefined {
  const identity = identities.get(req);
  return identity && 'caller' in identity ? identity.caller : undefined;
}

/**
 * Authenticates the caller of a route that needs it. A refused key is only noted here, and reported
 * after the limiter, so that requests without a valid key count against their client address.
 */
function identify(route: ApiRoute, authenticate: Authenticator): RequestHandler {
  return async (req, _res, next) => {
    if (route.auth) {
      try {
        identities.set(req, { caller: await authenticate(req, route.scope) });
      } catch (err) {
        if (!(err instanceof AuthenticationError || err instanceof ForbiddenError)) throw err;
        identities.set(req, { refused: err });
      }
    }
    next();
  };
}

/**
 * Builds the router from the route table. Every known path answers other methods with 405 and an
 * `Allow` header, so that wrong methods get a problem too.
 */
export function buildRouter(
  routes: readonly ApiRoute[],
  deps: AppDeps,
  authenticate: Authenticator,
  options: RouterOptions = {},
): Router {
  const router = express.Router();
  const limiter = options.limiter ? [options.limiter] : [];
  const byPath = new Map<string, ApiRoute[]>();
  for (const route of routes) byPath.set(route.path, [...(byPath.get(route.path) ?? []), route]);

  for (const [path, pathRoutes] of byPath) {
    const chain = router.route(path);
    for (const route of pathRoutes) {
      chain[route.method](identify(route, authenticate), ...limiter, handlerFor(route, deps));
    }
    const allow = pathRoutes.flatMap((r) => (r.method === 'get' ? ['GET', 'HEAD'] : [r.method.toUpperCase()]));
    chain.all(...limiter, (req) => {
      throw new HttpProblem(405, 'method-not-allowed', `${req.method} is not allowed on ${path}`, {
        allow: allow.join(', '),
      });
    });
  }
  return router;
}

function handlerFor(route: ApiRoute, deps: AppDeps): RequestHandler {
  return async (req, res) => {
    // Routes without authentication (health, readiness, the OpenAPI document) never read the caller.
    // Authentication and scope come before validation: a key that may not call a route is refused
    // whatever it sends, and learns nothing of what the route would accept.
    const { workspace, apiKey } = route.auth
      ? authenticated(req)
      : { workspace: undefined as unknown as Workspace, apiKey: undefined as unknown as AuthenticatedApiKey };
    if (route.request.body && hasBody(req) && !req.is(['application/json', 'application/*+json'])) {
      throw new HttpProblem(415, 'unsupported-media-type', 'Send the request body as application/json.');
    }
    const reply = await route.handle({
      reply: replier,
      params: parse(route.request.params, req.params, 'params'),
      query: parse(route.request.query, req.query, 'query'),
      body: route.request.body ? parse(route.request.body, withoutProtoKeys(req.body ?? {}), 'body') : undefined,
      headers: parse(route.request.headers, req.headers, 'headers'),
      workspace,
      apiKey,
      deps,
    });
    res.status(reply.status).set(reply.headers ?? {});
    if (reply.body === undefined) res.end();
    else res.json(reply.body);
  };
}

function authenticated(req: express.Request): Caller {
  const identity = identities.get(req);
  if (!identity) throw new Error('The route was reached without authentication');
  if ('refused' in identity) throw identity.refused;
  return identity.caller;
}
