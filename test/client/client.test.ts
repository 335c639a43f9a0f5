import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { OPERATIONS } from '../../src/client/api-types';
import { EVENT_DATA_EXAMPLES } from '../../src/contract/event-data';
import {
  createHooklineClient,
  HooklineApiError,
  HooklineTimeoutError,
  type HooklineClient,
  type HooklineClientOptions,
  type OperationId,
} from '../../src/index';
import { CLIENT_TYPES_FILE, renderClientTypes } from '../../scripts/generate-client';
import { startDevServer } from '../../src/temporal-server/servers';
import { eventually, newWorkspaceWithKey, startApiStack, type ApiStack } from '../api/harness';
import { testEncryption } from '../support/fixtures';
import { startReceiver, type ReceivedRequest, type Receiver } from '../support/receiver';
import { problemAnswer, startFlakyProxy, type FlakyProxy, type ProxyAction } from './support';

let stack: ApiStack;
let receiver: Receiver;
const proxies: FlakyProxy[] = [];

beforeAll(async () => {
  // The dev server, for the visibility queries behind the delivery lists and the search.
  stack = await startApiStack(
    await startDevServer({ executable: inject('devServerExecutable'), dataConverter: testEncryption.dataConverter }),
  );
  receiver = await startReceiver();
});

afterAll(async () => {
  await Promise.all(proxies.map((proxy) => proxy.close()));
  await stack?.stop(receiver ? [receiver] : []);
});

/** A client with a key of a workspace of its own, so no test sees another's webhooks or events. */
async function workspaceClient(options: Partial<HooklineClientOptions> = {}) {
  const { key, workspaceId } = await newWorkspaceWithKey(stack.temp.db);
  return { client: createHooklineClient({ baseUrl: stack.api.url, apiKey: key, ...options }), key, workspaceId };
}

/** A webhook to the loopback receiver; a delivery to it is told apart by its `webhook-id` (the event id). */
const newWebhook = (client: HooklineClient) =>
  client.createWebhook({ body: { url: receiver.url, events: ['lead.created'] } });

const leadCreated = { type: 'lead.created' as const, data: { ...EVENT_DATA_EXAMPLES['lead.created'] } };

const deliveriesOf = (eventId: string): ReceivedRequest[] =>
  receiver.requests.filter((request) => request.headers['webhook-id'] === eventId);

const succeeded = async (client: HooklineClient, eventId: string) => {
  const status = await client.getEvent({ path: { id: eventId } });
  return status.deliveries.length > 0 && status.deliveries.every((d) => d.status === 'succeeded') && status;
};

async function expectApiError(call: Promise<unknown>): Promise<HooklineApiError> {
  const error = await call.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(HooklineApiError);
  return error as HooklineApiError;
}

async function proxyClient(script: (index: number) => ProxyAction, options: Partial<HooklineClientOptions> = {}) {
  const proxy = await startFlakyProxy(stack.api.url, script);
  proxies.push(proxy);
  const { key, workspaceId } = await newWorkspaceWithKey(stack.temp.db);
  const direct = createHooklineClient({ baseUrl: stack.api.url, apiKey: key });
  const client = createHooklineClient({ baseUrl: proxy.url, apiKey: key, ...options });
  return { proxy, client, direct, workspaceId };
}

/**
 * One scenario per operation of the API. The type demands an entry for every operationId of the
 * generated client, so an operation added to the API (and the client regenerated) fails to compile
 * here until it is exercised.
 */
const OPERATION_SCENARIOS: Record<OperationId, () => Promise<void>> = {
  async health() {
    const client = createHooklineClient({ baseUrl: stack.api.url });
    expect(await client.health()).toEqual({ status: 'ok' });
  },

  async readiness() {
    const client = createHooklineClient({ baseUrl: stack.api.url });
    expect(await client.readiness()).toMatchObject({ status: 'ready' });
  },

  async openApiDocument() {
    const client = createHooklineClient({ baseUrl: stack.api.url });
    const document = await client.openApiDocument();
    const paths = Object.keys(document.paths as Record<string, unknown>);
    expect(paths).toEqual(expect.arrayContaining(Object.values(OPERATIONS).map((operation) => operation.path)));
  },

  async listEventTypes() {
    const { client } = await workspaceClient();
    const { data } = await client.listEventTypes();
    expect(data.map((info) => info.type)).toContain('lead.created');
  },

  async createWebhook() {
    const { client } = await workspaceClient();
    const webhook = await newWebhook(client);
    expect(webhook).toMatchObject({ url: receiver.url, events: ['lead.created'], enabled: true });
    expect(webhook.secret).toMatch(/^whsec_/);
  },

  async listWebhooks() {
    const { client } = await workspaceClient();
    const first = await newWebhook(client);
    const second = await newWebhook(client);
    const page = await client.listWebhooks({ query: { limit: 1 } });
    expect(page.data).toHaveLength(1);
    expect(page.nextCursor).toEqual(expect.any(String));
    const rest = await client.listWebhooks({ query: { cursor: page.nextCursor!, limit: 10 } });
    expect([...page.data, ...rest.data].map((webhook) => webhook.id).sort()).toEqual([first.id, second.id].sort());
  },

  async getWebhook() {
    const { client } = await workspaceClient();
    const { id } = await newWebhook(client);
    expect(await client.getWebhook({ path: { id } })).toMatchObject({ id, url: receiver.url });
  },

  async updateWebhook() {
    const { client } = await workspaceClient();
    const { id } = await newWebhook(client);
    const updated = await client.updateWebhook({ path: { id }, body: { description: 'CRM sync', events: ['*'] } });
    expect(updated).toMatchObject({ id, description: 'CRM sync', events: ['*'] });
  },

  async deleteWebhook() {
    const { client } = await workspaceClient();
    const { id } = await newWebhook(client);
    expect(await client.deleteWebhook({ path: { id } })).toBeUndefined();
    const error = await expectApiError(client.getWebhook({ path: { id } }));
    expect(error).toMatchObject({ status: 404, operationId: 'getWebhook' });
    expect(error.type).toMatch(/not-found/);
    expect(error.title).toEqual(expect.any(String));
    expect(error.detail).toEqual(expect.any(String));
  },

  async getWebhookSecret() {
    const { client } = await workspaceClient();
    const webhook = await newWebhook(client);
    expect(await client.getWebhookSecret({ path: { id: webhook.id } })).toEqual({ secret: webhook.secret });
  },

  async rotateWebhookSecret() {
    const { client } = await workspaceClient();
    const webhook = await newWebhook(client);
    const rotated = await client.rotateWebhookSecret({ path: { id: webhook.id }, body: { gracePeriodSeconds: 60 } });
    expect(rotated.secret).not.toBe(webhook.secret);
    expect(await client.getWebhookSecret({ path: { id: webhook.id } })).toEqual({ secret: rotated.secret });
  },

  async testWebhook() {
    const { client } = await workspaceClient();
    const { id } = await newWebhook(client);
    const { eventId } = await client.testWebhook({ path: { id }, body: {} });
    await eventually(async () => deliveriesOf(eventId).length === 1, { what: 'the test delivery' });
  },

  async listWebhookDeliveries() {
    const { client } = await workspaceClient();
    const { id } = await newWebhook(client);
    const event = await client.emitEvent({ body: leadCreated });
    const page = await eventually(
      async () => {
        const list = await client.listWebhookDeliveries({ path: { id }, query: { status: 'succeeded' } });
        return list.data.length > 0 && list;
      },
      { what: 'the delivery in the list' },
    );
    expect(page.data[0]).toMatchObject({ eventId: event.id, status: 'succeeded' });
  },

  async emitEvent() {
    const { client, workspaceId } = await workspaceClient();
    await newWebhook(client);
    const event = await client.emitEvent({ body: leadCreated });
    // The client gave the event its id, so that a retry of the same call is the same event.
    expect(event).toMatchObject({ type: 'lead.created', workspaceId, id: expect.stringMatching(/^evt_/) });
    const again = await client.request('emitEvent', { body: { ...leadCreated, id: event.id } });
    expect(again.status).toBe(202);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    await eventually(() => succeeded(client, event.id), { what: 'the delivery' });
    expect(deliveriesOf(event.id)).toHaveLength(1);
  },

  async getEvent() {
    const { client } = await workspaceClient();
    const webhook = await newWebhook(client);
    const { id } = await client.emitEvent({ body: leadCreated });
    const status = await eventually(() => succeeded(client, id), { what: 'the delivery' });
    expect(status.event).toMatchObject({ id, type: 'lead.created' });
    expect(status.deliveries).toMatchObject([{ webhookId: webhook.id, attempts: 1, lastStatusCode: 200 }]);
  },

  async redeliverEvent() {
    const { client } = await workspaceClient();
    await newWebhook(client);
    const { id } = await client.emitEvent({ body: leadCreated });
    await eventually(() => succeeded(client, id), { what: 'the delivery' });
    const redelivery = await client.redeliverEvent({ path: { id }, body: {} });
    expect(redelivery).toMatchObject({ eventId: id, redeliveryId: expect.any(String) });
    await eventually(async () => deliveriesOf(id).length === 2, { what: 'the redelivery' });
  },

  async getRedelivery() {
    const { client } = await workspaceClient();
    await newWebhook(client);
    const { id } = await client.emitEvent({ body: leadCreated });
    await eventually(() => succeeded(client, id), { what: 'the delivery' });
    const { redeliveryId } = await client.redeliverEvent({ path: { id }, body: {} });
    const status = await eventually(
      async () => {
        const redelivery = await client.getRedelivery({ path: { id, redeliveryId } });
        return redelivery.deliveries.every((d) => d.status === 'succeeded') && redelivery;
      },
      { what: 'the redelivery' },
    );
    expect(status).toMatchObject({ trigger: 'redelivery', redeliveryOf: expect.any(String) });
  },

  async createApiKey() {
    const { client } = await workspaceClient();
    const created = await client.createApiKey({ body: { scope: 'emit', name: 'billing service' } });
    expect(created).toMatchObject({ scope: 'emit', name: 'billing service', status: 'active' });
    const emitter = createHooklineClient({ baseUrl: stack.api.url, apiKey: created.key });
    await emitter.emitEvent({ body: leadCreated });
    expect(await expectApiError(emitter.listWebhooks())).toMatchObject({ status: 403 });
  },

  async listApiKeys() {
    const { client } = await workspaceClient();
    const created = await client.createApiKey({ body: { scope: 'manage' } });
    const { data } = await client.listApiKeys();
    expect(data.map((key) => key.id)).toContain(created.id);
  },

  async revokeApiKey() {
    const { client } = await workspaceClient();
    const created = await client.createApiKey({ body: { scope: 'manage' } });
    await client.revokeApiKey({ path: { id: created.id } });
    const revoked = createHooklineClient({ baseUrl: stack.api.url, apiKey: created.key });
    expect(await expectApiError(revoked.listWebhooks())).toMatchObject({ status: 401 });
  },

  async searchEvents() {
    const { client } = await workspaceClient();
    const webhook = await newWebhook(client);
    const { id } = await client.emitEvent({ body: leadCreated });
    const found = await eventually(
      async () => {
        const page = await client.searchEvents({ query: { webhookId: webhook.id, status: 'succeeded' } });
        return page.data.length > 0 && page;
      },
      { what: 'the event in the search' },
    );
    expect(found.data).toMatchObject([{ eventId: id, eventType: 'lead.created', webhookIds: [webhook.id] }]);
  },

  async listWebhookAttempts() {
    const { client } = await workspaceClient();
    const webhook = await newWebhook(client);
    const { id } = await client.emitEvent({ body: leadCreated });
    await eventually(() => succeeded(client, id), { what: 'the delivery' });
    const attempts = await eventually(
      async () => {
        const page = await client.listWebhookAttempts({ path: { id: webhook.id } });
        return page.data.length > 0 && page;
      },
      { what: 'the attempt in the list' },
    );
    expect(JSON.stringify(attempts.data[0])).toContain(id);
  },

  async getWebhookStats() {
    const { client } = await workspaceClient();
    const webhook = await newWebhook(client);
    const { id } = await client.emitEvent({ body: leadCreated });
    await eventually(() => succeeded(client, id), { what: 'the delivery' });
    const stats = await eventually(
      async () => {
        const found = await client.getWebhookStats({ path: { id: webhook.id }, query: { window: '1h' } });
        return found.succeeded === 1 && found;
      },
      { what: 'the delivery in the stats' },
    );
    expect(stats).toMatchObject({ webhookId: webhook.id, window: '1h', deliveries: 1, failed: 0, successRate: 1 });
  },

  async recoverWebhook() {
    const { client } = await workspaceClient();
    const webhook = await newWebhook(client);
    const since = new Date(Date.now() - 3_600_000).toISOString();
    const recovery = await client.recoverWebhook({ path: { id: webhook.id }, body: { since } });
    expect(recovery).toMatchObject({ webhookId: webhook.id, recoveryId: expect.any(String) });
  },

  async recoverWorkspace() {
    const { client } = await workspaceClient();
    const since = new Date(Date.now() - 3_600_000).toISOString();
    const recovery = await client.recoverWorkspace({ body: { since } });
    expect(recovery).toMatchObject({ webhookId: null, recoveryId: expect.any(String) });
  },

  async getRecovery() {
    const { client } = await workspaceClient();
    const since = new Date(Date.now() - 3_600_000).toISOString();
    const { recoveryId } = await client.recoverWorkspace({ body: { since } });
    const done = await eventually(
      async () => {
        const recovery = await client.getRecovery({ path: { id: recoveryId } });
        return recovery.status === 'completed' && recovery;
      },
      { what: 'the recovery to complete' },
    );
    expect(done).toMatchObject({ recoveryId, found: 0, redelivered: 0 });
  },

  async cancelRecovery() {
    const { client } = await workspaceClient();
    const since = new Date(Date.now() - 3_600_000).toISOString();
    const { recoveryId } = await client.recoverWorkspace({ body: { since } });
    const cancelled = await client
      .cancelRecovery({ path: { id: recoveryId } })
      .catch((err: unknown) => (err instanceof HooklineApiError && err.status === 409 ? err : Promise.reject(err)));
    // A recovery with nothing to do may have completed before the cancel arrived: a typed 409 then.
    if (cancelled instanceof HooklineApiError) expect(cancelled.type).toEqual(expect.any(String));
    else expect(cancelled).toMatchObject({ recoveryId });
  },

  async createPortalSession() {
    const { client } = await workspaceClient();
    const session = await client.createPortalSession({ body: {} });
    expect(session.url).toEqual(expect.any(String));
    expect(Date.parse(session.expiresAt)).toBeGreaterThan(Date.now());
  },
};

describe('the Hookline client against the real API', () => {
  it('has one method for every operation of the OpenAPI document', () => {
    const client = createHooklineClient({ baseUrl: 'http://127.0.0.1:1' });
    for (const operationId of Object.keys(OPERATIONS)) expect(client, operationId).toHaveProperty([operationId]);
    expect(Object.keys(OPERATION_SCENARIOS).sort()).toEqual(Object.keys(OPERATIONS).sort());
  });

  it.each(Object.keys(OPERATIONS) as OperationId[])('calls %s', async (operationId) => {
    await OPERATION_SCENARIOS[operationId]();
  });

  it('throws a HooklineApiError with the problem’s fields on a validation error', async () => {
    const { client } = await workspaceClient();
    const error = await expectApiError(client.createWebhook({ body: { url: 'not a url', events: ['lead.created'] } }));
    expect(error).toMatchObject({ status: 400, operationId: 'createWebhook', title: expect.any(String) });
    expect(error.type).toMatch(/validation/);
    expect(error.errors.map((field) => field.field)).toContain('url');
    expect(error.message).toContain('400');
  });

  it('throws a HooklineApiError on an unknown key, without retrying it', async () => {
    const { proxy, client } = await proxyClient(() => 'forward', { apiKey: 'hk_not-a-key' });
    const error = await expectApiError(client.listWebhooks());
    expect(error.status).toBe(401);
    expect(proxy.requests).toHaveLength(1);
  });

  it('the committed types are those of the OpenAPI document the API serves (`npm run client:generate`)', async () => {
    const document = await createHooklineClient({ baseUrl: stack.api.url }).openApiDocument();
    const expected = await renderClientTypes(document);
    expect(
      fs.readFileSync(CLIENT_TYPES_FILE, 'utf8') === expected,
      'src/client/api-types.ts is stale: run `npm run client:generate`',
    ).toBe(true);
  });
});

describe('the Hookline client’s retries', () => {
  it('waits for the Retry-After of a 503 and then gets the answer', async () => {
    const { proxy, client } = await proxyClient((index) =>
      index === 0 ? problemAnswer(503, { 'retry-after': '1' }) : 'forward',
    );
    const page = await client.listWebhooks();
    expect(page.data).toEqual([]);
    expect(proxy.requests).toHaveLength(2);
    expect(proxy.requests[1]!.at - proxy.requests[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it('sends a retried emit with the same generated id, so it is delivered once', async () => {
    // The first attempt reaches the API, which accepts it; the answer is lost behind a 503.
    const { proxy, client, direct } = await proxyClient((index) =>
      index === 0 ? { forwardThenAnswer: problemAnswer(503, { 'retry-after': '1' }) } : 'forward',
    );
    await newWebhook(direct);
    const event = await client.emitEvent({ body: leadCreated });

    const ids = proxy.requests.map((request) => (JSON.parse(request.body) as { id: string }).id);
    expect(ids).toEqual([event.id, event.id]);
    await eventually(() => succeeded(direct, event.id), { what: 'the delivery' });
    expect(deliveriesOf(event.id)).toHaveLength(1);
  });

  it('does not repeat a create after a 5xx, which may have committed, but does after a 429', async () => {
    const failing = await proxyClient(() => problemAnswer(503, { 'retry-after': '0' }));
    expect(await expectApiError(newWebhook(failing.client))).toMatchObject({ status: 503, retryAfterSeconds: 0 });
    expect(failing.proxy.requests).toHaveLength(1);

    const throttled = await proxyClient((index) =>
      index === 0 ? problemAnswer(429, { 'retry-after': '1' }) : 'forward',
    );
    const webhook = await newWebhook(throttled.client);
    expect(throttled.proxy.requests).toHaveLength(2);
    expect((await throttled.direct.listWebhooks()).data.map((w) => w.id)).toEqual([webhook.id]);
  });

  it('gives up when Retry-After asks for longer than maxDelayMs, and says how long', async () => {
    const { proxy, client } = await proxyClient(() => problemAnswer(503, { 'retry-after': '120' }));
    const started = Date.now();
    const error = await expectApiError(client.listWebhooks());
    expect(error).toMatchObject({ status: 503, retryAfterSeconds: 120, title: 'Unavailable', detail: 'Try later.' });
    expect(proxy.requests).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('stops after maxRetries', async () => {
    const { proxy, client } = await proxyClient(() => problemAnswer(502), {
      retry: { maxRetries: 2, baseDelayMs: 50 },
    });
    expect(await expectApiError(client.listApiKeys())).toMatchObject({ status: 502 });
    expect(proxy.requests).toHaveLength(3);
  });

  it('ends a call that gets no answer with a HooklineTimeoutError after timeoutMs', async () => {
    const { client } = await proxyClient(() => 'hang', { timeoutMs: 500 });
    const started = Date.now();
    const error = await client.listWebhooks().catch((err: unknown) => err);
    expect(error).toBeInstanceOf(HooklineTimeoutError);
    expect(error).toMatchObject({ operationId: 'listWebhooks', timeoutMs: 500 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});
