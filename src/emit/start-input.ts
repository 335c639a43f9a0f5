import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import type { DeliverEventInput } from '../contract/delivery';
import { decodeOptionalSinglePayload, decodePayload, isWorkflowNotFound } from '../shared/temporal-sdk';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/**
 * The start input recorded in a delivery workflow's first history event, if it has one, from a history
 * whose payloads are already decoded.
 */
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
    const payload = response.history?.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
    // The client's data converter decrypts what its codec encrypted.
    return (
      (await decodeOptionalSinglePayload<DeliverEventInput>(client.options.loadedDataConverter, payload)) ?? undefined
    );
  } catch (err) {
    if (isWorkflowNotFound(err)) return undefined;
    throw err;
  }
}
