import { EVENT_DATA_EXAMPLES, eventDataJsonSchema } from '../../contract/event-data';
import { CATALOGUE_EVENT_TYPES, EVENT_TYPE_CATALOGUE } from '../../contract/event-types';
import { API_KEY_SCOPES } from '../../db/schema';
import { checkReadiness } from '../domain/health';
import { defineRoute, type ApiRoute } from '../route';
import { EventTypeList, Health, OpenApiDocument, Readiness } from '../schemas';

/** The published catalogue: each type with the JSON Schema generated from the zod schema `data` is checked by. */
function eventTypeList() {
  return CATALOGUE_EVENT_TYPES.map((type) => ({
    ...EVENT_TYPE_CATALOGUE[type],
    schema: eventDataJsonSchema(type),
    example: EVENT_DATA_EXAMPLES[type],
  }));
}

/** Routes about the API itself; `document` is the OpenAPI document, built once from every route. */
export function metaRoutes(document: () => Record<string, unknown>): ApiRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/v1/event-types',
      operationId: 'listEventTypes',
      summary:
        'The event catalogue: each type with its group, a description, the JSON Schema of its data and an example',
      tag: 'Events',
      scope: API_KEY_SCOPES.emit,
      responses: { 200: { description: 'The catalogue.', schema: EventTypeList } },
      handle: ({ reply }) => reply(200, { data: eventTypeList() }),
    }),
    defineRoute({
      method: 'get',
      path: '/healthz',
      operationId: 'health',
      summary: 'The process is up',
      tag: 'Operations',
      auth: false,
      responses: { 200: { description: 'Up.', schema: Health } },
      handle: ({ reply }) => reply(200, { status: 'ok' }),
    }),
    defineRoute({
      method: 'get',
      path: '/readyz',
      operationId: 'readiness',
      summary: 'SQLite and Temporal both answer',
      tag: 'Operations',
      auth: false,
      responses: {
        200: { description: 'Ready.', schema: Readiness },
        503: { description: 'A dependency does not answer.', schema: Readiness },
      },
      handle: async ({ deps, reply }) => {
        const { ready, checks } = await checkReadiness(deps);
        return ready ? reply(200, { status: 'ready', checks }) : reply(503, { status: 'unavailable', checks });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/openapi.json',
      operationId: 'openApiDocument',
      summary: 'This OpenAPI 3.1 document',
      tag: 'Operations',
      auth: false,
      responses: { 200: { description: 'The document.', schema: OpenApiDocument } },
      handle: ({ reply }) => reply(200, document()),
    }),
  ];
}
