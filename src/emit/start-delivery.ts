import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { TypedSearchAttributes, WorkflowIdReusePolicy } from '@temporalio/common';
import type { deliverEventWorkflow } from '../workflows';
import {
  DELIVER_EVENT_WORKFLOW,
  SEARCH_ATTRIBUTES,
  deliveryWorkflowId,
  deliveryWorkflowSummary,
  type DeliverEventInput,
} from '../shared/contract';
import type { Db } from '../db/client';
import { findEndpoints } from '../db/webhooks';
import { DeliverEventInputSchema } from './envelope';

export interface StartDeliveryOptions {
  client: Client;
  taskQueue: string;
  /** Defaults to the event's own delivery id; redeliveries pass their own. */
  workflowId?: string;
  /**
   * Hookline's database, when the caller can read it: the subscriptions are then resolved here, at
   * emit time, and travel in the workflow input, so the workflow needs no lookup of its own. Callers
   * without it (a service holding only a Temporal client) leave the lookup to the workflow.
   */
  db?: Db;
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
  handle: WorkflowHandle<typeof deliverEventWorkflow>;
}

/**
 * Starts the delivery of one event: the single emit path used by the API and by services holding a
 * Temporal client. The workflow id comes from the workspace and event id, so emitting the same event
 * again (by any path) is refused by Temporal and delivers nothing twice.
 */
export async function startDelivery(
  input: DeliverEventInput,
  options: StartDeliveryOptions,
): Promise<StartDeliveryResult> {
  const parsed = DeliverEventInputSchema.parse(input) as DeliverEventInput;
  const { event } = parsed;
  if (!parsed.endpoints && options.db) {
    parsed.endpoints = findEndpoints(options.db, {
      workspaceId: event.workspaceId,
      eventType: event.type,
      webhookId: parsed.webhookId,
    });
  }
  const workflowId = options.workflowId ?? deliveryWorkflowId(event.workspaceId, event.id);
  try {
    const handle = await options.client.workflow.start<typeof deliverEventWorkflow>(DELIVER_EVENT_WORKFLOW, {
      workflowId,
      taskQueue: options.taskQueue,
      args: [parsed],
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      typedSearchAttributes: new TypedSearchAttributes([
        { key: SEARCH_ATTRIBUTES.workspaceId, value: event.workspaceId },
        { key: SEARCH_ATTRIBUTES.eventId, value: event.id },
        { key: SEARCH_ATTRIBUTES.eventType, value: event.type },
        ...(parsed.endpoints?.length
          ? [{ key: SEARCH_ATTRIBUTES.webhookIds, value: parsed.endpoints.map((e) => e.webhookId) }]
          : []),
      ]),
      staticSummary: deliveryWorkflowSummary(event),
      requestEagerStart: options.eagerStart,
    });
    return { workflowId, started: true, handle };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      return { workflowId, started: false, handle: options.client.workflow.getHandle(workflowId) };
    }
    throw err;
  }
}
