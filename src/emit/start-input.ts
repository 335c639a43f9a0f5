import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import type { DeliverEventInput } from '../contract/delivery';
import { decodePayload, isWorkflowNotFound } from '../shared/temporal-sdk';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** The start input recorded in a delivery workflow's first history event, if it has one. */
export function startInputOf(event: HistoryEvent | null | undefined): DeliverEventInput | undefined {
  return decodePayload<DeliverEventInput>(event?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]);
}

/**
 * Reads the start input of a delivery workflow (one history event, not the whole history), or
 * undefined when no such workflow exists.
 */
export async function readStartInput(client: Client, workflowId: string): Promise<DeliverEventInput | undefined> {
  try {
    const response = await client.workflowService.getWorkflowExecutionHistory({
      namespace: client.options.namespace,
      execution: { workflowId },
      maximumPageSize: 1,
    });
    return startInputOf(response.history?.events?.[0]);
  } catch (err) {
    if (isWorkflowNotFound(err)) return undefined;
    throw err;
  }
}
