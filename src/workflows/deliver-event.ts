import {
  ActivityFailure,
  ApplicationFailure,
  executeChild,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import {
  BATCHED_FAN_OUT_PATCH,
  DELIVERY_ATTEMPT_TIMEOUT,
  DELIVERY_RETRY_POLICY,
  INLINE_EVENT_BUDGET_BYTES,
  MAX_WEBHOOKS_PER_WORKFLOW,
  SEARCH_ATTRIBUTES,
  attemptsOf,
  batchWorkflowId,
  batchWorkflowSummary,
  postEventSummary,
  type DeliverBatchInput,
  type DeliverBatchResult,
  type DeliverEventInput,
  type DeliveryActivities,
  type DeliverEventResult,
  type DeliveryOutcome,
  type Endpoint,
  type EventEnvelope,
  type EventHeader,
  type PostEventInput,
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
 *
 * Up to {@link MAX_WEBHOOKS_PER_WORKFLOW} endpoints are delivered here. A larger fan-out goes to child
 * workflows of at most that many endpoints each, so that every history stays small and every webhook
 * is found by `HooklineWebhookIds` on the workflow that delivers to it; the event travels once, in this
 * workflow's input, and the attempts read it from there.
 */
export async function deliverEventWorkflow(input: DeliverEventInput): Promise<DeliverEventResult> {
  const { event } = input;
  const endpoints = input.endpoints ?? (await lookUpEndpoints(input));
  if (endpoints.length > MAX_WEBHOOKS_PER_WORKFLOW && patched(BATCHED_FAN_OUT_PATCH)) {
    return { eventId: event.id, deliveries: await deliverInBatches(event, endpoints) };
  }
  const deliveries = await deliverEach(endpoints, eventSource(event, endpoints.length));
  return { eventId: event.id, deliveries };
}

/** One batch of a large fan-out, started by {@link deliverEventWorkflow}. */
export async function deliverBatchWorkflow(input: DeliverBatchInput): Promise<DeliverBatchResult> {
  const source = { eventWorkflowId: input.eventWorkflowId };
  return { deliveries: await deliverEach(input.endpoints, source) };
}

/** For emitters that could not resolve the subscriptions themselves. */
async function lookUpEndpoints({ event, webhookId }: DeliverEventInput): Promise<Endpoint[]> {
  const endpoints = await findEndpoints({ workspaceId: event.workspaceId, eventType: event.type, webhookId });
  // A larger fan-out lists its webhooks on its batches instead: the list would not fit one value.
  // Workflows from before batches listed them all, which worked up to some 66 ids.
  const listHere = endpoints.length <= MAX_WEBHOOKS_PER_WORKFLOW || !patched(BATCHED_FAN_OUT_PATCH);
  if (endpoints.length > 0 && listHere) {
    upsertSearchAttributes([{ key: SEARCH_ATTRIBUTES.webhookIds, value: endpoints.map((e) => e.webhookId) }]);
  }
  return endpoints;
}

type EventSource = Omit<PostEventInput, 'webhookId'>;

/**
 * Where the attempts find the event: in their own input while the copies stay within the budget,
 * otherwise in this workflow's start input, read by the worker.
 */
function eventSource(event: EventEnvelope, copies: number): EventSource {
  // The length of the JSON text is a deterministic stand-in for its size in history.
  const inline = JSON.stringify(event).length * copies <= INLINE_EVENT_BUDGET_BYTES;
  if (inline || !patched(BATCHED_FAN_OUT_PATCH)) return { event };
  return { eventWorkflowId: workflowInfo().workflowId };
}

async function deliverInBatches(event: EventEnvelope, endpoints: Endpoint[]): Promise<DeliveryOutcome[]> {
  const { workflowId } = workflowInfo();
  const header: EventHeader = {
    id: event.id,
    type: event.type,
    workspaceId: event.workspaceId,
    timestamp: event.timestamp,
  };
  const batches: Endpoint[][] = [];
  for (let i = 0; i < endpoints.length; i += MAX_WEBHOOKS_PER_WORKFLOW) {
    batches.push(endpoints.slice(i, i + MAX_WEBHOOKS_PER_WORKFLOW));
  }
  const results = await Promise.all(
    batches.map((batch, index) =>
      executeChild(deliverBatchWorkflow, {
        workflowId: batchWorkflowId(workflowId, index),
        args: [{ event: header, eventWorkflowId: workflowId, endpoints: batch }],
        typedSearchAttributes: [
          { key: SEARCH_ATTRIBUTES.workspaceId, value: event.workspaceId },
          { key: SEARCH_ATTRIBUTES.eventId, value: event.id },
          { key: SEARCH_ATTRIBUTES.eventType, value: event.type },
          { key: SEARCH_ATTRIBUTES.webhookIds, value: batch.map((e) => e.webhookId) },
        ],
        staticSummary: batchWorkflowSummary(header, batch.length, index),
      }),
    ),
  );
  return results.flatMap((result) => result.deliveries);
}

function deliverEach(endpoints: Endpoint[], source: EventSource): Promise<DeliveryOutcome[]> {
  return Promise.all(endpoints.map((endpoint) => deliverTo(endpoint, source)));
}

async function deliverTo(endpoint: Endpoint, source: EventSource): Promise<DeliveryOutcome> {
  const { webhookId } = endpoint;
  try {
    const input = { webhookId, ...source } as PostEventInput;
    const result = await postEvent.executeWithOptions({ summary: postEventSummary(endpoint) }, [input]);
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
