import { sendTestEvent } from '../domain/events';
import { listWebhookAttempts, listWebhookDeliveries } from '../domain/deliveries';
import { getWebhookStats } from '../domain/stats';
import {
  createWorkspaceWebhook,
  deleteWorkspaceWebhook,
  getWebhook,
  listWorkspaceWebhooks,
  rotateSecret,
  toWebhookView,
  updateWorkspaceWebhook,
} from '../domain/webhooks';
import { defineRoute, type ApiRoute } from '../route';
import {
  CreateWebhookBody,
  AttemptList,
  DeliveryList,
  DeliveryListQuery,
  RotateSecretBody,
  RotatedSecret,
  SecretResponse,
  TestWebhookBody,
  TestWebhookResponse,
  UpdateWebhookBody,
  Webhook,
  WebhookIdParams,
  WebhookList,
  WebhookListQuery,
  WebhookStats,
  WebhookStatsQuery,
  WebhookWithSecret,
} from '../schemas';

const tag = 'Webhooks';

export const webhookRoutes: ApiRoute[] = [
  defineRoute({
    method: 'post',
    path: '/v1/webhooks',
    operationId: 'createWebhook',
    summary: 'Create a webhook; the answer holds its secret',
    tag,
    request: { body: CreateWebhookBody },
    responses: {
      201: { description: 'The new webhook, with its signing secret.', schema: WebhookWithSecret },
      409: {
        description: 'The workspace already has as many webhooks as it may (`HOOKLINE_MAX_WEBHOOKS_PER_WORKSPACE`).',
      },
    },
    handle: async ({ body, workspace, deps, reply }) =>
      reply(201, await createWorkspaceWebhook(deps, workspace.id, body)),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/webhooks',
    operationId: 'listWebhooks',
    summary: 'List webhooks, oldest first, a page at a time',
    tag,
    request: { query: WebhookListQuery },
    responses: { 200: { description: 'One page of webhooks; secrets are not included.', schema: WebhookList } },
    handle: async ({ query, workspace, deps, reply }) =>
      reply(200, await listWorkspaceWebhooks(deps.db, workspace.id, { ...query, cursors: deps.temporal.cursors })),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/webhooks/:id',
    operationId: 'getWebhook',
    summary: 'Read a webhook',
    tag,
    request: { params: WebhookIdParams },
    responses: { 200: { description: 'The webhook.', schema: Webhook } },
    handle: async ({ params, workspace, deps, reply }) =>
      reply(200, toWebhookView(await getWebhook(deps.db, workspace.id, params.id))),
  }),
  defineRoute({
    method: 'patch',
    path: '/v1/webhooks/:id',
    operationId: 'updateWebhook',
    summary: 'Change any of the fields given at creation',
    tag,
    request: { params: WebhookIdParams, body: UpdateWebhookBody },
    responses: { 200: { description: 'The updated webhook.', schema: Webhook } },
    handle: async ({ params, body, workspace, deps, reply }) =>
      reply(200, await updateWorkspaceWebhook(deps, workspace.id, params.id, body)),
  }),
  defineRoute({
    method: 'delete',
    path: '/v1/webhooks/:id',
    operationId: 'deleteWebhook',
    summary: 'Delete a webhook; deliveries still retrying to it end as failed',
    tag,
    request: { params: WebhookIdParams },
    responses: { 204: { description: 'Deleted.' } },
    handle: async ({ params, workspace, deps, reply }) => {
      await deleteWorkspaceWebhook(deps.db, workspace.id, params.id);
      return reply(204);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/webhooks/:id/secret',
    operationId: 'getWebhookSecret',
    summary: 'Read the current signing secret',
    tag,
    request: { params: WebhookIdParams },
    responses: { 200: { description: 'The secret.', schema: SecretResponse } },
    handle: async ({ params, workspace, deps, reply }) =>
      reply(200, { secret: (await getWebhook(deps.db, workspace.id, params.id)).secret }),
  }),
  defineRoute({
    method: 'post',
    path: '/v1/webhooks/:id/rotate-secret',
    operationId: 'rotateWebhookSecret',
    summary: 'Replace the secret; the previous one keeps signing for a grace period (24 h by default)',
    tag,
    request: { params: WebhookIdParams, body: RotateSecretBody },
    responses: { 200: { description: 'The new secret and the end of the grace period.', schema: RotatedSecret } },
    handle: async ({ params, body, workspace, deps, reply }) =>
      reply(
        200,
        await rotateSecret(deps.db, workspace.id, params.id, {
          secret: body.secret,
          graceMs: body.gracePeriodSeconds === undefined ? undefined : body.gracePeriodSeconds * 1000,
        }),
      ),
  }),
  defineRoute({
    method: 'post',
    path: '/v1/webhooks/:id/test',
    operationId: 'testWebhook',
    summary: 'Send an example event (a ping by default) to this webhook only, through the delivery workflow',
    tag,
    temporal: true,
    request: { params: WebhookIdParams, body: TestWebhookBody },
    responses: {
      202: { description: 'Accepted; follow it with GET /v1/events/{eventId}.', schema: TestWebhookResponse },
      409: { description: 'The webhook is disabled.' },
    },
    handle: async ({ params, body, workspace, deps, reply }) =>
      reply(202, await sendTestEvent(deps, workspace.id, params.id, body.type)),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/webhooks/:id/deliveries',
    operationId: 'listWebhookDeliveries',
    summary: 'Recent deliveries to this webhook, newest first, from Temporal visibility',
    tag,
    temporal: true,
    request: { params: WebhookIdParams, query: DeliveryListQuery },
    responses: {
      200: {
        description:
          'One page of deliveries, filtered by Temporal visibility (eventually consistent: a delivery of the last second may be missing or under its former status).',
        schema: DeliveryList,
      },
    },
    handle: async ({ params, query, workspace, deps, reply }) =>
      reply(200, await listWebhookDeliveries(deps, workspace.id, params.id, query)),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/webhooks/:id/attempts',
    operationId: 'listWebhookAttempts',
    summary: 'Every attempt to this webhook: the deliveries of one page, newest first, and their attempts',
    tag,
    temporal: true,
    request: { params: WebhookIdParams, query: DeliveryListQuery },
    responses: {
      200: {
        description: 'The attempts of one page of deliveries (`limit` counts deliveries), newest first.',
        schema: AttemptList,
      },
    },
    handle: async ({ params, query, workspace, deps, reply }) =>
      reply(200, await listWebhookAttempts(deps, workspace.id, params.id, query)),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/webhooks/:id/stats',
    operationId: 'getWebhookStats',
    summary: 'How this webhook fared over the last hour, day or week: counts, success rate, latency, last failure',
    tag,
    temporal: true,
    request: { params: WebhookIdParams, query: WebhookStatsQuery },
    responses: {
      200: {
        description:
          'Counts from Temporal visibility (eventually consistent); latency from the attempts of the most recent deliveries only (`latencySample`).',
        schema: WebhookStats,
      },
    },
    handle: async ({ params, query, workspace, deps, reply }) =>
      reply(200, await getWebhookStats(deps, workspace.id, params.id, query.window)),
  }),
];
