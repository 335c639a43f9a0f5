import type { Client } from '@temporalio/client';
import {
  DELIVER_EVENT_WORKFLOW,
  DELIVERY_OUTCOMES,
  SEARCH_ATTRIBUTES,
  deliveryWorkflowOf,
  redeliveryWorkflowId,
  type Endpoint,
  type FindEndpointsInput,
} from '../contract/delivery';
import { OPERATIONAL_EVENT_TYPES } from '../contract/event-types';
import type {
  FindRecoveryCandidatesInput,
  FindRecoveryCandidatesResult,
  RecoveryActivities,
  RecoveryCandidate,
  RedeliverInput,
} from '../contract/recovery';
import type { Db } from '../db/client';
import { ALL_EVENTS, findWebhook } from '../db/webhooks';
import { startDelivery } from '../emit/start-delivery';
import type { HooklineMetrics } from '../shared/metrics';
import { quoteQueryValue as quote, searchAttributesOf } from '../shared/visibility';
import type { EventLoader } from './event-loader';
import type { DeliveryNotifier } from './notifier';

export interface RecoveryActivityDeps {
  client: Client;
  namespace: string;
  taskQueue: string;
  db: Db;
  events: EventLoader;
  notifier: DeliveryNotifier;
  resolveEndpoints: (input: FindEndpointsInput) => Endpoint[] | Promise<Endpoint[]>;
  /** Counts the redeliveries started. */
  metrics?: HooklineMetrics;
}

/** A closed or running delivery workflow as visibility lists it. */
interface Listed {
  workflowId: string;
  eventId: string;
  webhookIds: string[];
  failedWebhookIds: string[];
}

/** The recovery workflow's activities: finding what failed, in Temporal visibility, and redelivering it. */
export function createRecoveryActivities(deps: RecoveryActivityDeps): RecoveryActivities {
  const { client, namespace } = deps;

  async function list(query: string, pageSize: number, pageToken: string | null) {
    const response = await client.workflowService.listWorkflowExecutions({
      namespace,
      query,
      pageSize,
      nextPageToken: pageToken ? Buffer.from(pageToken, 'base64') : undefined,
    });
    const executions = (response.executions ?? []).map((execution): Listed => {
      const { keyword, keywords } = searchAttributesOf(execution);
      return {
        workflowId: execution.execution?.workflowId ?? '',
        eventId: keyword(SEARCH_ATTRIBUTES.eventId) ?? '',
        webhookIds: keywords(SEARCH_ATTRIBUTES.webhookIds),
        failedWebhookIds: keywords(SEARCH_ATTRIBUTES.failedWebhookIds),
      };
    });
    const next = response.nextPageToken?.length ? Buffer.from(response.nextPageToken).toString('base64') : null;
    return { executions, nextPageToken: next };
  }

  /** Pairs of (event, webhook) that some delivery of these events has delivered. */
  async function deliveredPairs(workspaceId: string, eventIds: string[]): Promise<Set<string>> {
    const delivered = new Set<string>();
    if (eventIds.length === 0) return delivered;
    const query = [
      `${SEARCH_ATTRIBUTES.workspaceId.name} = ${quote(workspaceId)}`,
      `${SEARCH_ATTRIBUTES.eventId.name} IN (${[...new Set(eventIds)].map(quote).join(', ')})`,
      // Closed, and from after outcomes were recorded, so that its failed webhooks are listed.
      `ExecutionStatus = 'Completed'`,
      `${SEARCH_ATTRIBUTES.outcome.name} IN (${Object.values(DELIVERY_OUTCOMES)
        .map((o) => `'${o}'`)
        .join(', ')})`,
    ].join(' AND ');
    let token: string | null = null;
    do {
      const page = await list(query, 1000, token);
      for (const execution of page.executions) {
        const failed = new Set(execution.failedWebhookIds);
        for (const webhookId of execution.webhookIds) {
          if (!failed.has(webhookId)) delivered.add(pairKey(execution.eventId, webhookId));
        }
      }
      token = page.nextPageToken;
    } while (token);
    return delivered;
  }

  return {
    async findRecoveryCandidates(input: FindRecoveryCandidatesInput): Promise<FindRecoveryCandidatesResult> {
      const window = [
        `${SEARCH_ATTRIBUTES.workspaceId.name} = ${quote(input.workspaceId)}`,
        `StartTime >= ${quote(input.since)}`,
        `StartTime <= ${quote(input.until)}`,
      ];
      if (input.phase === 'failed') {
        const query = [
          ...window,
          `${SEARCH_ATTRIBUTES.outcome.name} = '${DELIVERY_OUTCOMES.failed}'`,
          // Test events are probes, not deliveries owed to anyone.
          `${SEARCH_ATTRIBUTES.trigger.name} != 'test'`,
          ...(input.webhookId ? [`${SEARCH_ATTRIBUTES.failedWebhookIds.name} = ${quote(input.webhookId)}`] : []),
        ].join(' AND ');
        const page = await list(query, input.pageSize, input.pageToken);
        const wanted = page.executions.flatMap((execution) =>
          execution.failedWebhookIds
            .filter((webhookId) => !input.webhookId || webhookId === input.webhookId)
            .map((webhookId): RecoveryCandidate => ({
              // A batch's event is in the start input of the workflow it belongs to.
              eventWorkflowId: deliveryWorkflowOf(execution.workflowId),
              eventId: execution.eventId,
              webhookId,
            })),
        );
        return { candidates: await undelivered(input.workspaceId, wanted), nextPageToken: page.nextPageToken };
      }

      // Events the webhook subscribes to that were emitted while it was disabled: no delivery names it.
      const webhookId = input.webhookId;
      const webhook = webhookId ? await findWebhook(deps.db, webhookId) : undefined;
      if (!webhookId || !webhook || webhook.workspaceId !== input.workspaceId) {
        return { candidates: [], nextPageToken: null };
      }
      const types = webhook.events.includes(ALL_EVENTS)
        ? `${SEARCH_ATTRIBUTES.eventType.name} NOT IN (${OPERATIONAL_EVENT_TYPES.map(quote).join(', ')})`
        : `${SEARCH_ATTRIBUTES.eventType.name} IN (${webhook.events.map(quote).join(', ')})`;
      const since = webhook.createdAt > input.since ? webhook.createdAt : input.since;
      const query = [
        `${SEARCH_ATTRIBUTES.workspaceId.name} = ${quote(input.workspaceId)}`,
        `StartTime >= ${quote(since)}`,
        `StartTime <= ${quote(input.until)}`,
        `WorkflowType = '${DELIVER_EVENT_WORKFLOW}'`,
        `${SEARCH_ATTRIBUTES.trigger.name} = 'scheduled'`,
        types,
      ].join(' AND ');
      const page = await list(query, input.pageSize, input.pageToken);
      const wanted = page.executions
        .filter((execution) => !execution.webhookIds.includes(webhookId))
        .map((execution) => ({ eventWorkflowId: execution.workflowId, eventId: execution.eventId, webhookId }));
      const named = await namedPairs(
        input.workspaceId,
        webhookId,
        wanted.map((c) => c.eventId),
      );
      return {
        candidates: wanted.filter((c) => !named.has(c.eventId)),
        nextPageToken: page.nextPageToken,
      };
    },

    async redeliver(input: RedeliverInput): Promise<{ started: number }> {
      let started = 0;
      for (const candidate of input.candidates) {
        const event = await deps.events.load(candidate.eventWorkflowId);
        const delivery = await startDelivery(
          {
            event,
            webhookId: candidate.webhookId,
            redeliveryOf: candidate.eventWorkflowId,
            recoveryId: input.recoveryId,
          },
          {
            client,
            taskQueue: deps.taskQueue,
            workflowId: redeliveryWorkflowId(
              input.workspaceId,
              candidate.eventId,
              `${input.recoveryId}.${candidate.webhookId}`,
            ),
            resolveEndpoints: deps.resolveEndpoints,
          },
        );
        started += 1;
        // A retried activity finds the redeliveries it already started: those are not counted again.
        if (delivery.started) deps.metrics?.redeliveryStarted('recovery');
      }
      return { started };
    },

    async announceRecovered(input) {
      await deps.notifier.emitOperational('webhook.recovered', input.workspaceId, input.recoveryId, {
        recoveryId: input.recoveryId,
        ...(input.webhookId ? { webhookId: input.webhookId } : {}),
        since: input.since,
        until: input.until,
        found: input.progress.found,
        redelivered: input.progress.redelivered,
        succeeded: input.progress.succeeded,
        failed: input.progress.failed,
        completedAt: new Date().toISOString(),
      });
    },
  };

  /** Leaves out pairs delivered since (by a redelivery, say) and repeats within the page. */
  async function undelivered(workspaceId: string, wanted: RecoveryCandidate[]): Promise<RecoveryCandidate[]> {
    const delivered = await deliveredPairs(
      workspaceId,
      wanted.map((c) => c.eventId),
    );
    const seen = new Set<string>();
    return wanted.filter((c) => {
      const key = pairKey(c.eventId, c.webhookId);
      if (delivered.has(key) || seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }

  /** Events some delivery (a batch, a redelivery) names this webhook in. */
  async function namedPairs(workspaceId: string, webhookId: string, eventIds: string[]): Promise<Set<string>> {
    const named = new Set<string>();
    if (eventIds.length === 0) return named;
    const query = [
      `${SEARCH_ATTRIBUTES.workspaceId.name} = ${quote(workspaceId)}`,
      `${SEARCH_ATTRIBUTES.eventId.name} IN (${[...new Set(eventIds)].map(quote).join(', ')})`,
      `${SEARCH_ATTRIBUTES.webhookIds.name} = ${quote(webhookId)}`,
    ].join(' AND ');
    let token: string | null = null;
    do {
      const page = await list(query, 1000, token);
      for (const execution of page.executions) named.add(execution.eventId);
      token = page.nextPageToken;
    } while (token);
    return named;
  }
}

function pairKey(eventId: string, webhookId: string): string {
  return `${eventId}\n${webhookId}`;
}
