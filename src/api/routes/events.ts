import { API_KEY_SCOPES } from '../../db/schema';
import { emitEvent, getEventStatus, getRedeliveryStatus, redeliverEvent } from '../domain/events';
import { defineRoute, type ApiRoute } from '../route';
import {
  EmitEventBody,
  EmitEventHeaders,
  EmittedEvent,
  EventIdParams,
  EventStatus,
  RedeliverBody,
  RedeliveryAccepted,
  RedeliveryParams,
} from '../schemas';

const tag = 'Events';

export const eventRoutes: ApiRoute[] = [
  defineRoute({
    method: 'post',
    path: '/v1/events',
    operationId: 'emitEvent',
    summary: 'Emit an event to every webhook of the workspace that subscribes to its type',
    tag,
    scope: API_KEY_SCOPES.emit,
    temporal: true,
    request: { body: EmitEventBody, headers: EmitEventHeaders },
    responses: {
      202: {
        description:
          'Accepted for delivery. A repeated id or Idempotency-Key answers with the original event and delivers nothing twice.',
        schema: EmittedEvent,
        headers: {
          'idempotent-replayed': {
            description: '`true` when the event had been accepted before.',
            schema: { type: 'string' },
          },
        },
      },
    },
    handle: async ({ body, headers, workspace, deps, reply }) => {
      const { event, created } = await emitEvent(deps, workspace.id, {
        ...body,
        idempotencyKey: headers['idempotency-key'],
      });
      const { data: _data, ...accepted } = event;
      return reply(202, accepted, { 'idempotent-replayed': String(!created) });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/events/:id',
    operationId: 'getEvent',
    summary: "An event and each endpoint's delivery, read from its workflow",
    tag,
    temporal: true,
    request: { params: EventIdParams },
    responses: { 200: { description: 'The event and where its deliveries stand.', schema: EventStatus } },
    handle: async ({ params, workspace, deps, reply }) =>
      reply(200, await getEventStatus(deps, workspace.id, params.id)),
  }),
  defineRoute({
    method: 'post',
    path: '/v1/events/:id/redeliver',
    operationId: 'redeliverEvent',
    summary: 'Deliver an event again, to all its endpoints or to one, in a new linked workflow',
    tag,
    temporal: true,
    request: { params: EventIdParams, body: RedeliverBody },
    responses: { 202: { description: 'Accepted.', schema: RedeliveryAccepted } },
    handle: async ({ params, body, workspace, deps, reply }) =>
      reply(202, await redeliverEvent(deps, workspace.id, params.id, body)),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/events/:id/redeliveries/:redeliveryId',
    operationId: 'getRedelivery',
    summary: 'Where a redelivery stands',
    tag,
    temporal: true,
    request: { params: RedeliveryParams },
    responses: { 200: { description: 'The redelivery and its deliveries.', schema: EventStatus } },
    handle: async ({ params, workspace, deps, reply }) =>
      reply(200, await getRedeliveryStatus(deps, workspace.id, params.id, params.redeliveryId)),
  }),
];
