import {
  ActivityFailure,
  ApplicationFailure,
  defineSignal,
  executeChild,
  getExternalWorkflowHandle,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import {
  ATTEMPT_RECORDS_PATCH,
  ATTEMPT_REPORTED_SIGNAL,
  BATCHED_FAN_OUT_PATCH,
  DELIVERY_FAILURE_TYPES,
  DELIVERY_OUTCOMES,
  RETRY_SCHEDULES,
  type AttemptRecord,
  DELIVERY_ATTEMPT_TIMEOUT,
  DELIVERY_RETRY_POLICY,
  INLINE_EVENT_BUDGET_BYTES,
  MAX_WEBHOOKS_PER_WORKFLOW,
  OUTCOME_BY_STATUS_PATCH,
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
import { PING_EVENT_TYPE, isOperationalEventType } from '../contract/event-types';
import { REDELIVERY_FINISHED_SIGNAL, recoveryWorkflowId, type RedeliveryFinishedSignal } from '../contract/recovery';

const { findEndpoints } = proxyLocalActivities<DeliveryActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

const { reportExhausted } = proxyActivities<DeliveryActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

const { postEvent } = proxyActivities<DeliveryActivities>({
  startToCloseTimeout: DELIVERY_ATTEMPT_TIMEOUT,
  retry: DELIVERY_RETRY_POLICY,
});

/** Each retried attempt's report; history keeps it, the handler only marks the workflow as retrying. */
export const attemptReportedSignal = defineSignal<[AttemptRecord]>(ATTEMPT_REPORTED_SIGNAL);

/**
 * Receives the attempt reports. The first one marks the workflow as `retrying` for search; the reports
 * themselves are read back from history, not kept here.
 */
function recordAttempts(): void {
  let retrying = false;
  setHandler(attemptReportedSignal, () => {
    if (retrying || !patched(ATTEMPT_RECORDS_PATCH)) return;
    retrying = true;
    upsertSearchAttributes([{ key: SEARCH_ATTRIBUTES.outcome, value: DELIVERY_OUTCOMES.retrying }]);
  });
}

/**
 * Whether a closing workflow records its outcome. One that delivered everywhere no longer does: closing
 * `Completed` says it (the second patch). Workflows from before the first recorded nothing.
 */
function recordsOutcome(anyFailed: boolean): boolean {
  if (!anyFailed && patched(OUTCOME_BY_STATUS_PATCH)) return false;
  return patched(ATTEMPT_RECORDS_PATCH);
}

/**
 * Closing work of a delivery or batch workflow: its outcome and failed webhooks for search, and the
 * report of deliveries that failed for good (health and `delivery.exhausted`).
 */
async function close(event: EventHeader, deliveries: DeliveryOutcome[], listsWebhooks: boolean): Promise<void> {
  const failed = deliveries.filter((d) => d.outcome === 'failed');
  if (!recordsOutcome(failed.length > 0)) return;
  upsertSearchAttributes([
    {
      key: SEARCH_ATTRIBUTES.outcome,
      value: failed.length > 0 ? DELIVERY_OUTCOMES.failed : DELIVERY_OUTCOMES.succeeded,
    },
    ...(listsWebhooks && failed.length > 0
      ? [
          { key: SEARCH_ATTRIBUTES.failedWebhookIds, value: failed.map((d) => d.webhookId) },
          {
            key: SEARCH_ATTRIBUTES.deliveredWebhookIds,
            value: deliveries.filter((d) => d.outcome === 'succeeded').map((d) => d.webhookId),
          },
        ]
      : []),
  ]);
  // An operational event's own failure never produces another, and a deleted or disabled webhook is
  // not failing; test events are the user's own probes.
  const exhausted = failed.filter((d) => d.errorType !== DELIVERY_FAILURE_TYPES.webhookUnavailable);
  if (exhausted.length > 0 && !isOperationalEventType(event.type) && event.type !== PING_EVENT_TYPE) {
    await reportExhausted({
      event: { id: event.id, type: event.type, workspaceId: event.workspaceId, timestamp: event.timestamp },
      workflowId: workflowInfo().workflowId,
      deliveries: exhausted.map(({ outcome: _outcome, ...delivery }) => delivery),
    });
  }
}

/** A redelivery started by a recovery tells it how it ended; a recovery already over needs no word. */
async function tellRecovery(input: DeliverEventInput, deliveries: DeliveryOutcome[]): Promise<void> {
  if (!input.recoveryId || !patched(ATTEMPT_RECORDS_PATCH)) return;
  const recovery = getExternalWorkflowHandle(recoveryWorkflowId(input.event.workspaceId, input.recoveryId));
  const finished: RedeliveryFinishedSignal = {
    workflowId: workflowInfo().workflowId,
    succeeded: deliveries.length > 0 && deliveries.every((d) => d.outcome === 'succeeded'),
  };
  try {
    await recovery.signal(REDELIVERY_FINISHED_SIGNAL, finished);
  } catch (err) {
    log.info('Recovery no longer listening', { recoveryId: input.recoveryId, error: String(err) });
  }
}

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
  recordAttempts();
  const { event } = input;
  const endpoints = input.endpoints ?? (await lookUpEndpoints(input));
  if (endpoints.length > MAX_WEBHOOKS_PER_WORKFLOW && patched(BATCHED_FAN_OUT_PATCH)) {
    const deliveries = await deliverInBatches(event, endpoints);
    // The batches list their failed webhooks and report them themselves.
    const failed = deliveries.some((d) => d.outcome === 'failed');
    if (recordsOutcome(failed)) {
      upsertSearchAttributes([
        { key: SEARCH_ATTRIBUTES.outcome, value: failed ? DELIVERY_OUTCOMES.failed : DELIVERY_OUTCOMES.succeeded },
      ]);
    }
    await tellRecovery(input, deliveries);
    return { eventId: event.id, deliveries };
  }
  const deliveries = await deliverEach(endpoints, eventSource(event, endpoints.length));
  await close(event, deliveries, true);
  await tellRecovery(input, deliveries);
  return { eventId: event.id, deliveries };
}

/** One batch of a large fan-out, started by {@link deliverEventWorkflow}. */
export async function deliverBatchWorkflow(input: DeliverBatchInput): Promise<DeliverBatchResult> {
  recordAttempts();
  const source = { eventWorkflowId: input.eventWorkflowId };
  const deliveries = await deliverEach(input.endpoints, source);
  await close(input.event, deliveries, true);
  return { deliveries };
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
          ...(patched(ATTEMPT_RECORDS_PATCH)
            ? [{ key: SEARCH_ATTRIBUTES.outcome, value: DELIVERY_OUTCOMES.pending }]
            : []),
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
  // Only a webhook that chose another schedule changes the activity's input and options, so the
  // commands of workflows from before schedules stay the same.
  const schedule = endpoint.retrySchedule && endpoint.retrySchedule !== 'standard' ? endpoint.retrySchedule : undefined;
  try {
    const input = { webhookId, ...source, ...(schedule ? { retrySchedule: schedule } : {}) } as PostEventInput;
    const options = {
      summary: postEventSummary(endpoint),
      ...(schedule ? { retry: RETRY_SCHEDULES[schedule] } : {}),
    };
    const result = await postEvent.executeWithOptions(options, [input]);
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
      attempts: attemptsOf(details, RETRY_SCHEDULES[schedule ?? 'standard'].maximumAttempts),
      statusCode: details?.statusCode,
      error: cause?.message ?? err.message,
      errorType: cause instanceof ApplicationFailure ? (cause.type ?? undefined) : cause?.name,
    };
  }
}
