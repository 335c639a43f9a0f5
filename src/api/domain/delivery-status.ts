import type { WorkflowExecutionDescription, WorkflowExecutionStatusName, WorkflowHandle } from '@temporalio/client';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal as proto } from '@temporalio/proto';
import {
  ATTEMPT_REPORTED_SIGNAL,
  DELIVER_BATCH_WORKFLOW,
  DELIVERY_RETRY_POLICY,
  POST_EVENT_ACTIVITY,
  deliveryTriggerOf,
  deliveryWorkflowOf,
  parseRedeliveryId,
  type AttemptRecord,
  type DeliverBatchInput,
  type DeliveryTrigger,
  type EventHeader,
  type EventEnvelope,
  type PostEventInput,
  type PostEventResult,
  type PostFailureDetails,
} from '../../contract/delivery';
import { startInputOf } from '../../emit/start-input';
import {
  decodeFailureWithCodecs,
  decodePayload,
  decodeWithCodecs,
  isWorkflowNotFound,
  msToNumber,
  optionalTsToDate,
  optionalTsToMs,
} from '../../shared/temporal-sdk';
import { UNREPORTED_ATTEMPT, type AttemptView, type EventDeliveryStatus, type WebhookDelivery } from '../schemas';
import { callTemporal, type TemporalDeps } from './temporal';

type History = Awaited<ReturnType<WorkflowHandle['fetchHistory']>>;
type PendingActivity = NonNullable<WorkflowExecutionDescription['raw']['pendingActivities']>[number];
type ProtoFailure = NonNullable<PendingActivity['lastFailure']>;

const { PENDING_ACTIVITY_STATE_STARTED } = proto.api.enums.v1.PendingActivityState;

/** One delivery workflow: the event, where it stands and each endpoint's delivery. */
export interface DeliveryExecution {
  workflowId: string;
  event: EventEnvelope;
  /** The webhook this execution was restricted to, for test events and single-endpoint redeliveries. */
  webhookId: string | null;
  redeliveryOf: string | null;
  trigger: DeliveryTrigger;
  status: EventDeliveryStatus;
  startedAt: string;
  closedAt: string | null;
  deliveries: WebhookDelivery[];
  /** The batch workflows of a large fan-out; their deliveries are among `deliveries`. */
  batches: Batch[];
}

/** A batch of a large fan-out: its workflow and the webhooks it was given. */
export interface Batch {
  workflowId: string;
  webhookIds: string[];
}

/** Batches read at once; each is two small calls to Temporal. */
const READ_CONCURRENCY = 8;

/**
 * Reads one delivery workflow from Temporal: the start input and scheduled activities from history, the
 * attempts still under way from the description, and for a large fan-out the same from each batch.
 * Undefined when the workflow does not exist.
 */
export async function readDeliveryExecution(
  temporal: TemporalDeps,
  workflowId: string,
): Promise<DeliveryExecution | undefined> {
  return callTemporal(temporal, async () => {
    const read = await readWorkflow(temporal, workflowId);
    if (!read) return undefined;
    const execution = deriveDeliveryExecution(workflowId, read.description, read.history);
    if (execution.batches.length === 0) return execution;
    const batches = await mapConcurrently(execution.batches, READ_CONCURRENCY, (batch) =>
      readBatchDeliveries(temporal, batch, execution.trigger),
    );
    return { ...execution, deliveries: [...execution.deliveries, ...batches.flat()] };
  });
}

/** One batch workflow as the deliveries list sees it: the event it delivers and its endpoints' deliveries. */
export interface BatchExecution {
  event: EventHeader;
  startedAt: string;
  deliveries: WebhookDelivery[];
}

/** Reads one batch workflow of a large fan-out, or undefined when it does not exist. */
export async function readBatchExecution(
  temporal: TemporalDeps,
  workflowId: string,
): Promise<BatchExecution | undefined> {
  return callTemporal(temporal, async () => {
    const read = await readWorkflow(temporal, workflowId);
    const input = decodePayload<DeliverBatchInput>(
      read?.history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0],
    );
    if (!read || !input) return undefined;
    const trigger: DeliveryTrigger = parseRedeliveryId(deliveryWorkflowOf(workflowId)) ? 'redelivery' : 'scheduled';
    return {
      event: input.event,
      startedAt: read.description.startTime.toISOString(),
      deliveries: withPending(deriveAttemptDeliveries(read.description, read.history, trigger), input.endpoints),
    };
  });
}

async function readBatchDeliveries(
  temporal: TemporalDeps,
  batch: Batch,
  trigger: DeliveryTrigger,
): Promise<WebhookDelivery[]> {
  const read = await readWorkflow(temporal, batch.workflowId);
  const attempted = read ? deriveAttemptDeliveries(read.description, read.history, trigger) : [];
  return withPending(
    attempted,
    batch.webhookIds.map((webhookId) => ({ webhookId })),
  );
}

/** Endpoints whose first attempt is not even scheduled yet are pending. */
function withPending(attempted: WebhookDelivery[], endpoints: readonly { webhookId: string }[]): WebhookDelivery[] {
  const seen = new Set(attempted.map((d) => d.webhookId));
  const waiting = endpoints
    .filter((e) => !seen.has(e.webhookId))
    .map((e) => ({ ...pendingDelivery(e.webhookId, undefined), attemptLog: [] }));
  return [...attempted, ...waiting];
}

/** A workflow's description and history, decrypted; undefined when it does not exist. */
async function readWorkflow(
  temporal: TemporalDeps,
  workflowId: string,
): Promise<{ description: WorkflowExecutionDescription; history: History } | undefined> {
  const handle = temporal.client.workflow.getHandle(workflowId);
  try {
    const [description, history] = await Promise.all([handle.describe(), handle.fetchHistory()]);
    await decodePayloadsIn(temporal.client.options.loadedDataConverter.payloadCodecs, description, history);
    return { description, history };
  } catch (err) {
    if (isWorkflowNotFound(err)) return undefined;
    throw err;
  }
}

/** Runs `fn` over `items` with at most `concurrency` calls under way, keeping the order. */
export async function mapConcurrently<T, R>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  });
  await Promise.all(lanes);
  return results;
}

type Payloads = { payloads?: Payload[] | null } | null | undefined;

/**
 * Decrypts, in place, the payloads the read model looks at (the start input, each POST's input and
 * result, failures' details), so that the derivation below stays pure and codec-free.
 */
async function decodePayloadsIn(
  codecs: readonly PayloadCodec[],
  description: WorkflowExecutionDescription,
  history: History,
): Promise<void> {
  if (codecs.length === 0) return;
  const decodeAll = async (holder: Payloads) => {
    if (holder?.payloads?.length) holder.payloads = await decodeWithCodecs([...codecs], holder.payloads);
  };
  const decodeFailure = async <F extends ProtoFailure>(failure: F | null | undefined): Promise<F | undefined> =>
    failure ? ((await decodeFailureWithCodecs([...codecs], failure)) as F) : undefined;
  await Promise.all(
    (history.events ?? []).map(async (event) => {
      await decodeAll(event.workflowExecutionStartedEventAttributes?.input);
      await decodeAll(event.startChildWorkflowExecutionInitiatedEventAttributes?.input);
      await decodeAll(event.activityTaskScheduledEventAttributes?.input);
      await decodeAll(event.activityTaskCompletedEventAttributes?.result);
      await decodeAll(event.workflowExecutionSignaledEventAttributes?.input);
      for (const attrs of [event.activityTaskFailedEventAttributes, event.activityTaskTimedOutEventAttributes]) {
        if (attrs?.failure) attrs.failure = await decodeFailure(attrs.failure);
      }
    }),
  );
  await Promise.all(
    (description.raw.pendingActivities ?? []).map(async (pending) => {
      if (pending.lastFailure) pending.lastFailure = await decodeFailure(pending.lastFailure);
    }),
  );
}

/** Pure: turns a description and a history into a {@link DeliveryExecution}. */
export function deriveDeliveryExecution(
  workflowId: string,
  description: WorkflowExecutionDescription,
  history: History,
): DeliveryExecution {
  const events = history.events ?? [];
  const input = startInputOf(events[0]);
  if (!input) throw new Error(`Workflow ${workflowId} has no delivery input in its history`);
  const trigger = deliveryTriggerOf(input);
  return {
    workflowId,
    event: input.event,
    webhookId: input.webhookId ?? null,
    redeliveryOf: input.redeliveryOf ?? null,
    trigger,
    status: eventStatusOf(description.status.name),
    startedAt: description.startTime.toISOString(),
    closedAt: description.closeTime?.toISOString() ?? null,
    deliveries: deriveAttemptDeliveries(description, history, trigger),
    batches: batchesOf(history),
  };
}

/** The batches a large fan-out started, each with the endpoints it was given. */
function batchesOf(history: History): Batch[] {
  return (history.events ?? []).flatMap((event) => {
    const attrs = event.startChildWorkflowExecutionInitiatedEventAttributes;
    if (!attrs?.workflowId || attrs.workflowType?.name !== DELIVER_BATCH_WORKFLOW) return [];
    const input = decodePayload<DeliverBatchInput>(attrs.input?.payloads?.[0]);
    return [{ workflowId: attrs.workflowId, webhookIds: input?.endpoints.map((e) => e.webhookId) ?? [] }];
  });
}

/**
 * Pure: each endpoint's delivery by the POST activities a workflow (delivery or batch) scheduled, with
 * every attempt: retried ones from their signals, the last from the activity's result or failure, and
 * the one before a pending attempt from its last failure. An attempt with no record at all ended
 * without reporting (its worker stopped, or it timed out) and is listed as such.
 */
export function deriveAttemptDeliveries(
  description: WorkflowExecutionDescription,
  history: History,
  trigger: DeliveryTrigger = 'scheduled',
): WebhookDelivery[] {
  const events = history.events ?? [];
  const scheduled = new Map<string, { webhookId: string; activityId: string; maxAttempts: number }>();
  const closed = new Map<string, Omit<WebhookDelivery, 'attemptLog'>>();
  const logs = new Map<string, Map<number, AttemptView>>();
  const record = (webhookId: string, view: AttemptView) => {
    let log = logs.get(webhookId);
    if (!log) logs.set(webhookId, (log = new Map()));
    if (!log.has(view.attempt)) log.set(view.attempt, view);
  };
  for (const event of events) {
    const eventTime = optionalTsToDate(event.eventTime)?.toISOString() ?? null;
    const signaled = event.workflowExecutionSignaledEventAttributes;
    if (signaled?.signalName === ATTEMPT_REPORTED_SIGNAL) {
      const report = decodePayload<AttemptRecord>(signaled.input?.payloads?.[0]);
      if (report) record(report.webhookId, attemptView(report, trigger));
      continue;
    }
    const attrs = event.activityTaskScheduledEventAttributes;
    if (attrs && attrs.activityType?.name === POST_EVENT_ACTIVITY) {
      const postInput = decodePayload<PostEventInput>(attrs.input?.payloads?.[0]);
      if (postInput)
        scheduled.set(String(event.eventId), {
          webhookId: postInput.webhookId,
          activityId: attrs.activityId ?? '',
          maxAttempts: attrs.retryPolicy?.maximumAttempts || DELIVERY_RETRY_POLICY.maximumAttempts,
        });
      continue;
    }
    const completed = event.activityTaskCompletedEventAttributes;
    const failed =
      event.activityTaskFailedEventAttributes ??
      event.activityTaskTimedOutEventAttributes ??
      event.activityTaskCanceledEventAttributes;
    const scheduledEventId = String((completed ?? failed)?.scheduledEventId ?? '');
    const target = scheduled.get(scheduledEventId);
    if (!target) continue;
    if (completed) {
      const result = decodePayload<PostEventResult>(completed.result?.payloads?.[0]);
      const attempts = result?.attempt ?? 1;
      closed.set(target.webhookId, {
        webhookId: target.webhookId,
        status: 'succeeded',
        attempts,
        lastStatusCode: result?.statusCode ?? null,
        lastError: null,
        nextAttemptAt: null,
        completedAt: eventTime,
      });
      record(target.webhookId, {
        attempt: attempts,
        trigger,
        outcome: 'succeeded',
        startedAt: result?.startedAt ?? null,
        durationMs: result?.durationMs ?? null,
        statusCode: result?.statusCode ?? null,
        failureType: null,
        error: null,
        responseExcerpt: result?.responseExcerpt ?? null,
        retryAfterMs: null,
      });
    } else if (failed) {
      const failure = 'failure' in failed ? failed.failure : undefined;
      const details = failureDetails(failure);
      const attempts = details?.attempt ?? target.maxAttempts;
      const error = failureMessage(failure) ?? 'Delivery was cancelled';
      closed.set(target.webhookId, {
        webhookId: target.webhookId,
        status: 'failed',
        attempts,
        lastStatusCode: details?.statusCode ?? null,
        lastError: error,
        nextAttemptAt: null,
        completedAt: eventTime,
      });
      record(target.webhookId, failedAttemptView(attempts, trigger, failure, details, error));
    }
  }

  const pendingById = new Map((description.raw.pendingActivities ?? []).map((p) => [p.activityId ?? '', p]));
  return [...scheduled.values()].map(({ webhookId, activityId }): WebhookDelivery => {
    let delivery = closed.get(webhookId);
    if (!delivery) {
      const pending = pendingById.get(activityId);
      delivery = pendingDelivery(webhookId, pending);
      const lastFailure = pending?.lastFailure ?? undefined;
      if (lastFailure && delivery.attempts > 0) {
        const details = failureDetails(lastFailure);
        record(
          webhookId,
          failedAttemptView(details?.attempt ?? delivery.attempts, trigger, lastFailure, details, delivery.lastError),
        );
      }
    }
    return { ...delivery, attemptLog: attemptLogOf(logs.get(webhookId), delivery.attempts, trigger) };
  });
}

/** Attempts 1 to `ended` in order, those without a record listed as unreported. */
function attemptLogOf(
  log: Map<number, AttemptView> | undefined,
  ended: number,
  trigger: DeliveryTrigger,
): AttemptView[] {
  const views: AttemptView[] = [];
  for (let attempt = 1; attempt <= ended; attempt++) {
    views.push(
      log?.get(attempt) ?? {
        attempt,
        trigger,
        outcome: 'failed',
        startedAt: null,
        durationMs: null,
        statusCode: null,
        failureType: UNREPORTED_ATTEMPT,
        error: 'The attempt ended without a report: its worker stopped or it ran out of time.',
        responseExcerpt: null,
        retryAfterMs: null,
      },
    );
  }
  return views;
}

function attemptView(report: AttemptRecord, trigger: DeliveryTrigger): AttemptView {
  return {
    attempt: report.attempt,
    trigger,
    outcome: report.outcome,
    startedAt: report.startedAt,
    durationMs: report.durationMs,
    statusCode: report.statusCode ?? null,
    failureType: report.failureType ?? null,
    error: report.error ?? null,
    responseExcerpt: report.responseExcerpt ?? null,
    retryAfterMs: report.retryAfterMs ?? null,
  };
}

function failedAttemptView(
  attempt: number,
  trigger: DeliveryTrigger,
  failure: ProtoFailure | null | undefined,
  details: PostFailureDetails | undefined,
  error: string | null,
): AttemptView {
  const type = failure?.applicationFailureInfo?.type ?? (failure?.timeoutFailureInfo ? UNREPORTED_ATTEMPT : null);
  return {
    attempt,
    trigger,
    outcome: 'failed',
    startedAt: details?.startedAt ?? null,
    durationMs: details?.durationMs ?? null,
    statusCode: details?.statusCode ?? null,
    failureType: type || null,
    error,
    responseExcerpt: details?.responseExcerpt ?? null,
    retryAfterMs: details?.retryAfterMs ?? null,
  };
}

function pendingDelivery(webhookId: string, pending: PendingActivity | undefined): Omit<WebhookDelivery, 'attemptLog'> {
  const attempt = pending?.attempt ?? 1;
  const lastFailure = pending?.lastFailure ?? undefined;
  const retrying = attempt > 1 || lastFailure !== undefined;
  return {
    webhookId,
    status: retrying ? 'retrying' : 'pending',
    attempts: Math.max(0, attempt - 1),
    lastStatusCode: failureDetails(lastFailure)?.statusCode ?? null,
    lastError: failureMessage(lastFailure) ?? null,
    nextAttemptAt: retrying && pending ? (nextAttemptAt(pending)?.toISOString() ?? null) : null,
    completedAt: null,
  };
}

/**
 * When the next attempt is due. The server reports it, except the time-skipping test server; then it
 * follows from when the last attempt ended and the retry policy, as long as no attempt is running.
 */
function nextAttemptAt(pending: PendingActivity): Date | undefined {
  const reported = optionalTsToDate(pending.nextAttemptScheduleTime);
  if (reported) return reported;
  const lastEnded = optionalTsToMs(pending.lastAttemptCompleteTime);
  const lastStarted = optionalTsToMs(pending.lastStartedTime);
  const running =
    pending.state === PENDING_ACTIVITY_STATE_STARTED && (lastEnded === undefined || (lastStarted ?? 0) > lastEnded);
  if (running || lastEnded === undefined) return undefined;
  const attempt = pending.attempt ?? 2;
  const { initialInterval, backoffCoefficient } = DELIVERY_RETRY_POLICY;
  return new Date(lastEnded + msToNumber(initialInterval) * backoffCoefficient ** Math.max(0, attempt - 2));
}

function failureDetails(failure: ProtoFailure | null | undefined): PostFailureDetails | undefined {
  return decodePayload<PostFailureDetails>(failure?.applicationFailureInfo?.details?.payloads?.[0]);
}

/** The message of the failure that says what happened: an activity timeout's own message is generic. */
function failureMessage(failure: ProtoFailure | null | undefined): string | undefined {
  if (!failure) return undefined;
  if (failure.timeoutFailureInfo && failure.cause?.message) return `${failure.message}: ${failure.cause.message}`;
  return failure.message ?? undefined;
}

function eventStatusOf(status: WorkflowExecutionStatusName): EventDeliveryStatus {
  switch (status) {
    case 'RUNNING':
    case 'PAUSED':
      return 'delivering';
    case 'COMPLETED':
      return 'completed';
    default:
      return 'terminated';
  }
}
