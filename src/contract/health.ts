/**
 * The health contract: one workflow per failing webhook decides, on the failures it hears of, whether
 * the webhook has been dying long enough to be disabled. Workflow code imports this module.
 */
import type { EventHeader } from './delivery';

export const WEBHOOK_HEALTH_WORKFLOW = 'webhookHealthWorkflow';

/** A failing webhook's health workflow; at most one runs per webhook. */
export function webhookHealthWorkflowId(webhookId: string): string {
  return `webhook-health:${webhookId}`;
}

/** Sent (with start) by every delivery to the webhook that failed for good. */
export const DELIVERY_EXHAUSTED_SIGNAL = 'deliveryExhausted';
/** Sent by the first attempt that succeeds while the webhook is failing: it is alive again. */
export const DELIVERY_SUCCEEDED_SIGNAL = 'deliverySucceeded';

export interface DeliveryExhaustedSignal {
  event: Pick<EventHeader, 'id' | 'type'>;
  /** ISO time the delivery failed for good. */
  at: string;
  error?: string;
}

export interface DeliverySucceededSignal {
  at: string;
}

/**
 * When a failing webhook is disabled: after every delivery to it has failed for `afterMs` since the first
 * failure, and at least `minFailures` of them (`HOOKLINE_AUTO_DISABLE_AFTER_HOURS`,
 * `HOOKLINE_AUTO_DISABLE_MIN_FAILURES`).
 */
export interface AutoDisablePolicy {
  afterMs: number;
  minFailures: number;
}

export const DEFAULT_AUTO_DISABLE_POLICY: AutoDisablePolicy = { afterMs: 24 * 60 * 60 * 1000, minFailures: 10 };

export interface WebhookHealthInput {
  webhookId: string;
  workspaceId: string;
  policy: AutoDisablePolicy;
  /** Carried over by continue-as-new. */
  state?: WebhookHealthState;
}

export interface WebhookHealthState {
  /** Workflow time (ms) of the first failure heard of. */
  failingSinceMs: number;
  failures: number;
  lastError?: string;
}

export type WebhookHealthResult =
  { outcome: 'recovered'; failures: number } | { outcome: 'disabled'; failures: number; reason: string };

export interface HealthActivities {
  /** Disables the webhook with its reason and emits `webhook.disabled`. */
  disableFailingWebhook(input: DisableFailingWebhookInput): Promise<void>;
  /** Forgets that the webhook was failing. */
  clearFailing(input: { webhookId: string }): Promise<void>;
}

export interface DisableFailingWebhookInput {
  webhookId: string;
  workspaceId: string;
  reason: string;
  failingSince: string;
  failedDeliveries: number;
}
