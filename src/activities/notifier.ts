import { createHash } from 'node:crypto';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import {
  ATTEMPT_REPORTED_SIGNAL,
  type AttemptRecord,
  type EventEnvelope,
  type FindEndpointsInput,
  type Endpoint,
} from '../contract/delivery';
import type { OperationalEventType } from '../contract/event-types';
import {
  DELIVERY_EXHAUSTED_SIGNAL,
  DELIVERY_SUCCEEDED_SIGNAL,
  WEBHOOK_HEALTH_WORKFLOW,
  webhookHealthWorkflowId,
  type AutoDisablePolicy,
  type DeliveryExhaustedSignal,
  type DeliverySucceededSignal,
  type WebhookHealthInput,
} from '../contract/health';
import { startDelivery } from '../emit/start-delivery';

/** Calls to Temporal made from an attempt give up after this long: the attempt's outcome matters more. */
const NOTIFY_DEADLINE_MS = 5_000;

/**
 * What activities tell Temporal beside their own result: attempt reports, the webhooks' health
 * workflows, and operational events. One client, the worker's.
 */
export interface DeliveryNotifier {
  /** Records a failed attempt that will be retried in the history of the workflow that runs it. */
  attemptFailed(workflowId: string, runId: string | undefined, record: AttemptRecord): Promise<void>;
  /** Starts the webhook's health workflow if need be and tells it of a delivery that failed for good. */
  deliveryExhausted(
    webhook: { webhookId: string; workspaceId: string },
    signal: DeliveryExhaustedSignal,
  ): Promise<void>;
  /** Tells a failing webhook's health workflow, if one runs, that an attempt succeeded. */
  deliverySucceeded(webhookId: string, signal: DeliverySucceededSignal): Promise<void>;
  /**
   * Delivers an operational event to the webhooks that subscribe to it by name. The id is derived from
   * `key`, so a retried activity emits it once.
   */
  emitOperational(
    type: OperationalEventType,
    workspaceId: string,
    key: string,
    data: Record<string, unknown>,
  ): Promise<void>;
}

export interface DeliveryNotifierOptions {
  client: Client;
  taskQueue: string;
  /** Null: failing webhooks are never disabled, and no health workflow runs. */
  policy: AutoDisablePolicy | null;
  resolveEndpoints: (input: FindEndpointsInput) => Endpoint[] | Promise<Endpoint[]>;
}

export function createDeliveryNotifier(options: DeliveryNotifierOptions): DeliveryNotifier {
  const { client, taskQueue, policy } = options;
  const withDeadline = <T>(fn: () => Promise<T>) => client.withDeadline(Date.now() + NOTIFY_DEADLINE_MS, fn);
  return {
    async attemptFailed(workflowId, runId, record) {
      await withDeadline(() => client.workflow.getHandle(workflowId, runId).signal(ATTEMPT_REPORTED_SIGNAL, record));
    },

    async deliveryExhausted({ webhookId, workspaceId }, signal) {
      if (!policy) return;
      const input: WebhookHealthInput = { webhookId, workspaceId, policy };
      await withDeadline(() =>
        client.workflow.signalWithStart(WEBHOOK_HEALTH_WORKFLOW, {
          workflowId: webhookHealthWorkflowId(webhookId),
          taskQueue,
          args: [input],
          signal: DELIVERY_EXHAUSTED_SIGNAL,
          signalArgs: [signal],
          staticSummary: `Health of failing webhook ${webhookId} (workspace ${workspaceId})`,
        }),
      );
    },

    async deliverySucceeded(webhookId, signal) {
      try {
        await withDeadline(() =>
          client.workflow.getHandle(webhookHealthWorkflowId(webhookId)).signal(DELIVERY_SUCCEEDED_SIGNAL, signal),
        );
      } catch (err) {
        // Already over (it disabled the webhook, or heard of a success): nothing to tell.
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      }
    },

    async emitOperational(type, workspaceId, key, data) {
      // Most operational events have no subscriber: then no workflow is started at all.
      const endpoints = await options.resolveEndpoints({ workspaceId, eventType: type });
      if (endpoints.length === 0) return;
      const event: EventEnvelope = {
        id: operationalEventId(type, key),
        type,
        workspaceId,
        timestamp: new Date().toISOString(),
        data,
      };
      await withDeadline(() => startDelivery({ event, endpoints }, { client, taskQueue }));
    },
  };
}

/** A stable id for an operational event, from what makes it unique (`key`). */
export function operationalEventId(type: OperationalEventType, key: string): string {
  const digest = createHash('sha256').update(`${type}\n${key}`).digest('base64url').slice(0, 22);
  return `${type.replace('.', '_')}_${digest}`;
}
