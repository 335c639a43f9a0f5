import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Db } from '../db/client';
import { disableWebhook, findEndpoints as findEndpointsInDb, findWebhook, signingSecrets } from '../db/webhooks';
import {
  DELIVERY_FAILURE_TYPES,
  DELIVERY_REQUEST_TIMEOUT_MS,
  type DeliveryActivities,
  type DeliveryFailureType,
  type Endpoint,
  type FindEndpointsInput,
  type PostEventInput,
  type PostEventResult,
  type PostFailureDetails,
} from '../contract/delivery';
import { signPayload } from '../shared/webhook-secret';
import { USER_AGENT } from '../shared/version';
import { classifyResponse } from './classify';
import type { EventLoader } from './event-loader';
import type { HttpSender } from './http';

export interface ActivityDeps {
  db: Db;
  http: HttpSender;
  /** Reads events that attempts only reference (large fan-outs). */
  events: EventLoader;
}

/** Builds the worker's activities around their dependencies; the worker is the only caller. */
export function createActivities({ db, http, events }: ActivityDeps): DeliveryActivities {
  return {
    /** Runs as a local activity: a SQLite read needs no round trip through the server. */
    async findEndpoints(input: FindEndpointsInput): Promise<Endpoint[]> {
      return findEndpointsInDb(db, input);
    },

    /**
     * One signed POST of the event to one webhook. Temporal owns retries: this makes one attempt and
     * turns anything but a 2xx into an `ApplicationFailure` whose type says what happened.
     */
    async postEvent(input: PostEventInput): Promise<PostEventResult> {
      const { webhookId } = input;
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

      const event = input.event ?? (await events.load(input.eventWorkflowId));

      // Loaded at every attempt: the secret never travels through Temporal, and a webhook deleted or
      // disabled while retrying stops being delivered to.
      const webhook = findWebhook(db, webhookId);
      if (!webhook || webhook.workspaceId !== event.workspaceId) {
        throw fail(DELIVERY_FAILURE_TYPES.webhookUnavailable, `Webhook ${webhookId} no longer exists`, {}, true);
      }
      if (!webhook.enabled) {
        throw fail(DELIVERY_FAILURE_TYPES.webhookUnavailable, `Webhook ${webhookId} is disabled`, {}, true);
      }

      // Refused at create and update since URLs are checked; a row from before that is refused here, so
      // that credentials never reach a failure message or the wire.
      const target = new URL(webhook.url);
      if (target.username || target.password) {
        throw fail(
          DELIVERY_FAILURE_TYPES.destinationBlocked,
          `Webhook ${webhookId} has credentials in its URL; put them in a custom header instead`,
          {},
          true,
        );
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

      const outcome = classifyResponse(response, webhook.url);
      if (outcome.kind === 'delivered') {
        const { statusCode, durationMs } = outcome;
        log.info('Delivered', { webhookId, statusCode, durationMs });
        return { statusCode, attempt, durationMs };
      }
      if (outcome.type === DELIVERY_FAILURE_TYPES.endpointGone) {
        disableWebhook(db, webhookId, `Receiver answered 410 Gone on ${now.toISOString()}`);
      }
      const { type, message, statusCode, nonRetryable } = outcome;
      const suffix = type === DELIVERY_FAILURE_TYPES.endpointGone ? ` (webhook ${webhookId} disabled)` : '';
      throw fail(type, message + suffix, statusCode === undefined ? {} : { statusCode }, nonRetryable);
    },
  };
}

export type Activities = DeliveryActivities;
