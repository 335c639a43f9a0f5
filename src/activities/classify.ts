import { DELIVERY_FAILURE_TYPES, DELIVERY_REQUEST_TIMEOUT_MS, type DeliveryFailureType } from '../contract/delivery';
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
    };

/**
 * Classifies one attempt: any 2xx is delivered, even when the body then stalls (the status arrived);
 * 410 Gone ends the delivery; every other status, a timeout and a broken connection are retried.
 * Redirects are never followed, so a 3xx is an ordinary failing status.
 */
export function classifyResponse(response: OutgoingResponse, url: string): AttemptOutcome {
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
  return failed(DELIVERY_FAILURE_TYPES.httpStatus, `Receiver answered HTTP ${statusCode}${excerpt}`, statusCode);
}

function failed(type: DeliveryFailureType, message: string, statusCode?: number, nonRetryable = false): AttemptOutcome {
  return { kind: 'failed', type, message, ...(statusCode === undefined ? {} : { statusCode }), nonRetryable };
}
