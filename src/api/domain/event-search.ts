import { temporal as proto } from '@temporalio/proto';
import {
  DELIVER_EVENT_WORKFLOW,
  DELIVERY_OUTCOMES,
  SEARCH_ATTRIBUTES,
  deliveryWorkflowOf,
  parseRedeliveryId,
  type DeliveryTrigger,
} from '../../contract/delivery';
import { optionalTsToDate } from '../../shared/temporal-sdk';
import { quoteQueryValue as quote, searchAttributesOf } from '../../shared/visibility';
import type { DeliveryStatus, EventSearchItemView, Page } from '../schemas';
import type { DomainDeps } from './context';
import { processCursorSigner } from './cursor';
import { callTemporal, temporalUiUrl, type TemporalDeps } from './temporal';

/** What a search of deliveries may filter on; every filter is a condition of the visibility query. */
export interface DeliverySearch {
  type?: string;
  status?: DeliveryStatus;
  webhookId?: string;
  /** ISO bounds on when the delivery started. */
  since?: string;
  until?: string;
}

const SEARCH_NAMES = {
  workspaceId: SEARCH_ATTRIBUTES.workspaceId.name,
  eventType: SEARCH_ATTRIBUTES.eventType.name,
  webhookIds: SEARCH_ATTRIBUTES.webhookIds.name,
  outcome: SEARCH_ATTRIBUTES.outcome.name,
  failedWebhookIds: SEARCH_ATTRIBUTES.failedWebhookIds.name,
  deliveredWebhookIds: SEARCH_ATTRIBUTES.deliveredWebhookIds.name,
};

const { WORKFLOW_EXECUTION_STATUS_RUNNING, WORKFLOW_EXECUTION_STATUS_COMPLETED } =
  proto.api.enums.v1.WorkflowExecutionStatus;

/**
 * The visibility query for a search. Without a webhook it lists delivery workflows only; with one it
 * also lists the batches of large fan-outs, since a batch is where that webhook is named. The status
 * is the workflow's outcome, or with a webhook, that webhook's own: delivered to it, or failed.
 */
export function deliveryQuery(workspaceId: string, search: DeliverySearch): string {
  const { workspaceId: ws, eventType, webhookIds, outcome, failedWebhookIds, deliveredWebhookIds } = SEARCH_NAMES;
  const conditions = [`${ws} = ${quote(workspaceId)}`];
  const webhook = search.webhookId === undefined ? undefined : quote(search.webhookId);
  if (webhook) conditions.push(`${webhookIds} = ${webhook}`);
  else conditions.push(`WorkflowType = '${DELIVER_EVENT_WORKFLOW}'`);
  if (search.type !== undefined) conditions.push(`${eventType} = ${quote(search.type)}`);
  if (search.since !== undefined) conditions.push(`StartTime >= ${quote(search.since)}`);
  if (search.until !== undefined) conditions.push(`StartTime <= ${quote(search.until)}`);
  switch (search.status) {
    case undefined:
      break;
    case 'pending':
    case 'retrying':
      conditions.push(`ExecutionStatus = 'Running'`, `${outcome} = '${DELIVERY_OUTCOMES[search.status]}'`);
      break;
    case 'failed':
      conditions.push(webhook ? `${failedWebhookIds} = ${webhook}` : `${outcome} = '${DELIVERY_OUTCOMES.failed}'`);
      break;
    case 'succeeded': {
      // Completed without failures; workflows from before outcome-by-status also say `succeeded`.
      const everywhere = `(ExecutionStatus = 'Completed' AND ${outcome} != '${DELIVERY_OUTCOMES.failed}')`;
      conditions.push(webhook ? `(${everywhere} OR ${deliveredWebhookIds} = ${webhook})` : everywhere);
      break;
    }
  }
  return conditions.join(' AND ');
}

/** One listed execution, from its search attributes alone. */
export interface ListedDelivery {
  workflowId: string;
  workflowType: string;
  eventId: string;
  eventType: string;
  trigger: DeliveryTrigger | null;
  status: DeliveryStatus;
  webhookIds: string[];
  failedWebhookIds: string[];
  startedAt: string | null;
  closedAt: string | null;
}

interface SearchCursor {
  token: string;
}
const isSearchCursor = (value: unknown): value is SearchCursor =>
  typeof value === 'object' && value !== null && typeof (value as SearchCursor).token === 'string';

/** One page of executions matching a search, newest first, with the cursor to the next. */
export async function listDeliveries(
  temporal: TemporalDeps,
  query: string,
  limit: number,
  cursor: string | undefined,
): Promise<{ executions: ListedDelivery[]; nextCursor: string | null }> {
  const cursors = temporal.cursors ?? processCursorSigner;
  const token = cursor ? cursors.decode(cursor, isSearchCursor).token : undefined;
  const response = await callTemporal(temporal, () =>
    temporal.client.workflowService.listWorkflowExecutions({
      namespace: temporal.namespace,
      query,
      pageSize: limit,
      nextPageToken: token ? Buffer.from(token, 'base64') : undefined,
    }),
  );
  const executions = (response.executions ?? []).map((execution): ListedDelivery => {
    const { keyword, keywords } = searchAttributesOf(execution);
    const outcome = keyword(SEARCH_ATTRIBUTES.outcome);
    const running = execution.status === WORKFLOW_EXECUTION_STATUS_RUNNING;
    return {
      workflowId: execution.execution?.workflowId ?? '',
      workflowType: execution.type?.name ?? '',
      eventId: keyword(SEARCH_ATTRIBUTES.eventId) ?? '',
      eventType: keyword(SEARCH_ATTRIBUTES.eventType) ?? '',
      trigger: (keyword(SEARCH_ATTRIBUTES.trigger) as DeliveryTrigger | undefined) ?? null,
      status: statusOf(outcome, running, execution.status === WORKFLOW_EXECUTION_STATUS_COMPLETED),
      webhookIds: keywords(SEARCH_ATTRIBUTES.webhookIds),
      failedWebhookIds: keywords(SEARCH_ATTRIBUTES.failedWebhookIds),
      startedAt: optionalTsToDate(execution.startTime)?.toISOString() ?? null,
      closedAt: optionalTsToDate(execution.closeTime)?.toISOString() ?? null,
    };
  });
  const next = response.nextPageToken?.length ? Buffer.from(response.nextPageToken).toString('base64') : null;
  return { executions, nextCursor: next ? cursors.encode({ token: next } satisfies SearchCursor) : null };
}

/**
 * A running delivery is pending or retrying; a closed one failed if it says so, and otherwise succeeded
 * if it completed (one that succeeded everywhere records no outcome at close, and workflows from before
 * outcomes were recorded have none).
 */
function statusOf(outcome: string | undefined, running: boolean, completed: boolean): DeliveryStatus {
  if (running) return outcome === DELIVERY_OUTCOMES.retrying ? 'retrying' : 'pending';
  if (outcome === DELIVERY_OUTCOMES.failed) return 'failed';
  return completed ? 'succeeded' : 'failed';
}

/** `GET /v1/events`: the workspace's deliveries by type, status, webhook and time, from visibility alone. */
export async function searchEvents(
  deps: DomainDeps,
  workspaceId: string,
  search: DeliverySearch & { limit: number; cursor?: string },
): Promise<Page<EventSearchItemView>> {
  const { temporal } = deps;
  const { executions, nextCursor } = await listDeliveries(
    temporal,
    deliveryQuery(workspaceId, search),
    search.limit,
    search.cursor,
  );
  return {
    data: executions.map((execution) => {
      const eventWorkflowId = deliveryWorkflowOf(execution.workflowId);
      const webhookStatus =
        search.webhookId === undefined
          ? null
          : execution.failedWebhookIds.includes(search.webhookId)
            ? 'failed'
            : execution.status === 'failed' && execution.closedAt
              ? 'succeeded'
              : execution.status;
      return {
        eventId: execution.eventId,
        eventType: execution.eventType,
        redeliveryId: parseRedeliveryId(eventWorkflowId),
        trigger: execution.trigger,
        status: webhookStatus ?? execution.status,
        webhookIds: execution.webhookIds,
        failedWebhookIds: execution.failedWebhookIds,
        startedAt: execution.startedAt,
        closedAt: execution.closedAt,
        temporalUiUrl: temporalUiUrl(temporal, execution.workflowId),
      };
    }),
    nextCursor,
  };
}
