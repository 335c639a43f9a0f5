import { status as grpcStatus } from '@grpc/grpc-js';
import {
  DELIVER_EVENT_WORKFLOW,
  SEARCH_ATTRIBUTES,
  deliveryWorkflowId,
  parseRedeliveryId,
  redeliveryWorkflowId,
  type EventEnvelope,
} from '../../contract/delivery';
import { EVENT_DATA_EXAMPLES } from '../../contract/event-data';
import { PING_EVENT_TYPE, type CatalogueEventType, type EventType } from '../../contract/event-types';
import { endpointResolver, findWorkspaceWebhook } from '../../db/webhooks';
import { buildEnvelope } from '../../emit/envelope';
import { startDelivery } from '../../emit/start-delivery';
import { readStartInput } from '../../emit/start-input';
import { newId } from '../../shared/ids';
import type { DomainDeps } from './context';
import {
  MAX_LISTED_REDELIVERIES,
  type EventStatusView,
  type RedeliveryAcceptedView,
  type TestWebhookAccepted,
} from '../schemas';
import { readDeliveryExecution } from './delivery-status';
import { quoteQueryValue } from '../../shared/visibility';
import { listDeliveries } from './event-search';
import { ConflictError, EmitOutcomeUnknownError, NotFoundError, TemporalUnavailableError } from './errors';
import { callTemporal, temporalUiUrl } from './temporal';
import { getWebhook } from './webhooks';

export interface EmitEventInput {
  /** Chosen by the caller to make a retried emit harmless; generated when absent. */
  id?: string;
  type: EventType;
  data: Record<string, unknown>;
  /** When the event happened; now when absent. */
  occurredAt?: string;
  /** Used for the id when no id is given: the same key always maps to the same event. */
  idempotencyKey?: string;
}

export interface EmitEventResult {
  event: EventEnvelope;
  /** False when the event had been emitted before: `event` is the original and nothing was started. */
  created: boolean;
}

/**
 * Accepts an event for delivery. Nothing is stored outside Temporal: the workflow id, derived from the
 * workspace and event id, is what makes a repeated emit answer with the original event.
 */
export async function emitEvent(
  deps: DomainDeps,
  workspaceId: string,
  input: EmitEventInput,
): Promise<EmitEventResult> {
  const envelope = buildEnvelope({ ...input, workspaceId });
  const startedAt = performance.now();
  try {
    const { started, event } = await start(deps, { event: envelope });
    deps.metrics?.eventEmitted(event.type, started, (performance.now() - startedAt) / 1000);
    return { event, created: started };
  } catch (err) {
    if (err instanceof TemporalUnavailableError) throw new EmitOutcomeUnknownError(envelope.id, { cause: err });
    throw err;
  }
}

/** Where the delivery of an event stands, read from its workflow; never another workspace's event. */
export async function getEventStatus(deps: DomainDeps, workspaceId: string, eventId: string): Promise<EventStatusView> {
  const originalId = deliveryWorkflowId(workspaceId, eventId);
  const [original, redeliveries] = await Promise.all([
    describeExecution(deps, workspaceId, originalId, eventId),
    listRedeliveries(deps, workspaceId, eventId, originalId),
  ]);
  return { ...original, redeliveries };
}

/** The latest redeliveries of an event with their attempts, found by visibility and read from history. */
async function listRedeliveries(
  deps: DomainDeps,
  workspaceId: string,
  eventId: string,
  originalId: string,
): Promise<EventStatusView['redeliveries']> {
  const query = [
    `${SEARCH_ATTRIBUTES.workspaceId.name} = ${quoteQueryValue(workspaceId)}`,
    `${SEARCH_ATTRIBUTES.eventId.name} = ${quoteQueryValue(eventId)}`,
    `WorkflowType = '${DELIVER_EVENT_WORKFLOW}'`,
  ].join(' AND ');
  let executions;
  try {
    ({ executions } = await listDeliveries(deps.temporal, query, MAX_LISTED_REDELIVERIES + 1, undefined));
  } catch (err) {
    // A server without visibility (Temporal's time-skipping test server) has none to list.
    if ((err as { code?: unknown }).code === grpcStatus.UNIMPLEMENTED) return [];
    throw err;
  }
  const ids = executions
    .map((e) => e.workflowId)
    .filter((id) => id !== originalId)
    .slice(0, MAX_LISTED_REDELIVERIES);
  const views = await Promise.all(
    ids.map(async (workflowId) => {
      const redeliveryId = parseRedeliveryId(workflowId);
      if (!redeliveryId) return undefined;
      const view = await describeExecution(
        deps,
        workspaceId,
        workflowId,
        `${eventId}/redeliveries/${redeliveryId}`,
      ).catch((err: unknown) => {
        if (err instanceof NotFoundError) return undefined;
        throw err;
      });
      if (!view) return undefined;
      return {
        redeliveryId,
        trigger: view.trigger,
        status: view.status,
        webhookId: view.webhookId,
        startedAt: view.startedAt,
        closedAt: view.closedAt,
        deliveries: view.deliveries,
        temporalUiUrl: view.temporalUiUrl,
      };
    }),
  );
  return views.filter((view): view is NonNullable<typeof view> => view !== undefined);
}

/** Where a redelivery stands. */
export async function getRedeliveryStatus(
  deps: DomainDeps,
  workspaceId: string,
  eventId: string,
  redeliveryId: string,
): Promise<EventStatusView> {
  const workflowId = redeliveryWorkflowId(workspaceId, eventId, redeliveryId);
  const view = await describeExecution(deps, workspaceId, workflowId, `${eventId}/redeliveries/${redeliveryId}`);
  return { ...view, redeliveries: [] };
}

async function describeExecution(
  deps: DomainDeps,
  workspaceId: string,
  workflowId: string,
  displayId: string,
): Promise<Omit<EventStatusView, 'redeliveries'>> {
  const execution = await readDeliveryExecution(deps.temporal, workflowId);
  if (!execution || execution.event.workspaceId !== workspaceId) throw new NotFoundError('event', displayId);
  return {
    event: execution.event,
    status: execution.status,
    webhookId: execution.webhookId,
    redeliveryOf: execution.redeliveryOf,
    trigger: execution.trigger,
    startedAt: execution.startedAt,
    closedAt: execution.closedAt,
    deliveries: await Promise.all(
      execution.deliveries.map(async (delivery) => ({
        ...delivery,
        url: await urlOf(deps, workspaceId, delivery.webhookId),
      })),
    ),
    temporalUiUrl: temporalUiUrl(deps.temporal, workflowId),
  };
}

/** The URL attempts go to now: the activity reads it at every attempt. Null once the webhook is deleted. */
async function urlOf(deps: DomainDeps, workspaceId: string, webhookId: string): Promise<string | null> {
  return (await findWorkspaceWebhook(deps.db, workspaceId, webhookId))?.url ?? null;
}

/** Delivers an emitted event again, to all its endpoints or to one, in a new workflow linked to the first. */
export async function redeliverEvent(
  deps: DomainDeps,
  workspaceId: string,
  eventId: string,
  options: { webhookId?: string } = {},
): Promise<RedeliveryAcceptedView> {
  if (options.webhookId) await getWebhook(deps.db, workspaceId, options.webhookId);
  const originalId = deliveryWorkflowId(workspaceId, eventId);
  const original = await callTemporal(deps.temporal, () => readStartInput(deps.temporal.client, originalId));
  if (!original || original.event.workspaceId !== workspaceId) throw new NotFoundError('event', eventId);
  const redeliveryId = newId('rdl');
  const workflowId = redeliveryWorkflowId(workspaceId, eventId, redeliveryId);
  await start(deps, { event: original.event, webhookId: options.webhookId, redeliveryOf: originalId }, workflowId);
  deps.metrics?.redeliveryStarted('redelivery');
  return {
    eventId,
    redeliveryId,
    webhookId: options.webhookId ?? null,
    temporalUiUrl: temporalUiUrl(deps.temporal, workflowId),
  };
}

/** Test events carry this when no type is given. */
export function pingData(webhookId: string): Record<string, unknown> {
  return { webhookId, message: 'This is a test event from Hookline.' };
}

/**
 * Sends an example event to one webhook through the ordinary delivery workflow. The default is a ping;
 * with a type, that type's example data, operational types included, so a receiver can be tried on any
 * event it may get.
 */
export async function sendTestEvent(
  deps: DomainDeps,
  workspaceId: string,
  webhookId: string,
  type?: CatalogueEventType,
): Promise<TestWebhookAccepted> {
  const webhook = await getWebhook(deps.db, workspaceId, webhookId);
  if (!webhook.enabled) throw new ConflictError(`Webhook ${webhookId} is disabled; enable it to send a test event`);
  const event = buildEnvelope({
    workspaceId,
    type: type ?? PING_EVENT_TYPE,
    data: type ? EVENT_DATA_EXAMPLES[type] : pingData(webhookId),
  });
  const { workflowId } = await start(deps, { event, webhookId });
  return { eventId: event.id, temporalUiUrl: temporalUiUrl(deps.temporal, workflowId) };
}

function start(deps: DomainDeps, input: Parameters<typeof startDelivery>[0], workflowId?: string) {
  const { client, taskQueue, eagerStart } = deps.temporal;
  return callTemporal(deps.temporal, () =>
    startDelivery(input, {
      client,
      taskQueue,
      workflowId,
      eagerStart,
      resolveEndpoints: endpointResolver(deps.db),
    }),
  );
}
