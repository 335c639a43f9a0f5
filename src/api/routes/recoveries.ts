import { cancelRecovery, getRecovery, startRecovery } from '../domain/recoveries';
import { searchEvents } from '../domain/event-search';
import { defineRoute, type ApiRoute } from '../route';
import {
  EventSearchList,
  EventSearchQuery,
  RecoverBody,
  Recovery,
  RecoveryParams,
  WebhookIdParams,
  WorkspaceRecoverBody,
} from '../schemas';

const tag = 'Recovery';

const recoveryResponses = {
  200: { description: 'This window was asked for before: the same recovery.', schema: Recovery },
  202: { description: 'Started; follow it with GET /v1/recoveries/{recoveryId}.', schema: Recovery },
} as const;

export const recoveryRoutes: ApiRoute[] = [
  defineRoute({
    method: 'get',
    path: '/v1/events',
    operationId: 'searchEvents',
    summary: "Search the workspace's deliveries by type, status, webhook and time; `status=failed` is the dead letters",
    tag: 'Events',
    temporal: true,
    request: { query: EventSearchQuery },
    responses: {
      200: {
        description:
          'One page of delivery workflows, newest first, answered by Temporal visibility (eventually consistent: a delivery of the last second may be missing).',
        schema: EventSearchList,
      },
    },
    handle: async ({ query, workspace, deps, reply }) => reply(200, await searchEvents(deps, workspace.id, query)),
  }),
  defineRoute({
    method: 'post',
    path: '/v1/webhooks/:id/recover',
    operationId: 'recoverWebhook',
    summary: 'Redeliver every delivery to this webhook that failed in a window, as a durable, throttled recovery',
    tag,
    temporal: true,
    request: { params: WebhookIdParams, body: RecoverBody },
    responses: {
      200: recoveryResponses[200],
      202: recoveryResponses[202],
      409: { description: 'The webhook is disabled: enable it first.' },
    },
    handle: async ({ params, body, workspace, deps, reply }) => {
      const { recovery, created } = await startRecovery(deps, workspace.id, { ...body, webhookId: params.id });
      return created ? reply(202, recovery) : reply(200, recovery);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/recoveries',
    operationId: 'recoverWorkspace',
    summary: 'Redeliver every failed delivery of the workspace in a window',
    tag,
    temporal: true,
    request: { body: WorkspaceRecoverBody },
    responses: recoveryResponses,
    handle: async ({ body, workspace, deps, reply }) => {
      const { recovery, created } = await startRecovery(deps, workspace.id, body);
      return created ? reply(202, recovery) : reply(200, recovery);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/recoveries/:id',
    operationId: 'getRecovery',
    summary: 'Where a recovery stands: found, redelivered, succeeded, failed',
    tag,
    temporal: true,
    request: { params: RecoveryParams },
    responses: { 200: { description: 'The recovery and its progress.', schema: Recovery } },
    handle: async ({ params, workspace, deps, reply }) => reply(200, await getRecovery(deps, workspace.id, params.id)),
  }),
  defineRoute({
    method: 'post',
    path: '/v1/recoveries/:id/cancel',
    operationId: 'cancelRecovery',
    summary: 'Stop a recovery from starting more redeliveries; those under way finish',
    tag,
    temporal: true,
    request: { params: RecoveryParams },
    responses: {
      202: {
        description: 'Cancellation asked for; the recovery reports `cancelled` once it stopped.',
        schema: Recovery,
      },
    },
    handle: async ({ params, workspace, deps, reply }) =>
      reply(202, await cancelRecovery(deps, workspace.id, params.id)),
  }),
];
