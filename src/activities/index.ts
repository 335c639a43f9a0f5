import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Db } from '../db/client';
import {
  disableWebhook,
  findEndpoints as findEndpointsInDb,
  findWebhook,
  signingSecrets,
  type FindEndpointsInput,
} from '../db/webhooks';
import {
  DELIVERY_FAILURE_TYPES,
  DELIVERY_REQUEST_TIMEOUT_MS,
  type DeliveryFailureType,
  type Endpoint,
  type PostEventInput,
  type PostEventResult,
  type PostFailureDetails,
} from '../shared/contract';
import { signPayload } from '../shared/webhook-secret';
import { USER_AGENT } from '../shared/version';
import type { HttpSender } from './http';

export interface ActivityDeps {
  db: Db;
  http: HttpSender;
}

/** Builds the worker's activities around their dependencies; the worker is the only caller. */
export function createActivities({ db, http }: ActivityDeps) {
  return {
    /** Runs as a local activity: a SQLite read needs no round trip through the server. */
    async findEndpoints(input: FindEndpointsInput): Promise<Endpoint[]> {
      return findEndpointsInDb(db, input);
    },

    /**
     * One signed POST of the event to one webhook. Temporal owns retries: this makes one attempt and
     * turns anything but a 2xx into an `ApplicationFailure` whose type says what happened.
     */
    async postEvent({ webhookId, event }: PostEventInput): Promise<PostEventResult> {
      const { info, log, cancellationSignal } = Context.current();
      const attempt = info.attempt;
      const fail = (
        type: DeliveryFailureType,
        message: string,
        extra: Omit<PostFailureDetails, 'attempt'> = {},
        nonRetryable = false,
      ) => {
        const failure = ApplicationFailure.create({
          type,
          message,
          nonRetryable,
          details: [{ attempt, ...extra } satisfies PostFailureDetails],
        });
        // A receiver's answer is not a fault in this code: message, type and details say everything,
        // and a stack trace would only clutter the failure ops read in the Temporal UI.
        failure.stack = '';
        return failure;
      };

      // Loaded at every attempt: the secret never travels through Temporal, and a webhook deleted or
      // disabled while retrying stops being delivered to.
      const webhook = findWebhook(db, webhookId);
      if (!webhook || webhook.workspaceId !== event.workspaceId) {
        throw fail(DELIVERY_FAILURE_TYPES.webhookUnavailable, `Webhook ${webhookId} no longer exists`, {}, true);
      }
      if (!webhook.enabled) {
        throw fail(DELIVERY_FAILURE_TYPES.webhookUnavailable, `Webhook ${webhookId} is disabled`, {}, true);
      }

      const body = JSON.stringify(event);
      const now = new Date();
      const timestamp = Math.floor(now.getTime() / 1000);
      const signature = signingSecrets(webhook, now)
        .map((secret) => signPayload(secret, event.id, timestamp, body))
        .join(' ');
      const response = await http.send({
        url: webhook.url,
        headers: {
          ...webhook.headers,
          'content-type': 'application/json',
          'user-agent': USER_AGENT,
          'webhook-id': event.id,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signature,
        },
        body,
        timeoutMs: DELIVERY_REQUEST_TIMEOUT_MS,
        signal: cancellationSignal,
      });

      switch (response.kind) {
        case 'timeout':
          throw fail(
            DELIVERY_FAILURE_TYPES.timeout,
            `No response from ${webhook.url} within ${DELIVERY_REQUEST_TIMEOUT_MS} ms`,
          );
        case 'connection-error':
          throw fail(
            DELIVERY_FAILURE_TYPES.connection,
            `Could not deliver to ${webhook.url}: ${response.code} ${response.message}`,
          );
        case 'response':
          break;
      }

      const { statusCode, bodyExcerpt, durationMs } = response;
      if (statusCode >= 200 && statusCode < 300) {
        log.info('Delivered', { webhookId, statusCode, durationMs });
        return { statusCode, attempt, durationMs };
      }
      const excerpt = bodyExcerpt ? `: ${bodyExcerpt}` : '';
      if (statusCode === 410) {
        disableWebhook(db, webhookId, `Receiver answered 410 Gone on ${now.toISOString()}`);
        throw fail(
          DELIVERY_FAILURE_TYPES.endpointGone,
          `Receiver answered 410 Gone; webhook ${webhookId} disabled${excerpt}`,
          { statusCode },
          true,
        );
      }
      throw fail(DELIVERY_FAILURE_TYPES.httpStatus, `Receiver answered HTTP ${statusCode}${excerpt}`, { statusCode });
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
