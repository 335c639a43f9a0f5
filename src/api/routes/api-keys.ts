import { createWorkspaceApiKey, listWorkspaceApiKeys, revokeWorkspaceApiKey } from '../domain/api-keys';
import { defineRoute, type ApiRoute } from '../route';
import { ApiKeyIdParams, ApiKeyList, ApiKeyListQuery, CreateApiKeyBody, NewApiKey } from '../schemas';

const tag = 'API keys';

/** The workspace's API keys; every route needs a `manage` key (the default scope). */
export const apiKeyRoutes: ApiRoute[] = [
  defineRoute({
    method: 'post',
    path: '/v1/api-keys',
    operationId: 'createApiKey',
    summary: 'Create an API key for this workspace; the answer holds the key, shown only this once',
    tag,
    request: { body: CreateApiKeyBody },
    responses: { 201: { description: 'The new key and its record.', schema: NewApiKey } },
    handle: async ({ body, workspace, deps, reply }) =>
      reply(201, await createWorkspaceApiKey(deps.db, workspace.id, body)),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/api-keys',
    operationId: 'listApiKeys',
    summary: 'List the API keys of this workspace, revoked and expired ones included, oldest first',
    tag,
    request: { query: ApiKeyListQuery },
    responses: { 200: { description: 'One page of keys; never the keys themselves.', schema: ApiKeyList } },
    handle: async ({ query, workspace, deps, reply }) =>
      reply(200, await listWorkspaceApiKeys(deps.db, workspace.id, { ...query, cursors: deps.temporal.cursors })),
  }),
  defineRoute({
    method: 'delete',
    path: '/v1/api-keys/:id',
    operationId: 'revokeApiKey',
    summary: 'Revoke an API key, this one included; it is refused from the next request on',
    tag,
    request: { params: ApiKeyIdParams },
    responses: { 204: { description: 'Revoked, now or before.' } },
    handle: async ({ params, workspace, deps, reply }) => {
      await revokeWorkspaceApiKey(deps.db, workspace.id, params.id);
      return reply(204);
    },
  }),
];
