import { EmittedEventSchema } from '../contract/envelope';
import { ProblemSchema, type Problem } from '../contract/problem';
import type { Emitter } from './emitter';

/** The API refused the event, or could not be reached. */
export class EmitError extends Error {
  constructor(
    message: string,
    /** The HTTP status; undefined when no answer came. */
    readonly status: number | undefined,
    readonly problem: Problem | undefined,
    /** From `Retry-After`, when the API asks to try again later (503). */
    readonly retryAfterSeconds: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'EmitError';
  }

  /**
   * On a 503, the id Hookline gave the event: the start may have committed, so send it again with this
   * `id` and it is delivered once either way.
   */
  get eventId(): string | undefined {
    return this.problem?.eventId;
  }

  /** Whether sending the same event again may succeed: no answer, 429 or 5xx. */
  get retryable(): boolean {
    return this.status === undefined || this.status === 429 || this.status >= 500;
  }
}

export interface HttpEmitterOptions {
  /** Where the Hookline API listens, such as `http://127.0.0.1:3000`. */
  baseUrl: string;
  apiKey: string;
  /** Per request. Default 10 s. */
  timeoutMs?: number;
  /** Default: the global `fetch`. */
  fetch?: typeof fetch;
}

/**
 * Emits events through the HTTP API (`POST /v1/events`). Pass an `id` or an `idempotencyKey` to make
 * retries after an {@link EmitError} whose `retryable` is true safe.
 */
export function createEmitter(options: HttpEmitterOptions): Emitter {
  const doFetch = options.fetch ?? fetch;
  const url = new URL('/v1/events', options.baseUrl).toString();
  return {
    async emit(type, data, emitOptions = {}) {
      const headers: Record<string, string> = {
        authorization: `Bearer ${options.apiKey}`,
        'content-type': 'application/json',
      };
      if (emitOptions.idempotencyKey) headers['idempotency-key'] = emitOptions.idempotencyKey;
      const { occurredAt } = emitOptions;
      const body = JSON.stringify({
        type,
        data,
        ...(emitOptions.id ? { id: emitOptions.id } : {}),
        ...(occurredAt ? { occurredAt: new Date(occurredAt).toISOString() } : {}),
      });
      let response: Response;
      try {
        response = await doFetch(url, {
          method: 'POST',
          headers,
          body,
          signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
        });
      } catch (err) {
        throw new EmitError(`Could not reach Hookline at ${url}`, undefined, undefined, undefined, { cause: err });
      }
      const text = await response.text();
      if (response.status !== 202) {
        const problem = parseJson(text, ProblemSchema);
        const retryAfter = Number(response.headers.get('retry-after'));
        throw new EmitError(
          problem ? `${problem.title}: ${problem.detail}` : `Hookline answered HTTP ${response.status}`,
          response.status,
          problem,
          Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
        );
      }
      const accepted = parseJson(text, EmittedEventSchema);
      if (!accepted) throw new EmitError('Hookline answered 202 with an unexpected body', 202, undefined, undefined);
      return { ...accepted, replayed: response.headers.get('idempotent-replayed') === 'true' };
    },
  };
}

function parseJson<T>(text: string, schema: { safeParse(value: unknown): { success: boolean; data?: T } }) {
  try {
    const result = schema.safeParse(JSON.parse(text));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}
