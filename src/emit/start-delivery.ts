import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { TypedSearchAttributes, WorkflowIdReusePolicy } from '@temporalio/common';
import type { deliverEventWorkflow } from '../workflows';
import {
  DELIVER_EVENT_WORKFLOW,
  DELIVERY_OUTCOMES,
  MAX_WEBHOOKS_PER_WORKFLOW,
  SEARCH_ATTRIBUTES,
  deliveryTriggerOf,
  deliveryWorkflowId,
  deliveryWorkflowSummary,
  type DeliverEventInput,
  type Endpoint,
  type EventEnvelope,
  type FindEndpointsInput,
} from '../contract/delivery';
import { DeliverEventInputSchema } from '../contract/envelope';
import { readStartInput } from './start-input';

/** Resolves the subscriptions of an event; the API reads them from Hookline's database. */
export type EndpointResolver = (query: FindEndpointsInput) => Endpoint[] | Promise<Endpoint[]>;

export interface StartDeliveryOptions {
  client: Client;
  taskQueue: string;
  /** Defaults to the event's own delivery id; redeliveries pass their own. */
  workflowId?: string;
  /**
   * Resolves the subscriptions at emit time, when the caller can read Hookline's database: they then
   * travel in the workflow input and the workflow needs no lookup of its own. Callers without one (a
   * service holding only a Temporal client) leave the lookup to the workflow.
   */
  resolveEndpoints?: EndpointResolver;
  /**
   * Asks the server to hand the first workflow task straight back to a worker that shares the client's
   * connection, saving a round trip. Only useful when client and worker share a `NativeConnection`.
   */
  eagerStart?: boolean;
}

export interface StartDeliveryResult {
  workflowId: string;
  /** False when a workflow for this id already existed: the event was emitted before. */
  started: boolean;
  /** The event being delivered: the one given, or the original when it had been emitted before. */
  event: EventEnvelope;
  handle: WorkflowHandle<typeof deliverEventWorkflow>;
}

/**
 * Starts the delivery of one event: the single emit path used by the API and by services holding a
 * Temporal client. The workflow id comes from the workspace and event id, so emitting the same event
 * again (by any path) is refused by Temporal and delivers nothing twice; the answer then carries the
 * original event.
 */
export async function startDelivery(
  input: DeliverEventInput,
  options: StartDeliveryOptions,
): Promise<StartDeliveryResult> {
  const parsed: DeliverEventInput = DeliverEventInputSchema.parse(input);
  const { event } = parsed;
  if (!parsed.endpoints && options.resolveEndpoints) {
    parsed.endpoints = await options.resolveEndpoints({
      workspaceId: event.workspaceId,
      eventType: event.type,
      webhookId: parsed.webhookId,
    });
  }
  const { client } = options;
  const workflowId = options.workflowId ?? deliveryWorkflowId(event.workspaceId, event.id);
  try {
    const handle = await client.workflow.start<typeof deliverEventWorkflow>(DELIVER_EVENT_WORKFLOW, {
      workflowId,
      taskQueue: options.taskQueue,
      args: [parsed],
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      typedSearchAttributes: new TypedSearchAttributes([
        { key: SEARCH_ATTRIBUTES.workspaceId, value: event.workspaceId },
        { key: SEARCH_ATTRIBUTES.eventId, value: event.id },
        { key: SEARCH_ATTRIBUTES.eventType, value: event.type },
        { key: SEARCH_ATTRIBUTES.trigger, value: deliveryTriggerOf(parsed) },
        { key: SEARCH_ATTRIBUTES.outcome, value: DELIVERY_OUTCOMES.pending },
        // A larger fan-out lists its webhooks on its batch workflows: the list would not fit one value.
        ...(parsed.endpoints?.length && parsed.endpoints.length <= MAX_WEBHOOKS_PER_WORKFLOW
          ? [{ key: SEARCH_ATTRIBUTES.webhookIds, value: parsed.endpoints.map((e) => e.webhookId) }]
          : []),
      ]),
      staticSummary: deliveryWorkflowSummary(event),
      requestEagerStart: options.eagerStart,
      // Every task of the delivery (its batches and attempts inherit it) is dispatched fairly between
      // workspaces, so one tenant's backlog of slow endpoints does not hold back another's.
      priority: { fairnessKey: event.workspaceId },
    });
    return { workflowId, started: true, event, handle };
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    const original = await readStartInput(client, workflowId);
    return {
      workflowId,
      started: false,
      event: original?.event ?? event,
      handle: client.workflow.getHandle(workflowId),
    };
  }
}
