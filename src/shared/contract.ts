/**
 * The Temporal contract shared by the API, the worker, the emit helper and the workflows: task queue,
 * workflow ids, search attributes, retry policy and the shapes that cross the Temporal boundary.
 * Workflow code imports this module, so it stays free of I/O and Node built-ins.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { RetryPolicy } from '@temporalio/common';
import type { Activities } from '../activities';

export const DEFAULT_TASK_QUEUE = 'hookline-deliveries';

export const DELIVER_EVENT_WORKFLOW = 'deliverEventWorkflow';

/** Activity type of the one-attempt POST (its key in `createActivities`); the API reads attempts by it. */
export const POST_EVENT_ACTIVITY = 'postEvent' as const satisfies keyof Activities;

/** Deliveries are retried after 1 and then 2 more minutes, 3 attempts in all. */
export const DELIVERY_RETRY_POLICY = {
  initialInterval: '1 minute',
  backoffCoefficient: 2,
  maximumAttempts: 3,
} as const satisfies RetryPolicy;

/** A receiver must answer within this many milliseconds. */
export const DELIVERY_REQUEST_TIMEOUT_MS = 5_000;

/** Covers the request timeout plus loading the webhook and signing; a worker that dies mid-attempt is retried. */
export const DELIVERY_ATTEMPT_TIMEOUT = '15 seconds';

export const SEARCH_ATTRIBUTES = {
  workspaceId: defineSearchAttributeKey('HooklineWorkspaceId', SearchAttributeType.KEYWORD),
  eventId: defineSearchAttributeKey('HooklineEventId', SearchAttributeType.KEYWORD),
  eventType: defineSearchAttributeKey('HooklineEventType', SearchAttributeType.KEYWORD),
  webhookIds: defineSearchAttributeKey('HooklineWebhookIds', SearchAttributeType.KEYWORD_LIST),
} as const;

export const ALL_SEARCH_ATTRIBUTES = Object.values(SEARCH_ATTRIBUTES);

/** The JSON body of every delivery. */
export interface EventEnvelope {
  /** Unique within the workspace; also the `webhook-id` header, so receivers can drop duplicates. */
  id: string;
  type: string;
  workspaceId: string;
  /** ISO 8601 time at which the event happened. */
  timestamp: string;
  data: Record<string, unknown>;
}

export interface DeliverEventInput {
  event: EventEnvelope;
  /** Deliver to this webhook only (test events and redelivery to one endpoint). */
  webhookId?: string;
  /** Workflow id of the delivery this one repeats. */
  redeliveryOf?: string;
  /**
   * The endpoints, when the emitter resolved the subscriptions itself (see `startDelivery`'s `db`
   * option). Without them the workflow looks them up in a local activity, which costs the worker an
   * extra workflow activation per event.
   */
  endpoints?: Endpoint[];
}

export interface Endpoint {
  webhookId: string;
  url: string;
}

export interface PostEventInput {
  webhookId: string;
  event: EventEnvelope;
}

/** What one successful attempt reports. */
export interface PostEventResult {
  statusCode: number;
  attempt: number;
  durationMs: number;
}

/** Carried as the first detail of every delivery `ApplicationFailure`. */
export interface PostFailureDetails {
  attempt: number;
  statusCode?: number;
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

/**
 * One delivery workflow per workspace and event: starting it twice is refused by Temporal, which is
 * what makes a repeated emit harmless.
 */
export function deliveryWorkflowId(workspaceId: string, eventId: string): string {
  return `event:${workspaceId}:${eventId}`;
}

export function redeliveryWorkflowId(workspaceId: string, eventId: string, redeliveryId: string): string {
  return `${deliveryWorkflowId(workspaceId, eventId)}:redelivery:${redeliveryId}`;
}

export function deliveryWorkflowSummary(event: EventEnvelope): string {
  return `${event.type} for workspace ${event.workspaceId} (event ${event.id})`;
}

export function postEventSummary(endpoint: Endpoint): string {
  return `POST ${endpoint.url} (webhook ${endpoint.webhookId})`;
}
