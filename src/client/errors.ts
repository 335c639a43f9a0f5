import type { components } from './api-types';

/** RFC 9457 problem details, as the API sends them with every error. */
export type ApiProblem = components['schemas']['Problem'];

/** One offending field of a validation error (400). */
export type ApiInvalidField = NonNullable<ApiProblem['errors']>[number];

/** The API answered with an error status; its problem+json body is read into the fields. */
export class HooklineApiError extends Error {
  /** The HTTP status. */
  readonly status: number;
  /** The problem type, a URI naming the kind of error; `about:blank` when the body was no problem. */
  readonly type: string;
  readonly title: string;
  readonly detail: string;
  /** The offending fields of a validation error (400); empty otherwise. */
  readonly errors: readonly ApiInvalidField[];
  readonly instance: string | undefined;
  /** On a 503 to an emit: the id the event was given (the client sends it again on a retry). */
  readonly eventId: string | undefined;
  /** From `Retry-After`, when the answer had one. */
  readonly retryAfterSeconds: number | undefined;
  /** The operation that failed, by its operationId. */
  readonly operationId: string;
  /** The body as received: the problem, or whatever else an intermediary sent. */
  readonly body: unknown;

  constructor(operationId: string, status: number, body: unknown, retryAfterSeconds?: number) {
    const problem = asProblem(body);
    const title = problem?.title ?? `HTTP ${status}`;
    const detail = problem?.detail ?? (typeof body === 'string' ? body.slice(0, 500) : '');
    super(`${operationId}: ${status} ${title}${detail ? `: ${detail}` : ''}`);
    this.name = 'HooklineApiError';
    this.operationId = operationId;
    this.status = status;
    this.type = problem?.type ?? 'about:blank';
    this.title = title;
    this.detail = detail;
    this.errors = problem?.errors ?? [];
    this.instance = problem?.instance;
    this.eventId = problem?.eventId;
    this.retryAfterSeconds = retryAfterSeconds;
    this.body = body;
  }
}

/** No answer within the call's `timeoutMs`, retries and their waits included. */
export class HooklineTimeoutError extends Error {
  constructor(
    readonly operationId: string,
    readonly timeoutMs: number,
    options?: { cause?: unknown },
  ) {
    super(`${operationId}: no answer within ${timeoutMs} ms`, options);
    this.name = 'HooklineTimeoutError';
  }
}

/** The request never got an answer: refused or reset connection, DNS failure, aborted by the caller. */
export class HooklineConnectionError extends Error {
  constructor(
    readonly operationId: string,
    options?: { cause?: unknown },
  ) {
    const reason = options?.cause instanceof Error ? options.cause.message : String(options?.cause ?? 'no answer');
    super(`${operationId}: ${reason}`, options);
    this.name = 'HooklineConnectionError';
  }
}

function asProblem(body: unknown): ApiProblem | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const candidate = body as Partial<ApiProblem>;
  if (typeof candidate.title !== 'string' || typeof candidate.status !== 'number') return undefined;
  return {
    type: typeof candidate.type === 'string' ? candidate.type : 'about:blank',
    title: candidate.title,
    status: candidate.status,
    detail: typeof candidate.detail === 'string' ? candidate.detail : '',
    ...(typeof candidate.instance === 'string' ? { instance: candidate.instance } : {}),
    ...(Array.isArray(candidate.errors) ? { errors: candidate.errors } : {}),
    ...(typeof candidate.eventId === 'string' ? { eventId: candidate.eventId } : {}),
  };
}
