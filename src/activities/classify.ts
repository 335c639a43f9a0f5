import {
  DELIVERY_FAILURE_TYPES,
  DELIVERY_REQUEST_TIMEOUT_MS,
  MAX_RETRY_AFTER_MS,
  type DeliveryFailureType,
} from '../contract/delivery';
import type { OutgoingResponse } from './http';

/** What one attempt came to, by the delivery contract; pure, so that every rule is tested in a table. */
export type AttemptOutcome =
  | { kind: 'delivered'; statusCode: number; durationMs: number }
  | {
      kind: 'failed';
      type: DeliveryFailureType;
      message: string;
      statusCode?: number;
      /** Temporal must not retry: the outcome will not change by trying again. */
      nonRetryable: boolean;
      /** The wait a 429 or 503 asked for with `Retry-After`, capped at {@link MAX_RETRY_AFTER_MS}. */
      retryAfterMs?: number;
    };

/**
 * Classifies one attempt: any 2xx is delivered, even when the body then stalls (the status arrived);
 * 410 Gone ends the delivery; every other status, a timeout and a broken connection are retried.
 * Redirects are never followed, so a 3xx is an ordinary failing status.
 */
export function classifyResponse(response: OutgoingResponse, url: string, now = new Date()): AttemptOutcome {
  switch (response.kind) {
    case 'timeout':
      return failed(DELIVERY_FAILURE_TYPES.timeout, `No response from ${url} within ${DELIVERY_REQUEST_TIMEOUT_MS} ms`);
    case 'blocked':
      // The message names the hostname and why it is refused, never the address it resolved to.
      return failed(DELIVERY_FAILURE_TYPES.destinationBlocked, response.message, undefined, true);
    case 'connection-error':
      return failed(
        DELIVERY_FAILURE_TYPES.connection,
        `Could not deliver to ${url}: ${response.code} ${response.message}`,
      );
    case 'response':
      break;
  }
  const { statusCode, bodyExcerpt, durationMs } = response;
  if (statusCode >= 200 && statusCode < 300) return { kind: 'delivered', statusCode, durationMs };
  const excerpt = bodyExcerpt ? `: ${bodyExcerpt}` : '';
  if (statusCode === 410) {
    return failed(DELIVERY_FAILURE_TYPES.endpointGone, `Receiver answered 410 Gone${excerpt}`, statusCode, true);
  }
  const retryAfterMs =
    (statusCode === 429 || statusCode === 503) && response.retryAfter !== undefined
      ? parseRetryAfter(response.retryAfter, now)
      : undefined;
  return {
    ...failed(DELIVERY_FAILURE_TYPES.httpStatus, `Receiver answered HTTP ${statusCode}${excerpt}`, statusCode),
    ...(retryAfterMs ? { retryAfterMs } : {}),
  };
}

/**
 * `Retry-After` as a wait in milliseconds: delay-seconds or an HTTP date (RFC 9110), capped at
 * {@link MAX_RETRY_AFTER_MS}; undefined when it cannot be read or asks for no wait.
 */
export function parseRetryAfter(value: string, now: Date): number | undefined {
  const text = value.trim();
  let ms: number;
  if (/^\d+$/.test(text)) ms = Number(text) * 1000;
  else {
    const at = Date.parse(text);
    if (Number.isNaN(at)) return undefined;
    ms = at - now.getTime();
  }
  if (!Number.isFinite(ms) || ms <= 0) return undefined;
  return Math.min(ms, MAX_RETRY_AFTER_MS);
}

function failed(
  type: DeliveryFailureType,
  message: string,
  statusCode?: number,
  nonRetryable = false,
): Extract<AttemptOutcome, { kind: 'failed' }> {
  return { kind: 'failed', type, message, ...(statusCode === undefined ? {} : { statusCode }), nonRetryable };
}
