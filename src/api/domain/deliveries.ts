import { DELIVER_BATCH_WORKFLOW, deliveryWorkflowOf, parseRedeliveryId } from '../../contract/delivery';
import type { DomainDeps } from './context';
import type { AttemptItemView, AttemptView, DeliveryItemView, DeliveryStatus, Page } from '../schemas';
import { mapConcurrently, readBatchExecution, readDeliveryExecution } from './delivery-status';
import { deliveryQuery, listDeliveries } from './event-search';
import { temporalUiUrl } from './temporal';
import { getWebhook } from './webhooks';

export interface ListDeliveriesOptions {
  limit: number;
  cursor?: string;
  status?: DeliveryStatus;
  type?: string;
  since?: string;
  until?: string;
}

/** Executions described at once; each is two small calls to Temporal. */
const DESCRIBE_CONCURRENCY = 8;

/**
 * The recent deliveries to one webhook, newest first. Temporal visibility does the filtering (status,
 * type, time: see `deliveryQuery`), so a page is one visibility page; each execution is then read for
 * this webhook's attempts. Visibility is eventually consistent: a delivery started or closed a moment
 * ago may be missing or listed under its former status.
 */
export async function listWebhookDeliveries(
  deps: DomainDeps,
  workspaceId: string,
  webhookId: string,
  options: ListDeliveriesOptions,
): Promise<Page<DeliveryItemView>> {
  await getWebhook(deps.db, workspaceId, webhookId);
  const { temporal } = deps;
  const query = deliveryQuery(workspaceId, {
    webhookId,
    status: options.status,
    type: options.type,
    since: options.since,
    until: options.until,
  });
  const { executions, nextCursor } = await listDeliveries(temporal, query, options.limit, options.cursor);
  const items = await mapConcurrently(
    executions,
    DESCRIBE_CONCURRENCY,
    async (execution): Promise<DeliveryItemView | undefined> => {
      const { workflowId } = execution;
      // A webhook of a large fan-out is listed on the batch that delivers to it: read just that batch.
      const described =
        execution.workflowType === DELIVER_BATCH_WORKFLOW
          ? await readBatchExecution(temporal, workflowId)
          : await readDeliveryExecution(temporal, workflowId);
      if (!described) return undefined;
      const delivery = described.deliveries.find((d) => d.webhookId === webhookId) ?? {
        webhookId,
        status: (execution.status === 'pending' || execution.status === 'retrying'
          ? 'pending'
          : 'failed') as DeliveryStatus,
        attempts: 0,
        lastStatusCode: null,
        lastError: null,
        nextAttemptAt: null,
        completedAt: null,
        attemptLog: [] as AttemptView[],
      };
      return {
        eventId: described.event.id,
        eventType: described.event.type,
        redeliveryId: parseRedeliveryId(deliveryWorkflowOf(workflowId)),
        trigger: execution.trigger,
        status: delivery.status,
        attempts: delivery.attempts,
        lastStatusCode: delivery.lastStatusCode,
        lastError: delivery.lastError,
        nextAttemptAt: delivery.nextAttemptAt,
        completedAt: delivery.completedAt,
        attemptLog: delivery.attemptLog,
        startedAt: execution.startedAt ?? described.startedAt,
        // Where this webhook's attempts are: the batch, for a large fan-out.
        temporalUiUrl: temporalUiUrl(temporal, workflowId),
      };
    },
  );
  return { data: items.filter((item): item is DeliveryItemView => item !== undefined), nextCursor };
}

/**
 * Every attempt to one webhook, newest delivery first and each delivery's attempts newest first: the
 * deliveries of {@link listWebhookDeliveries}, one page of them at a time, flattened.
 */
export async function listWebhookAttempts(
  deps: DomainDeps,
  workspaceId: string,
  webhookId: string,
  options: ListDeliveriesOptions,
): Promise<Page<AttemptItemView>> {
  const page = await listWebhookDeliveries(deps, workspaceId, webhookId, options);
  return {
    data: page.data.flatMap((delivery) =>
      [...delivery.attemptLog].reverse().map((attempt) => ({
        ...attempt,
        eventId: delivery.eventId,
        eventType: delivery.eventType,
        redeliveryId: delivery.redeliveryId,
      })),
    ),
    nextCursor: page.nextCursor,
  };
}
