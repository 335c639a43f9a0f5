/**
 * The Temporal contract shared by the API, the worker, the emit library and the workflows: task queue,
 * workflow and activity names, ids, search attributes, retry policy and failure types. Workflow code
 * imports this module, so it stays free of I/O, Node built-ins and zod, and imports nothing of Hookline
 * but the contract's own type-only shapes.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { RetryPolicy } from '@temporalio/common';
import type { DeliverEventInput, Endpoint, EventEnvelope } from './envelope';

export type { DeliverEventInput, Endpoint, EventEnvelope };

export const DEFAULT_TASK_QUEUE = 'hookline-deliveries';

export const DELIVER_EVENT_WORKFLOW = 'deliverEventWorkflow';

/** The child that delivers one batch of a large fan-out; its history and search attributes stay small. */
export const DELIVER_BATCH_WORKFLOW = 'deliverBatchWorkflow';

/**
 * The most webhook ids one workflow lists in `HooklineWebhookIds`. A keyword list value must stay under
 * Temporal's 2 KiB search attribute limit; generated ids take about 31 bytes each there, so 50 fit with
 * room to spare. An event to more endpoints is delivered by child workflows of at most this many each.
 */
export const MAX_WEBHOOKS_PER_WORKFLOW = 50;

/**
 * Up to this many bytes of event bodies (the body times its endpoints) travel in the POST activities'
 * inputs; beyond it they carry only a reference, and the worker reads the event once from the workflow
 * that holds it, so a 256 KiB event to a thousand endpoints stays far below Temporal's 10 MiB history
 * warning.
 */
export const INLINE_EVENT_BUDGET_BYTES = 1024 * 1024;

/** Marks workflows that deliver large fan-outs in batches and may reference the event (see `patched`). */
export const BATCHED_FAN_OUT_PATCH = 'batched-fan-out-v1';

/**
 * Marks workflows that record each retried attempt (the {@link ATTEMPT_REPORTED_SIGNAL}), set their
 * outcome for search when they close, and report exhausted deliveries (see `patched`).
 */
export const ATTEMPT_RECORDS_PATCH = 'attempt-records-v1';

/**
 * Marks workflows that, having delivered to every endpoint, close without upserting `succeeded`: an
 * execution that completed without `HooklineOutcome = failed` succeeded. The happy path then pays no
 * upsert (one Temporal action and one visibility write per delivery). See `patched`.
 */
export const OUTCOME_BY_STATUS_PATCH = 'outcome-by-status-v1';

/**
 * Sent by a failed attempt that will be retried to the workflow that runs it, so that history holds
 * every attempt: Temporal keeps only the last failure of an activity it retries. The first attempt that
 * succeeds and the last that fails need no signal: their result and failure are in history.
 */
export const ATTEMPT_REPORTED_SIGNAL = 'attemptReported';

/**
 * The activities the delivery workflow calls, as it sees them; `createActivities` implements them.
 * Renaming one is a versioning change.
 */
export interface DeliveryActivities {
  /** Runs as a local activity, for workflows started without their endpoints. */
  findEndpoints(input: FindEndpointsInput): Promise<Endpoint[]>;
  /** One signed POST of the event to one webhook; Temporal retries it. */
  postEvent(input: PostEventInput): Promise<PostEventResult>;
  /**
   * Runs when deliveries of a service event failed for good: tells each webhook's health workflow, and
   * emits `delivery.exhausted` to the webhooks that subscribe to it.
   */
  reportExhausted(input: ReportExhaustedInput): Promise<void>;
}

/** Activity type of the one-attempt POST; the API reads attempts by it. */
export const POST_EVENT_ACTIVITY = 'postEvent' satisfies keyof DeliveryActivities;

/** Deliveries are retried after 1 and then 2 more minutes, 3 attempts in all. */
export const DELIVERY_RETRY_POLICY = {
  initialInterval: '1 minute',
  backoffCoefficient: 2,
  maximumAttempts: 3,
} as const satisfies RetryPolicy;

/**
 * The retry schedules a webhook may choose. `standard` is the one above and the default; `extended`
 * keeps trying for about a day (1 minute, doubling, at most 6 hours apart: 13 attempts over 26.5 hours),
 * for receivers that may be down longer than a few minutes.
 */
export const RETRY_SCHEDULES = {
  standard: DELIVERY_RETRY_POLICY,
  extended: {
    initialInterval: '1 minute',
    backoffCoefficient: 2,
    maximumInterval: '6 hours',
    maximumAttempts: 13,
  },
} as const satisfies Record<string, RetryPolicy>;

export type RetryScheduleName = keyof typeof RETRY_SCHEDULES;

/** A receiver must answer within this many milliseconds. */
export const DELIVERY_REQUEST_TIMEOUT_MS = 5_000;

/** Covers the request timeout plus loading the webhook and signing; a worker that dies mid-attempt is retried. */
export const DELIVERY_ATTEMPT_TIMEOUT = '15 seconds';

export const SEARCH_ATTRIBUTES = {
  workspaceId: defineSearchAttributeKey('HooklineWorkspaceId', SearchAttributeType.KEYWORD),
  eventId: defineSearchAttributeKey('HooklineEventId', SearchAttributeType.KEYWORD),
  eventType: defineSearchAttributeKey('HooklineEventType', SearchAttributeType.KEYWORD),
  webhookIds: defineSearchAttributeKey('HooklineWebhookIds', SearchAttributeType.KEYWORD_LIST),
  /** {@link DeliveryTrigger}, set at start. */
  trigger: defineSearchAttributeKey('HooklineTrigger', SearchAttributeType.KEYWORD),
  /**
   * {@link DeliveryOutcomeName}: `pending` from the start, `retrying` from the first retried attempt,
   * `failed` at close when any delivery failed. A delivery that succeeded everywhere keeps its last value
   * and reads as succeeded by closing `Completed` (see {@link OUTCOME_BY_STATUS_PATCH}); workflows from
   * before that patch upserted `succeeded`.
   */
  outcome: defineSearchAttributeKey('HooklineOutcome', SearchAttributeType.KEYWORD),
  /** At close, the webhooks of `HooklineWebhookIds` whose delivery failed: the dead letters. */
  failedWebhookIds: defineSearchAttributeKey('HooklineFailedWebhookIds', SearchAttributeType.KEYWORD_LIST),
  /** At close, when some deliveries failed, the webhooks that were delivered to. */
  deliveredWebhookIds: defineSearchAttributeKey('HooklineDeliveredWebhookIds', SearchAttributeType.KEYWORD_LIST),
} as const;

/** What started a delivery workflow. */
export const DELIVERY_TRIGGERS = ['scheduled', 'redelivery', 'recovery', 'test'] as const;
export type DeliveryTrigger = (typeof DELIVERY_TRIGGERS)[number];

/** What started a delivery, from its input (see `DeliverEventInput.trigger`). */
export function deliveryTriggerOf(
  input: Pick<DeliverEventInput, 'trigger' | 'recoveryId' | 'redeliveryOf' | 'webhookId'>,
): DeliveryTrigger {
  if (input.trigger) return input.trigger;
  if (input.recoveryId) return 'recovery';
  if (input.redeliveryOf) return 'redelivery';
  // A first delivery restricted to one webhook is a test event.
  return input.webhookId ? 'test' : 'scheduled';
}

/** A delivery workflow's outcome as search sees it (workflows from before outcomes have none). */
export const DELIVERY_OUTCOMES = {
  pending: 'pending',
  retrying: 'retrying',
  succeeded: 'succeeded',
  failed: 'failed',
} as const;
export type DeliveryOutcomeName = (typeof DELIVERY_OUTCOMES)[keyof typeof DELIVERY_OUTCOMES];

export const ALL_SEARCH_ATTRIBUTES = Object.values(SEARCH_ATTRIBUTES);

/** Input of the `findEndpoints` local activity, and what an emit-time endpoint resolver is asked. */
export interface FindEndpointsInput {
  workspaceId: string;
  eventType: string;
  /** Restrict to this webhook, whatever it subscribes to. */
  webhookId?: string;
}

/**
 * One attempt's input: the event itself when it is small enough, otherwise the id of the workflow whose
 * start input holds it (see {@link INLINE_EVENT_BUDGET_BYTES}).
 */
export type PostEventInput = {
  webhookId: string;
  /** Set when the webhook chose a schedule other than the standard one; the attempt needs it for `Retry-After`. */
  retrySchedule?: RetryScheduleName;
} & ({ event: EventEnvelope; eventWorkflowId?: undefined } | { event?: undefined; eventWorkflowId: string });

/** The event without its data: what a batch workflow and its search attributes need to know of it. */
export type EventHeader = Omit<EventEnvelope, 'data'>;

/** Input of {@link DELIVER_BATCH_WORKFLOW}. */
export interface DeliverBatchInput {
  event: EventHeader;
  /** The delivery workflow whose start input holds the whole event. */
  eventWorkflowId: string;
  endpoints: Endpoint[];
}

/** What one successful attempt reports. */
export interface PostEventResult {
  statusCode: number;
  attempt: number;
  durationMs: number;
  /** ISO time the attempt started; absent in results from before attempts were recorded. */
  startedAt?: string;
  /** The start of the receiver's answer, at most {@link MAX_RECORDED_EXCERPT} characters. */
  responseExcerpt?: string;
}

/** Carried as the first detail of every delivery `ApplicationFailure`. */
export interface PostFailureDetails {
  attempt: number;
  statusCode?: number;
  startedAt?: string;
  durationMs?: number;
  responseExcerpt?: string;
  /** How long the receiver asked to wait (`Retry-After`), as honoured: capped at {@link MAX_RETRY_AFTER_MS}. */
  retryAfterMs?: number;
}

/** Characters of a receiver's answer kept with each attempt. */
export const MAX_RECORDED_EXCERPT = 1024;

/**
 * The longest wait a receiver's `Retry-After` (on a 429 or 503) can impose before the next attempt. The
 * wait never shortens the schedule, and it spends no extra attempt.
 */
export const MAX_RETRY_AFTER_MS = 60 * 60 * 1000;

/** One attempt as history records it: by its signal, its result or its failure. */
export interface AttemptRecord {
  webhookId: string;
  attempt: number;
  startedAt: string;
  durationMs: number;
  outcome: 'succeeded' | 'failed';
  statusCode?: number;
  failureType?: string;
  error?: string;
  responseExcerpt?: string;
  retryAfterMs?: number;
}

/** One delivery that failed for good, as {@link DeliveryActivities.reportExhausted} hears of it. */
export type ExhaustedDelivery = Omit<DeliveryOutcome, 'outcome'>;

export interface ReportExhaustedInput {
  event: EventHeader;
  /** The workflow whose deliveries failed; makes the operational events' ids unique and repeatable. */
  workflowId: string;
  deliveries: ExhaustedDelivery[];
}

/**
 * The attempts a failed delivery made. Without details the last attempt died before it could report
 * (a worker crash or an attempt timeout), which only ends the delivery once its schedule gave up.
 */
export function attemptsOf(
  details: PostFailureDetails | undefined,
  maximumAttempts: number = DELIVERY_RETRY_POLICY.maximumAttempts,
): number {
  return details?.attempt ?? maximumAttempts;
}

export const DELIVERY_FAILURE_TYPES = {
  /** The receiver answered outside 2xx (410 excepted). Retryable. */
  httpStatus: 'HttpStatus',
  /** The receiver did not answer within the request timeout. Retryable. */
  timeout: 'Timeout',
  /** The connection could not be made or broke. Retryable. */
  connection: 'ConnectionError',
  /** The receiver answered 410 Gone: the webhook is disabled. Not retried. */
  endpointGone: 'EndpointGone',
  /** The URL points at a network that is not public and not allowed (HOOKLINE_ALLOWED_NETWORKS). Not retried. */
  destinationBlocked: 'DestinationBlocked',
  /** The webhook was deleted or disabled while the delivery was under way. Not retried. */
  webhookUnavailable: 'WebhookUnavailable',
} as const;

export type DeliveryFailureType = (typeof DELIVERY_FAILURE_TYPES)[keyof typeof DELIVERY_FAILURE_TYPES];

export interface DeliveryOutcome {
  webhookId: string;
  outcome: 'succeeded' | 'failed';
  attempts: number;
  statusCode?: number;
  error?: string;
  errorType?: string;
}

export interface DeliverEventResult {
  eventId: string;
  deliveries: DeliveryOutcome[];
}

export interface DeliverBatchResult {
  deliveries: DeliveryOutcome[];
}

/**
 * One delivery workflow per workspace and event: starting it twice is refused by Temporal, which is
 * what makes a repeated emit harmless.
 */
export function deliveryWorkflowId(workspaceId: string, eventId: string): string {
  return `event:${workspaceId}:${eventId}`;
}

const REDELIVERY_MARKER = ':redelivery:';

export function redeliveryWorkflowId(workspaceId: string, eventId: string, redeliveryId: string): string {
  return `${deliveryWorkflowId(workspaceId, eventId)}${REDELIVERY_MARKER}${redeliveryId}`;
}

/** The redelivery id in a workflow id built by {@link redeliveryWorkflowId}; null for a first delivery. */
export function parseRedeliveryId(workflowId: string): string | null {
  const at = workflowId.lastIndexOf(REDELIVERY_MARKER);
  return at < 0 ? null : workflowId.slice(at + REDELIVERY_MARKER.length);
}

const BATCH_MARKER = ':batch:';

/** The child delivering the `index`-th batch of a delivery workflow's endpoints. */
export function batchWorkflowId(deliveryWorkflowId: string, index: number): string {
  return `${deliveryWorkflowId}${BATCH_MARKER}${index}`;
}

/** The delivery workflow a batch belongs to; the id itself for a delivery workflow. */
export function deliveryWorkflowOf(workflowId: string): string {
  const at = workflowId.lastIndexOf(BATCH_MARKER);
  return at < 0 ? workflowId : workflowId.slice(0, at);
}

export function batchWorkflowSummary(event: EventHeader, endpoints: number, index: number): string {
  return `${event.type} for workspace ${event.workspaceId} (event ${event.id}), batch ${index} of ${endpoints} endpoints`;
}

export function deliveryWorkflowSummary(event: EventHeader): string {
  return `${event.type} for workspace ${event.workspaceId} (event ${event.id})`;
}

export function postEventSummary(endpoint: Endpoint): string {
  return `POST ${endpoint.url} (webhook ${endpoint.webhookId})`;
}
