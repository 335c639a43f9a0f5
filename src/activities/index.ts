import { Context } from '@temporalio/activity';
import { ApplicationFailure, type RetryPolicy } from '@temporalio/common';
import type { Db } from '../db/client';
import {
  disableWebhook,
  findEndpoints as findEndpointsInDb,
  findWebhook,
  setWebhookFailingSince,
  signingSecrets,
} from '../db/webhooks';
import {
  DELIVERY_FAILURE_TYPES,
  DELIVERY_REQUEST_TIMEOUT_MS,
  MAX_RECORDED_EXCERPT,
  RETRY_SCHEDULES,
  type AttemptRecord,
  type DeliveryActivities,
  type DeliveryFailureType,
  type Endpoint,
  type FindEndpointsInput,
  type PostEventInput,
  type PostEventResult,
  type PostFailureDetails,
  type ReportExhaustedInput,
} from '../contract/delivery';
import { createMetrics, type HooklineMetrics } from '../shared/metrics';
import { msToNumber } from '../shared/temporal-sdk';
import { signPayload } from '../shared/webhook-secret';
import { USER_AGENT } from '../shared/version';
import { classifyResponse } from './classify';
import type { EventLoader } from './event-loader';
import type { HttpSender } from './http';
import type { DeliveryNotifier } from './notifier';

export interface ActivityDeps {
  db: Db;
  http: HttpSender;
  /** Reads events that attempts only reference (large fan-outs). */
  events: EventLoader;
  /** Attempt reports, health signals and operational events. */
  notifier: DeliveryNotifier;
  /** Counts attempts and ended deliveries; the process's, which `/metrics` serves. @default a registry of their own */
  metrics?: HooklineMetrics;
}

/** Builds the worker's activities around their dependencies; the worker is the only caller. */
export function createActivities({
  db,
  http,
  events,
  notifier,
  metrics = createMetrics({ defaultMetrics: false }),
}: ActivityDeps): DeliveryActivities {
  return {
    /** Runs as a local activity: a database read needs no round trip through the Temporal server. */
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
      const startedAt = new Date();
      // The server hands the policy to each attempt; the time-skipping test server does not.
      const policy: RetryPolicy = info.retryPolicy ?? RETRY_SCHEDULES[input.retrySchedule ?? 'standard'];
      const event = input.event ?? (await events.load(input.eventWorkflowId));
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
          details: [{ attempt, startedAt: startedAt.toISOString(), ...extra } satisfies PostFailureDetails],
          ...(extra.retryAfterMs
            ? { nextRetryDelay: Math.max(extra.retryAfterMs, scheduledDelay(policy, attempt)) }
            : {}),
        });
        // A receiver's answer is not a fault in this code: message, type and details say everything,
        // and a stack trace would only clutter the failure ops read in the Temporal UI.
        failure.stack = '';
        metrics.attemptEnded('failed', type, extra.durationMs === undefined ? undefined : extra.durationMs / 1000);
        if (nonRetryable || !willRetry(policy, attempt)) metrics.deliveryEnded('failed', event.type);
        return failure;
      };

      // Loaded at every attempt: the secret never travels through Temporal, and a webhook deleted or
      // disabled while retrying stops being delivered to.
      const webhook = await findWebhook(db, webhookId);
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
      const responseExcerpt =
        response.kind === 'response' && response.bodyExcerpt
          ? response.bodyExcerpt.slice(0, MAX_RECORDED_EXCERPT)
          : undefined;
      const { durationMs } = response;
      if (outcome.kind === 'delivered') {
        const { statusCode } = outcome;
        log.info('Delivered', { webhookId, statusCode, durationMs });
        metrics.attemptEnded('succeeded', undefined, durationMs / 1000);
        metrics.deliveryEnded('succeeded', event.type);
        if (webhook.failingSince !== null) await tellAlive(webhookId);
        return {
          statusCode,
          attempt,
          durationMs,
          startedAt: startedAt.toISOString(),
          ...(responseExcerpt ? { responseExcerpt } : {}),
        };
      }
      const { type, message, statusCode, nonRetryable, retryAfterMs } = outcome;
      if (type === DELIVERY_FAILURE_TYPES.endpointGone) {
        const reason = `Receiver answered 410 Gone on ${now.toISOString()}`;
        await disableWebhook(db, webhookId, reason);
        await announceDisabled(webhook.workspaceId, webhookId, webhook.url, reason, now);
      }
      const suffix = type === DELIVERY_FAILURE_TYPES.endpointGone ? ` (webhook ${webhookId} disabled)` : '';
      const extra: Omit<PostFailureDetails, 'attempt'> = {
        durationMs,
        ...(statusCode === undefined ? {} : { statusCode }),
        ...(responseExcerpt ? { responseExcerpt } : {}),
        ...(retryAfterMs ? { retryAfterMs } : {}),
      };
      const failure = fail(type, message + suffix, extra, nonRetryable);
      if (!nonRetryable && willRetry(policy, attempt)) {
        await reportAttempt(info, {
          webhookId,
          attempt,
          startedAt: startedAt.toISOString(),
          durationMs,
          outcome: 'failed',
          failureType: type,
          error: message + suffix,
          ...extra,
        });
      }
      throw failure;
    },

    async reportExhausted(input: ReportExhaustedInput): Promise<void> {
      const { event } = input;
      const at = new Date().toISOString();
      for (const delivery of input.deliveries) {
        const webhook = await findWebhook(db, delivery.webhookId);
        if (webhook && webhook.workspaceId === event.workspaceId && webhook.enabled) {
          await setWebhookFailingSince(db, delivery.webhookId, at);
          await notifier.deliveryExhausted(
            { webhookId: delivery.webhookId, workspaceId: event.workspaceId },
            { event: { id: event.id, type: event.type }, at, error: delivery.error },
          );
        }
        await notifier.emitOperational(
          'delivery.exhausted',
          event.workspaceId,
          `${input.workflowId}\n${delivery.webhookId}`,
          {
            eventId: event.id,
            eventType: event.type,
            webhookId: delivery.webhookId,
            attempts: delivery.attempts,
            ...(delivery.errorType ? { failureType: delivery.errorType } : {}),
            ...(delivery.error ? { error: delivery.error } : {}),
            ...(delivery.statusCode !== undefined ? { statusCode: delivery.statusCode } : {}),
            exhaustedAt: at,
          },
        );
      }
    },
  };

  /**
   * Best effort: an attempt's own outcome stands even when its report cannot be sent; the read model
   * then shows that attempt as unreported.
   */
  async function reportAttempt(info: Context['info'], record: AttemptRecord): Promise<void> {
    const execution = info.workflowExecution;
    if (!execution) return;
    try {
      await notifier.attemptFailed(execution.workflowId, execution.runId, record);
    } catch (err) {
      Context.current().log.warn('Could not record the attempt in history', { error: String(err) });
    }
  }

  /** The webhook was failing: its health workflow hears it is alive, and it is no longer marked. */
  async function tellAlive(webhookId: string): Promise<void> {
    try {
      await notifier.deliverySucceeded(webhookId, { at: new Date().toISOString() });
      await setWebhookFailingSince(db, webhookId, null);
    } catch (err) {
      // The mark stays, so the next successful attempt tries again.
      Context.current().log.warn('Could not tell the health workflow', { webhookId, error: String(err) });
    }
  }

  async function announceDisabled(workspaceId: string, webhookId: string, url: string, reason: string, at: Date) {
    await notifier.emitOperational('webhook.disabled', workspaceId, `${webhookId}\n${at.toISOString()}`, {
      webhookId,
      url,
      reason,
      disabledAt: at.toISOString(),
    });
  }
}

/** True when Temporal will run another attempt after this one fails (retryably). */
function willRetry(policy: RetryPolicy, attempt: number): boolean {
  const max = policy.maximumAttempts ?? 0;
  return max === 0 || attempt < max;
}

/** The wait the retry policy puts after this attempt, so that a `Retry-After` only ever lengthens it. */
function scheduledDelay(policy: RetryPolicy, attempt: number): number {
  const initial = policy.initialInterval === undefined ? 1000 : msToNumber(policy.initialInterval);
  const delay = initial * (policy.backoffCoefficient ?? 2) ** (attempt - 1);
  const max = policy.maximumInterval === undefined ? Infinity : msToNumber(policy.maximumInterval);
  return Math.min(delay, max);
}
