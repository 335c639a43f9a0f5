import { context, propagation, SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import { request } from 'undici';
import { createGuardedAgent, describeBlocked, type GuardOptions } from '../security/network-guard';

/** How much of a response body is kept for the failure message. */
export const MAX_RESPONSE_EXCERPT_BYTES = 4 * 1024;

export interface OutgoingRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** Total budget for connecting, sending and reading the response. */
  timeoutMs: number;
  /** Aborts the request early, for example when the activity is cancelled. */
  signal?: AbortSignal;
}

export type OutgoingResponse =
  | {
      kind: 'response';
      statusCode: number;
      bodyExcerpt: string;
      /** False when the body stalled or broke after the status arrived; the excerpt is what came. */
      bodyComplete: boolean;
      durationMs: number;
      /** The `Retry-After` header as sent, if any. */
      retryAfter?: string;
    }
  | { kind: 'timeout'; durationMs: number }
  /** The destination is not public and not allowed: no connection was made. */
  | { kind: 'blocked'; reason: string; message: string; durationMs: number }
  | { kind: 'connection-error'; code: string; message: string; durationMs: number };

export interface HttpSender {
  send(req: OutgoingRequest): Promise<OutgoingResponse>;
  close(): Promise<void>;
}

/**
 * The one door through which Hookline talks to receivers. It makes exactly one attempt, never follows
 * redirects (undici's `request` has no redirect handling unless an interceptor adds it), connects only
 * to addresses the network guard allows, checked on the address actually connected to, and reports what
 * happened instead of throwing, so that callers classify outcomes in one place.
 */
export function createHttpSender(guard: GuardOptions): HttpSender {
  const dispatcher = createGuardedAgent({ ...guard, keepAliveTimeout: 10_000, connections: 128 });
  return {
    async send(req) {
      const started = performance.now();
      const elapsed = () => Math.round(performance.now() - started);
      const timeout = AbortSignal.timeout(req.timeoutMs);
      const signal = req.signal ? AbortSignal.any([timeout, req.signal]) : timeout;
      try {
        const response = await request(req.url, {
          method: 'POST',
          headers: req.headers,
          body: req.body,
          signal,
          dispatcher,
        });
        const { excerpt, complete } = await readExcerpt(response.body);
        const retryAfter = response.headers['retry-after'];
        return {
          kind: 'response',
          statusCode: response.statusCode,
          bodyExcerpt: excerpt,
          bodyComplete: complete,
          durationMs: elapsed(),
          ...(typeof retryAfter === 'string' ? { retryAfter } : {}),
        };
      } catch (error) {
        if (timeout.aborted) return { kind: 'timeout', durationMs: elapsed() };
        if (req.signal?.aborted) throw error;
        const blocked = describeBlocked(error);
        if (blocked)
          return { kind: 'blocked', reason: blocked.reason, message: blocked.message, durationMs: elapsed() };
        return { kind: 'connection-error', ...describeError(error), durationMs: elapsed() };
      }
    },
    close: () => dispatcher.close(),
  };
}

/**
 * The sender with a client span around each POST and the W3C `traceparent` (and `tracestate`) of that
 * span in its headers, so that a receiver that traces continues the delivery's trace.
 */
export function tracedSender(sender: HttpSender, tracer: Tracer): HttpSender {
  return {
    send(req) {
      const url = new URL(req.url);
      const attributes = {
        'http.request.method': 'POST',
        'server.address': url.hostname,
        'server.port': Number(url.port) || (url.protocol === 'https:' ? 443 : 80),
        // Not the path or the query: receivers' URLs often carry a token there.
        'url.scheme': url.protocol.slice(0, -1),
      };
      return tracer.startActiveSpan('POST', { kind: SpanKind.CLIENT, attributes }, async (span) => {
        const headers = { ...req.headers };
        propagation.inject(context.active(), headers);
        try {
          const response = await sender.send({ ...req, headers });
          if (response.kind === 'response') {
            span.setAttribute('http.response.status_code', response.statusCode);
            if (response.statusCode >= 400) span.setStatus({ code: SpanStatusCode.ERROR });
          } else {
            span.setAttribute('error.type', response.kind);
            span.setStatus({ code: SpanStatusCode.ERROR, message: response.kind });
          }
          return response;
        } catch (err) {
          span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
          throw err;
        } finally {
          span.end();
        }
      });
    },
    close: () => sender.close(),
  };
}

/**
 * Reads the start of the body. The status has already arrived, so a body that stalls past the budget
 * (the request's signal aborts it) or breaks is reported as incomplete, not as a failed request.
 */
async function readExcerpt(
  body: AsyncIterable<Buffer> & { destroy(): unknown },
): Promise<{ excerpt: string; complete: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  let complete = true;
  try {
    for await (const chunk of body) {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= MAX_RESPONSE_EXCERPT_BYTES) {
        body.destroy();
        break;
      }
    }
  } catch {
    complete = false;
  }
  return { excerpt: Buffer.concat(chunks).subarray(0, MAX_RESPONSE_EXCERPT_BYTES).toString('utf8'), complete };
}

function describeError(error: unknown): { code: string; message: string } {
  const err = error as { code?: unknown; message?: unknown; cause?: { code?: unknown; message?: unknown } };
  const code = [err.cause?.code, err.code].find((c): c is string => typeof c === 'string') ?? 'UNKNOWN';
  const message =
    [err.cause?.message, err.message].find((m): m is string => typeof m === 'string' && m !== '') ?? String(error);
  return { code, message };
}
