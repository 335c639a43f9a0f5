import { STATUS_CODES } from 'node:http';
import type { ErrorRequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { PROBLEM_CONTENT_TYPE, type Problem } from '../contract/problem';
import { loggedUrl } from './logged-url';
import {
  AuthenticationError,
  ConflictError,
  DatabaseBusyError,
  ForbiddenError,
  fromDatabaseError,
  LimitExceededError,
  NotFoundError,
  EmitOutcomeUnknownError,
  TemporalUnavailableError,
  ValidationError,
} from './domain/errors';

/** Problem types are URNs: stable identifiers that need no documentation server to resolve. */
const problemType = (slug: string) => `urn:hookline:problem:${slug}`;

/** Seconds a caller should wait before retrying when Temporal cannot be reached. */
export const TEMPORAL_RETRY_AFTER_SECONDS = 5;

/** Seconds a caller should wait when SQLite was locked: locks are held for milliseconds. */
export const DATABASE_RETRY_AFTER_SECONDS = 1;

/** The HTTP side of an error that the API raises outside the domain (routing, body parsing). */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly slug: string,
    detail: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = 'HttpProblem';
  }
}

export function sendProblem(res: Response, problem: Problem, headers: Record<string, string> = {}): void {
  res.status(problem.status).set(headers).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
}

function titleOf(status: number): string {
  return STATUS_CODES[status] ?? 'Error';
}

interface Mapped {
  problem: Omit<Problem, 'instance'>;
  headers?: Record<string, string>;
}

function build(status: number, slug: string, detail: string, extra: Partial<Problem> = {}): Omit<Problem, 'instance'> {
  return { type: problemType(slug), title: titleOf(status), status, detail, ...extra };
}

const DATABASE_BUSY = 'database-busy';

/** Maps any error to a problem; unknown errors become a 500 that reveals nothing. */
export function toProblem(raw: unknown): Mapped & { unexpected: boolean } {
  const err = fromDatabaseError(raw);
  if (err instanceof ValidationError) {
    const detail = `The request ${err.source} is invalid: ${err.fields.map((f) => `${f.field} ${f.message}`).join('; ')}`;
    return { problem: build(400, 'validation-error', detail, { errors: [...err.fields] }), unexpected: false };
  }
  if (err instanceof AuthenticationError) {
    return {
      problem: build(401, 'unauthorized', err.message),
      headers: { 'www-authenticate': 'Bearer realm="hookline"' },
      unexpected: false,
    };
  }
  if (err instanceof ForbiddenError) return { problem: build(403, 'forbidden', err.message), unexpected: false };
  if (err instanceof NotFoundError) return { problem: build(404, 'not-found', err.message), unexpected: false };
  if (err instanceof ConflictError) return { problem: build(409, 'conflict', err.message), unexpected: false };
  if (err instanceof LimitExceededError) {
    return { problem: build(409, 'limit-exceeded', err.message), unexpected: false };
  }
  if (err instanceof DatabaseBusyError) {
    return {
      problem: build(503, DATABASE_BUSY, `${err.message}; nothing was changed. Try again shortly.`),
      headers: { 'retry-after': String(DATABASE_RETRY_AFTER_SECONDS) },
      unexpected: false,
    };
  }
  if (err instanceof EmitOutcomeUnknownError) {
    const detail =
      `${err.message} in time, so the event may or may not have been accepted. Send it again with ` +
      `"id": "${err.eventId}" (or the same Idempotency-Key): it is delivered once either way.`;
    return {
      problem: build(503, 'temporal-unavailable', detail, { eventId: err.eventId }),
      headers: { 'retry-after': String(TEMPORAL_RETRY_AFTER_SECONDS) },
      unexpected: false,
    };
  }
  if (err instanceof TemporalUnavailableError) {
    return {
      problem: build(503, 'temporal-unavailable', `${err.message}. Try again shortly.`),
      headers: { 'retry-after': String(TEMPORAL_RETRY_AFTER_SECONDS) },
      unexpected: false,
    };
  }
  if (err instanceof HttpProblem) {
    return { problem: build(err.status, err.slug, err.message), headers: err.headers, unexpected: false };
  }
  const parserError = bodyParserProblem(err);
  if (parserError) return { problem: parserError, unexpected: false };
  return { problem: build(500, 'internal-error', 'An unexpected error occurred.'), unexpected: true };
}

/** Errors of express.json() (they carry a `type`) and of the router's path decoding: all have a 4xx `status`. */
function bodyParserProblem(err: unknown): Omit<Problem, 'instance'> | undefined {
  const e = err as { type?: unknown; status?: unknown; expose?: unknown; message?: unknown; limit?: unknown };
  if (typeof e?.status !== 'number' || e.status < 400 || e.status >= 500) return undefined;
  switch (e.type) {
    case 'entity.parse.failed':
      return build(400, 'malformed-json', 'The request body is not valid JSON.');
    case 'entity.too.large':
      return build(413, 'payload-too-large', `The request body is larger than ${String(e.limit)} bytes.`);
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return build(415, 'unsupported-media-type', `The request body cannot be read: ${String(e.message)}.`);
    default:
      if (err instanceof URIError) {
        return build(400, 'malformed-path', 'The request path is not valid percent-encoding.');
      }
      return build(e.status, 'bad-request', e.expose && typeof e.message === 'string' ? e.message : titleOf(e.status));
  }
}

/** The one error middleware: every error leaves as problem+json, never as HTML or a stack trace. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const { problem, headers, unexpected } = toProblem(err);
    if (unexpected) logger.error({ err, method: req.method, url: loggedUrl(req.originalUrl) }, 'Unhandled error');
    // Not `err`: drizzle's error names the query and its parameters.
    else if (problem.type === problemType(DATABASE_BUSY))
      logger.warn({ url: loggedUrl(req.originalUrl) }, problem.detail);
    else if (problem.status === 503) logger.warn({ err, url: loggedUrl(req.originalUrl) }, 'Temporal unavailable');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    sendProblem(res, { ...problem, instance: loggedUrl(req.originalUrl) }, headers);
  };
}
