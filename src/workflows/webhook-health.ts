import {
  condition,
  continueAsNew,
  defineSignal,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import {
  DELIVERY_EXHAUSTED_SIGNAL,
  DELIVERY_SUCCEEDED_SIGNAL,
  type DeliveryExhaustedSignal,
  type DeliverySucceededSignal,
  type HealthActivities,
  type WebhookHealthInput,
  type WebhookHealthResult,
  type WebhookHealthState,
} from '../contract/health';

const { disableFailingWebhook, clearFailing } = proxyActivities<HealthActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

export const deliveryExhaustedSignal = defineSignal<[DeliveryExhaustedSignal]>(DELIVERY_EXHAUSTED_SIGNAL);
export const deliverySucceededSignal = defineSignal<[DeliverySucceededSignal]>(DELIVERY_SUCCEEDED_SIGNAL);

/** Failures heard by one run before it continues as new, keeping its history short. */
const FAILURES_PER_RUN = 500;

/**
 * Watches one failing webhook. Started by its first delivery that fails for good, it counts those that
 * follow; the first attempt that succeeds ends it, and when every delivery has failed for the policy's
 * time and at least its number of them, it disables the webhook (with the reason, and a
 * `webhook.disabled` event to those who subscribe) and ends. Durable timers, not a scan: nothing runs
 * for a healthy webhook.
 */
export async function webhookHealthWorkflow(input: WebhookHealthInput): Promise<WebhookHealthResult> {
  const { webhookId, workspaceId, policy } = input;
  let state: WebhookHealthState | undefined = input.state;
  let heardThisRun = 0;
  let recovered = false;

  setHandler(deliveryExhaustedSignal, (signal) => {
    state = state
      ? { ...state, failures: state.failures + 1, lastError: signal.error ?? state.lastError }
      : { failingSinceMs: new Date().getTime(), failures: 1, lastError: signal.error };
    heardThisRun += 1;
  });
  setHandler(deliverySucceededSignal, () => {
    recovered = true;
  });

  for (;;) {
    // Started by signal-with-start, the first failure is already handled here.
    const current = state;
    if (recovered) {
      await clearFailing({ webhookId });
      return { outcome: 'recovered', failures: current?.failures ?? 0 };
    }
    if (
      current &&
      current.failures >= policy.minFailures &&
      new Date().getTime() - current.failingSinceMs >= policy.afterMs
    ) {
      const hours = Math.round((new Date().getTime() - current.failingSinceMs) / 3_600_000);
      const reason =
        `Every delivery failed for ${hours} h (${current.failures} deliveries)` +
        (current.lastError ? `; last error: ${current.lastError}` : '');
      await disableFailingWebhook({
        webhookId,
        workspaceId,
        reason,
        failingSince: new Date(current.failingSinceMs).toISOString(),
        failedDeliveries: current.failures,
      });
      return { outcome: 'disabled', failures: current.failures, reason };
    }
    if (heardThisRun >= FAILURES_PER_RUN || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof webhookHealthWorkflow>({ ...input, state: current });
    }
    const failures = current?.failures ?? 0;
    const dueIn = current ? current.failingSinceMs + policy.afterMs - new Date().getTime() : undefined;
    // Past the period with too few failures, it wakes once a period anyway: a timer of its own, so
    // that nothing but its signals and its timers ever decides.
    await condition(
      () => recovered || (state?.failures ?? 0) !== failures,
      dueIn !== undefined && dueIn > 0 ? dueIn : policy.afterMs,
    );
  }
}
