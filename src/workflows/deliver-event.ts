import {
  ActivityFailure,
  ApplicationFailure,
  proxyActivities,
  proxyLocalActivities,
  upsertSearchAttributes,
  log,
} from '@temporalio/workflow';
import {
  DELIVERY_ATTEMPT_TIMEOUT,
  DELIVERY_RETRY_POLICY,
  SEARCH_ATTRIBUTES,
  attemptsOf,
  postEventSummary,
  type DeliverEventInput,
  type DeliveryActivities,
  type DeliverEventResult,
  type DeliveryOutcome,
  type Endpoint,
  type EventEnvelope,
  type PostFailureDetails,
} from '../contract/delivery';

const { findEndpoints } = proxyLocalActivities<DeliveryActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

const { postEvent } = proxyActivities<DeliveryActivities>({
  startToCloseTimeout: DELIVERY_ATTEMPT_TIMEOUT,
  retry: DELIVERY_RETRY_POLICY,
});

/**
 * Delivers one event to every webhook of its workspace that subscribes to its type, each endpoint on
 * its own retry schedule. One endpoint failing never fails the others nor the workflow.
 */
export async function deliverEventWorkflow(input: DeliverEventInput): Promise<DeliverEventResult> {
  const { event } = input;
  const endpoints = input.endpoints ?? (await lookUpEndpoints(input));
  const deliveries = await Promise.all(endpoints.map((endpoint) => deliverTo(endpoint, event)));
  return { eventId: event.id, deliveries };
}

/** For emitters that could not resolve the subscriptions themselves. */
async function lookUpEndpoints({ event, webhookId }: DeliverEventInput): Promise<Endpoint[]> {
  const endpoints = await findEndpoints({ workspaceId: event.workspaceId, eventType: event.type, webhookId });
  if (endpoints.length > 0) {
    upsertSearchAttributes([{ key: SEARCH_ATTRIBUTES.webhookIds, value: endpoints.map((e) => e.webhookId) }]);
  }
  return endpoints;
}

async function deliverTo(endpoint: Endpoint, event: EventEnvelope): Promise<DeliveryOutcome> {
  const { webhookId } = endpoint;
  try {
    const result = await postEvent.executeWithOptions({ summary: postEventSummary(endpoint) }, [{ webhookId, event }]);
    return { webhookId, outcome: 'succeeded', attempts: result.attempt, statusCode: result.statusCode };
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    const cause = err.cause;
    const details =
      cause instanceof ApplicationFailure ? (cause.details?.[0] as PostFailureDetails | undefined) : undefined;
    log.warn('Delivery failed', { webhookId, error: cause?.message });
    return {
      webhookId,
      outcome: 'failed',
      attempts: attemptsOf(details),
      statusCode: details?.statusCode,
      error: cause?.message ?? err.message,
      errorType: cause instanceof ApplicationFailure ? (cause.type ?? undefined) : cause?.name,
    };
  }
}
