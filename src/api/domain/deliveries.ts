import { temporal as proto } from '@temporalio/proto';
import {
  DELIVER_BATCH_WORKFLOW,
  SEARCH_ATTRIBUTES,
  deliveryWorkflowOf,
  parseRedeliveryId,
} from '../../contract/delivery';
import { optionalTsToDate } from '../../shared/temporal-sdk';
import type { DomainDeps } from './context';
import { decodeCursor, encodeCursor } from './cursor';
import type { DeliveryItemView, DeliveryStatus, Page } from '../schemas';
import { mapConcurrently, readBatchExecution, readDeliveryExecution } from './delivery-status';
import { callTemporal, temporalUiUrl } from './temporal';
import { getWebhook } from './webhooks';

export interface ListDeliveriesOptions {
  limit: number;
  cursor?: string;
  status?: DeliveryStatus;
}

/** Visibility pages scanned at most per request when filtering by status; past it the page is short. */
const MAX_SCANNED_PAGES = 5;
/** Executions described at once; each is two small calls to Temporal. */
const DESCRIBE_CONCURRENCY = 8;
const { WORKFLOW_EXECUTION_STATUS_RUNNING } = proto.api.enums.v1.WorkflowExecutionStatus;

interface DeliveriesCursor {
  /** Temporal's page token (base64), or null for the first page. */
  token: string | null;
  /** Executions of that page already returned. */
  skip: number;
}

const isDeliveriesCursor = (value: unknown): value is DeliveriesCursor => {
  const c = value as DeliveriesCursor;
  return (
    typeof value === 'object' &&
    value !== null &&
    (c.token === null || typeof c.token === 'string') &&
    Number.isInteger(c.skip) &&
    c.skip >= 0
  );
};

/**
 * The recent deliveries to one webhook, newest first, from Temporal visibility on the search attributes.
 * Each execution is then described, since the per-webhook outcome is not a search attribute; filtering by
 * status therefore happens here and a page may hold fewer than `limit` items while `nextCursor` is set.
 * Visibility is eventually consistent: a delivery started a moment ago may be missing.
 */
export async function listWebhookDeliveries(
  deps: DomainDeps,
  workspaceId: string,
  webhookId: string,
  options: ListDeliveriesOptions,
): Promise<Page<DeliveryItemView>> {
  getWebhook(deps.db, workspaceId, webhookId);
  const { temporal } = deps;
  const conditions = [
    `${SEARCH_ATTRIBUTES.workspaceId.name} = ${quote(workspaceId)}`,
    `${SEARCH_ATTRIBUTES.webhookIds.name} = ${quote(webhookId)}`,
  ];
  // A closed workflow has no delivery under way; the other statuses can be reached in running ones too.
  if (options.status === 'pending' || options.status === 'retrying') conditions.push(`ExecutionStatus = 'Running'`);
  const query = conditions.join(' AND ');

  let cursor: DeliveriesCursor = options.cursor
    ? decodeCursor(options.cursor, isDeliveriesCursor)
    : { token: null, skip: 0 };
  const data: DeliveryItemView[] = [];
  for (let scanned = 0; scanned < MAX_SCANNED_PAGES; scanned++) {
    const response = await callTemporal(temporal, () =>
      temporal.client.workflowService.listWorkflowExecutions({
        namespace: temporal.namespace,
        query,
        pageSize: options.limit,
        nextPageToken: cursor.token ? Buffer.from(cursor.token, 'base64') : undefined,
      }),
    );
    const executions = (response.executions ?? []).slice(cursor.skip);
    const items = await mapConcurrently(executions, DESCRIBE_CONCURRENCY, async (execution) => {
      const workflowId = execution.execution?.workflowId ?? '';
      // A webhook of a large fan-out is listed on the batch that delivers to it: read just that batch.
      const described =
        execution.type?.name === DELIVER_BATCH_WORKFLOW
          ? await readBatchExecution(temporal, workflowId)
          : await readDeliveryExecution(temporal, workflowId);
      if (!described) return undefined;
      const deliveryWorkflowId = deliveryWorkflowOf(workflowId);
      const delivery = described.deliveries.find((d) => d.webhookId === webhookId) ?? {
        webhookId,
        status: execution.status === WORKFLOW_EXECUTION_STATUS_RUNNING ? 'pending' : 'failed',
        attempts: 0,
        lastStatusCode: null,
        lastError: null,
        nextAttemptAt: null,
        completedAt: null,
      };
      return {
        eventId: described.event.id,
        eventType: described.event.type,
        redeliveryId: parseRedeliveryId(deliveryWorkflowId),
        status: delivery.status,
        attempts: delivery.attempts,
        lastStatusCode: delivery.lastStatusCode,
        lastError: delivery.lastError,
        nextAttemptAt: delivery.nextAttemptAt,
        completedAt: delivery.completedAt,
        startedAt: optionalTsToDate(execution.startTime)?.toISOString() ?? described.startedAt,
        // Where this webhook's attempts are: the batch, for a large fan-out.
        temporalUiUrl: temporalUiUrl(temporal, workflowId),
      } satisfies DeliveryItemView;
    });

    const pageToken = response.nextPageToken?.length ? Buffer.from(response.nextPageToken).toString('base64') : null;
    for (const [index, item] of items.entries()) {
      if (!item || (options.status && item.status !== options.status)) continue;
      data.push(item);
      if (data.length === options.limit) {
        const consumed = cursor.skip + index + 1;
        const pageDone = consumed >= cursor.skip + executions.length;
        if (pageDone && !pageToken) return { data, nextCursor: null };
        const next: DeliveriesCursor = pageDone
          ? { token: pageToken, skip: 0 }
          : { token: cursor.token, skip: consumed };
        return { data, nextCursor: encodeCursor(next) };
      }
    }
    if (!pageToken) return { data, nextCursor: null };
    cursor = { token: pageToken, skip: 0 };
  }
  return { data, nextCursor: encodeCursor(cursor) };
}

function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
