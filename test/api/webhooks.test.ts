import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Ajv2020 } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disableWebhook } from '../../src/db/webhooks';
import { deliveryWorkflowId } from '../../src/contract/delivery';
import { EVENT_DATA_EXAMPLES } from '../../src/contract/event-data';
import { PING_EVENT_TYPE } from '../../src/contract/event-types';
import { generateWebhookSecret } from '../../src/shared/webhook-secret';
import { STORES, type TempDatabase } from '../support/fixtures';
import { startReceiver, type Receiver } from '../support/receiver';
import {
  newWorkspaceWithKey,
  type ApiHarness,
  type ApiStack,
  type TestWorkspace,
  startTimeSkippingApiStack,
} from './harness';
import type { z } from 'zod';
import type { Webhook } from '../../src/api/schemas';
import type { Problem as ProblemBody } from '../../src/contract/problem';

/** Bodies as the response schemas declare them (the OpenAPI document says the same). */
type WebhookBody = z.infer<typeof Webhook> & { secret?: string };

describe.each(STORES)('the webhooks API on %s', (store) => {
  let env: TestWorkflowEnvironment;
  let temp: TempDatabase;
  let api: ApiHarness;
  let stack: ApiStack | undefined;
  const receivers: Receiver[] = [];

  beforeAll(async () => {
    stack = await startTimeSkippingApiStack({ store });
    ({ env, temp, api } = stack);
  });

  afterAll(() => stack?.stop(receivers));

  async function receiver(): Promise<Receiver> {
    const r = await startReceiver();
    receivers.push(r);
    return r;
  }

  async function createWebhook(ws: TestWorkspace, body: Record<string, unknown> = {}): Promise<WebhookBody> {
    const res = await api.request<WebhookBody>('POST', '/v1/webhooks', {
      key: ws.key,
      body: { url: 'https://example.com/hooks', events: ['lead.created'], ...body },
    });
    expect(res.status).toBe(201);
    return res.body;
  }

  function expectProblem(res: { status: number; headers: Headers; body: unknown }, status: number): ProblemBody {
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const body = res.body as ProblemBody;
    expect(body).toMatchObject({ type: expect.stringMatching(/^urn:hookline:problem:/), status });
    expect(typeof body.title).toBe('string');
    expect(typeof body.detail).toBe('string');
    expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:\d+/);
    return body;
  }

  describe('authentication', () => {
    it('answers 401 without a key or with an unknown one', async () => {
      const missing = await api.request('GET', '/v1/webhooks');
      const wrong = await api.request('GET', '/v1/webhooks', { key: 'hk_not-a-key' });
      const wrongHeader = await api.request('GET', '/v1/webhooks', { headers: { 'x-api-key': 'hk_nope' } });

      expectProblem(missing, 401);
      expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expectProblem(wrong, 401);
      expectProblem(wrongHeader, 401);
    });

    it('accepts the key as a bearer token or in x-api-key', async () => {
      const ws = await newWorkspaceWithKey(temp.db);

      const bearer = await api.request('GET', '/v1/webhooks', { key: ws.key });
      const header = await api.request('GET', '/v1/webhooks', { headers: { 'x-api-key': ws.key } });

      expect(bearer.status).toBe(200);
      expect(header.status).toBe(200);
    });
  });

  describe('errors', () => {
    it('answers malformed JSON, unknown routes, wrong methods and non-JSON bodies with problem+json', async () => {
      const ws = await newWorkspaceWithKey(temp.db);

      const malformed = await api.request('POST', '/v1/webhooks', {
        key: ws.key,
        rawBody: '{"url": ',
        headers: { 'content-type': 'application/json' },
      });
      const unknownRoute = await api.request('GET', '/v1/nothing-here', { key: ws.key });
      const wrongMethod = await api.request('PUT', '/v1/webhooks', { key: ws.key, body: {} });
      const notJson = await api.request('POST', '/v1/webhooks', {
        key: ws.key,
        rawBody: 'url=https://example.com',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });

      expect(expectProblem(malformed, 400).type).toBe('urn:hookline:problem:malformed-json');
      expectProblem(unknownRoute, 404);
      expectProblem(wrongMethod, 405);
      expect(wrongMethod.headers.get('allow')).toBe('POST, GET, HEAD');
      expectProblem(notJson, 415);
    });
  });

  describe('GET /v1/event-types', () => {
    type PublishedType = {
      type: string;
      description: string;
      group: string;
      operational: boolean;
      schema: Record<string, unknown>;
      example: Record<string, unknown>;
    };

    async function catalogue(): Promise<PublishedType[]> {
      const ws = await newWorkspaceWithKey(temp.db);
      const res = await api.request<{ data: PublishedType[] }>('GET', '/v1/event-types', { key: ws.key });
      expect(res.status).toBe(200);
      return res.body.data;
    }

    it('lists the seven service types in their groups, then the operational ones, each described', async () => {
      const published = await catalogue();

      expect(published.map((t) => [t.type, t.group, t.operational])).toEqual([
        ['action_log.completed', 'Action Log', false],
        ['action_log.failed', 'Action Log', false],
        ['document.received', 'Document', false],
        ['document.extracted', 'Document', false],
        ['lead.created', 'Lead', false],
        ['lead.updated', 'Lead', false],
        ['lead.completed', 'Lead', false],
        ['webhook.disabled', 'Operational', true],
        ['delivery.exhausted', 'Operational', true],
        ['webhook.recovered', 'Operational', true],
      ]);
      for (const info of published) {
        expect(info.description).not.toBe('');
        expect(info.example).toEqual(EVENT_DATA_EXAMPLES[info.type as keyof typeof EVENT_DATA_EXAMPLES]);
      }
    });

    it('publishes JSON Schemas that a JSON Schema validator compiles, which its example passes and bad data fails', async () => {
      // A validator other than zod, so that the published document itself is checked, not the code behind it.
      const ajv = new Ajv2020({ strict: true, allErrors: true });
      addFormats(ajv);
      const published = await catalogue();
      const validate = new Map(published.map((t) => [t.type, ajv.compile(t.schema)]));
      const check = (type: string, data: unknown) => validate.get(type)!(data);

      for (const { type, schema, example } of published) {
        expect(schema.$schema, type).toBe('https://json-schema.org/draft/2020-12/schema');
        expect(check(type, example), `${type}: ${ajv.errorsText(validate.get(type)!.errors)}`).toBe(true);
      }
      const lead = published.find((t) => t.type === 'lead.completed')!.example;
      expect(check('lead.created', { leadId: 'lead_1' })).toBe(false);
      expect(check('lead.created', { leadId: 'lead_1', source: 'web_form' })).toBe(false);
      expect(check('lead.completed', { ...lead, checklistItems: [{ status: 'DONE' }] })).toBe(false);
      expect(check('delivery.exhausted', { ...EVENT_DATA_EXAMPLES['delivery.exhausted'], attempts: 1.5 })).toBe(false);
      expect(check('lead.created', { leadId: 'lead_1', source: 'api', loanAmount: 75000 })).toBe(true);
    });
  });

  describe('webhooks', () => {
    it('keeps the standard retry schedule unless a webhook chooses the extended one, and refuses others', async () => {
      const ws = await newWorkspaceWithKey(temp.db);
      const standard = await createWebhook(ws);
      const extended = await createWebhook(ws, { retrySchedule: 'extended' });

      const patched = await api.request<WebhookBody>('PATCH', `/v1/webhooks/${standard.id}`, {
        key: ws.key,
        body: { retrySchedule: 'extended' },
      });
      const refused = await api.request('PATCH', `/v1/webhooks/${extended.id}`, {
        key: ws.key,
        body: { retrySchedule: 'weekly' },
      });

      expect(standard).toMatchObject({ retrySchedule: 'standard' });
      expect(extended).toMatchObject({ retrySchedule: 'extended' });
      expect(patched.body).toMatchObject({ retrySchedule: 'extended' });
      expect(expectProblem(refused, 400).errors).toEqual([
        { field: 'retrySchedule', message: 'must be standard or extended' },
      ]);
    });

    it('creates a webhook and answers with it and its secret', async () => {
      const ws = await newWorkspaceWithKey(temp.db);
      const secret = generateWebhookSecret();

      const res = await api.request<WebhookBody>('POST', '/v1/webhooks', {
        key: ws.key,
        body: {
          url: 'https://example.com/hooks',
          events: ['lead.created', 'lead.created', 'document.received'],
          secret,
          description: 'CRM sync',
          enabled: false,
          headers: { 'x-tenant': 'acme' },
        },
      });

      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.stringMatching(/^wh_/),
        url: 'https://example.com/hooks',
        events: ['lead.created', 'document.received'],
        description: 'CRM sync',
        enabled: false,
        disabledReason: null,
        failingSince: null,
        retrySchedule: 'standard',
        headers: { 'x-tenant': 'acme' },
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
        secret,
      });
      const generated = await createWebhook(ws);
      expect(generated.secret).toMatch(/^whsec_/);
    });

    it.each([
      ['an unknown event type', { events: ['lead.deleted'] }, 'events.0'],
      ['an empty event list', { events: [] }, 'events'],
      ['a malformed URL', { url: 'not a url' }, 'url'],
      ['a URL that is not http', { url: 'ftp://example.com/hooks' }, 'url'],
      ['a secret not in whsec_ form', { secret: 'hunter2' }, 'secret'],
      ['a header Hookline sets itself', { headers: { 'webhook-id': 'x' } }, 'headers.webhook-id'],
      ['an unknown field', { colour: 'blue' }, 'body'],
    ])('rejects %s with 400 naming the field', async (_case, override, field) => {
      const ws = await newWorkspaceWithKey(temp.db);

      const res = await api.request('POST', '/v1/webhooks', {
        key: ws.key,
        body: { url: 'https://example.com/hooks', events: ['*'], ...override },
      });

      const problem = expectProblem(res, 400);
      expect(problem.errors?.map((e) => e.field)).toContain(field);
    });

    it('subscribes to operational event types by name, besides `*`, and refuses unknown names', async () => {
      const ws = await newWorkspaceWithKey(temp.db);

      const operational = await createWebhook(ws, { events: ['*', 'delivery.exhausted', 'webhook.disabled'] });
      const updated = await api.request<WebhookBody>('PATCH', `/v1/webhooks/${operational.id}`, {
        key: ws.key,
        body: { events: ['webhook.recovered'] },
      });
      const unknown = await api.request('POST', '/v1/webhooks', {
        key: ws.key,
        body: { url: 'https://example.com/hooks', events: ['webhook.deleted'] },
      });

      expect(operational.events).toEqual(['*', 'delivery.exhausted', 'webhook.disabled']);
      expect(updated.body.events).toEqual(['webhook.recovered']);
      expect(expectProblem(unknown, 400).errors).toEqual([
        { field: 'events.0', message: expect.stringContaining('webhook.recovered, *') },
      ]);
    });

    it('walks every page of the list once, without secrets', async () => {
      const ws = await newWorkspaceWithKey(temp.db);
      const created = [];
      for (let i = 0; i < 7; i++) created.push((await createWebhook(ws, { description: `hook ${i}` })).id);
      await createWebhook(await newWorkspaceWithKey(temp.db));

      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: string = cursor ? `?limit=3&cursor=${encodeURIComponent(cursor)}` : '?limit=3';
        const res = await api.request<{ data: WebhookBody[]; nextCursor: string | null }>(
          'GET',
          `/v1/webhooks${query}`,
          {
            key: ws.key,
          },
        );
        expect(res.status).toBe(200);
        for (const webhook of res.body.data) expect(webhook).not.toHaveProperty('secret');
        seen.push(...res.body.data.map((w) => w.id));
        cursor = res.body.nextCursor;
        pages++;
      } while (cursor);

      expect(pages).toBe(3);
      expect(seen).toEqual(created);
      const defaults = await api.request<{ data: unknown[] }>('GET', '/v1/webhooks', { key: ws.key });
      expect(defaults.body.data).toHaveLength(7);
    });

    it('rejects a limit over 250 and a foreign cursor with 400', async () => {
      const ws = await newWorkspaceWithKey(temp.db);

      const tooMany = await api.request('GET', '/v1/webhooks?limit=251', { key: ws.key });
      const badCursor = await api.request('GET', '/v1/webhooks?cursor=bm9wZQ', { key: ws.key });

      expect(expectProblem(tooMany, 400).errors?.[0]?.field).toBe('limit');
      expect(expectProblem(badCursor, 400).errors?.[0]?.field).toBe('cursor');
    });

    it('reads, updates any subset of fields, and deletes a webhook', async () => {
      const ws = await newWorkspaceWithKey(temp.db);
      const webhook = await createWebhook(ws, { description: 'before' });

      const read = await api.request<WebhookBody>('GET', `/v1/webhooks/${webhook.id}`, { key: ws.key });
      const patched = await api.request<WebhookBody>('PATCH', `/v1/webhooks/${webhook.id}`, {
        key: ws.key,
        body: { events: ['*'], enabled: false },
      });
      const empty = await api.request('PATCH', `/v1/webhooks/${webhook.id}`, { key: ws.key, body: {} });
      const invalid = await api.request('PATCH', `/v1/webhooks/${webhook.id}`, { key: ws.key, body: { url: 'nope' } });
      const deleted = await api.request('DELETE', `/v1/webhooks/${webhook.id}`, { key: ws.key });
      const gone = await api.request('GET', `/v1/webhooks/${webhook.id}`, { key: ws.key });
      const deletedAgain = await api.request('DELETE', `/v1/webhooks/${webhook.id}`, { key: ws.key });

      expect(read.status).toBe(200);
      expect(read.body).toEqual({ ...webhook, secret: undefined });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({ url: webhook.url, description: 'before', events: ['*'], enabled: false });
      expectProblem(empty, 400);
      expect(expectProblem(invalid, 400).errors?.[0]?.field).toBe('url');
      expect(deleted.status).toBe(204);
      expect(deleted.text).toBe('');
      expectProblem(gone, 404);
      expectProblem(deletedAgain, 404);
    });

    it('shows why Hookline disabled a webhook until it is enabled again', async () => {
      const ws = await newWorkspaceWithKey(temp.db);
      const webhook = await createWebhook(ws);
      await disableWebhook(temp.db, webhook.id, 'Receiver answered 410 Gone');

      const disabled = await api.request<WebhookBody>('GET', `/v1/webhooks/${webhook.id}`, { key: ws.key });
      const enabled = await api.request<WebhookBody>('PATCH', `/v1/webhooks/${webhook.id}`, {
        key: ws.key,
        body: { enabled: true },
      });

      expect(disabled.body).toMatchObject({ enabled: false, disabledReason: 'Receiver answered 410 Gone' });
      expect(enabled.body).toMatchObject({ enabled: true, disabledReason: null });
    });

    it("answers 404 for another workspace's webhook on every route and never lists it", async () => {
      const owner = await newWorkspaceWithKey(temp.db);
      const intruder = await newWorkspaceWithKey(temp.db);
      const webhook = await createWebhook(owner);
      const key = intruder.key;

      const answers = await Promise.all([
        api.request('GET', `/v1/webhooks/${webhook.id}`, { key }),
        api.request('PATCH', `/v1/webhooks/${webhook.id}`, { key, body: { description: 'mine now' } }),
        api.request('DELETE', `/v1/webhooks/${webhook.id}`, { key }),
        api.request('GET', `/v1/webhooks/${webhook.id}/secret`, { key }),
        api.request('POST', `/v1/webhooks/${webhook.id}/rotate-secret`, { key }),
        api.request('POST', `/v1/webhooks/${webhook.id}/test`, { key }),
        api.request('GET', `/v1/webhooks/${webhook.id}/deliveries`, { key }),
      ]);
      const list = await api.request<{ data: unknown[] }>('GET', '/v1/webhooks', { key });

      for (const answer of answers) expectProblem(answer, 404);
      expect(list.body.data).toEqual([]);
      const intact = await api.request<WebhookBody>('GET', `/v1/webhooks/${webhook.id}/secret`, { key: owner.key });
      expect(intact.body).toEqual({ secret: webhook.secret });
    });
  });

  describe('secrets', () => {
    it('signs deliveries with both the new and the previous secret during the grace period', async () => {
      const ws = await newWorkspaceWithKey(temp.db);
      const r = await receiver();
      const webhook = await createWebhook(ws, { url: r.url });

      const rotated = await api.request<{ secret: string; previousSecretExpiresAt: string }>(
        'POST',
        `/v1/webhooks/${webhook.id}/rotate-secret`,
        { key: ws.key },
      );
      const current = await api.request<{ secret: string }>('GET', `/v1/webhooks/${webhook.id}/secret`, {
        key: ws.key,
      });
      const test = await api.request<{ eventId: string }>('POST', `/v1/webhooks/${webhook.id}/test`, { key: ws.key });
      const [delivered] = await r.waitForRequests(1);

      expect(rotated.status).toBe(200);
      expect(rotated.body.secret).not.toBe(webhook.secret);
      const graceMs = Date.parse(rotated.body.previousSecretExpiresAt) - Date.now();
      expect(graceMs).toBeGreaterThan(23.9 * 3600_000);
      expect(graceMs).toBeLessThanOrEqual(24 * 3600_000);
      expect(current.body).toEqual({ secret: rotated.body.secret });
      expect(test.status).toBe(202);
      const headers = delivered!.headers as Record<string, string>;
      expect(headers['webhook-signature']!.split(' ')).toHaveLength(2);
      for (const secret of [webhook.secret!, rotated.body.secret]) {
        expect(new StandardWebhook(secret).verify(delivered!.body, headers)).toMatchObject({ id: test.body.eventId });
      }
    });

    it('signs with the new secret only once the grace period is over', async () => {
      const ws = await newWorkspaceWithKey(temp.db);
      const r = await receiver();
      const webhook = await createWebhook(ws, { url: r.url });
      const chosen = generateWebhookSecret();

      const rotated = await api.request<{ secret: string }>('POST', `/v1/webhooks/${webhook.id}/rotate-secret`, {
        key: ws.key,
        body: { secret: chosen, gracePeriodSeconds: 0 },
      });
      await api.request('POST', `/v1/webhooks/${webhook.id}/test`, { key: ws.key });
      const [delivered] = await r.waitForRequests(1);

      expect(rotated.body.secret).toBe(chosen);
      const headers = delivered!.headers as Record<string, string>;
      expect(headers['webhook-signature']!.split(' ')).toHaveLength(1);
      expect(() => new StandardWebhook(chosen).verify(delivered!.body, headers)).not.toThrow();
      expect(() => new StandardWebhook(webhook.secret!).verify(delivered!.body, headers)).toThrow();
    });
  });

  describe('POST /v1/webhooks/:id/test', () => {
    it('sends a ping to this webhook only, whatever the others subscribe to', async () => {
      const ws = await newWorkspaceWithKey(temp.db);
      const target = await receiver();
      const bystander = await receiver();
      const webhook = await createWebhook(ws, { url: target.url, events: ['document.received'] });
      await createWebhook(ws, { url: bystander.url, events: ['*'] });

      const res = await api.request<{ eventId: string }>('POST', `/v1/webhooks/${webhook.id}/test`, { key: ws.key });
      const [delivered] = await target.waitForRequests(1);
      await env.client.workflow.getHandle(deliveryWorkflowId(ws.workspaceId, res.body.eventId)).result();

      expect(res.status).toBe(202);
      expect(JSON.parse(delivered!.body)).toMatchObject({
        id: res.body.eventId,
        type: PING_EVENT_TYPE,
        workspaceId: ws.workspaceId,
        data: { webhookId: webhook.id },
      });
      expect(bystander.requests).toHaveLength(0);
      const status = await api.request<{ deliveries: { webhookId: string; status: string }[] }>(
        'GET',
        `/v1/events/${res.body.eventId}`,
        { key: ws.key },
      );
      expect(status.body.deliveries).toEqual([expect.objectContaining({ webhookId: webhook.id, status: 'succeeded' })]);
    });

    it('sends the example data of the given type, operational ones too, and refuses a disabled webhook', async () => {
      const ws = await newWorkspaceWithKey(temp.db);
      const r = await receiver();
      const webhook = await createWebhook(ws, { url: r.url });
      const disabled = await createWebhook(ws, { url: r.url, enabled: false });

      const res = await api.request('POST', `/v1/webhooks/${webhook.id}/test`, {
        key: ws.key,
        body: { type: 'document.extracted' },
      });
      const operational = await api.request('POST', `/v1/webhooks/${webhook.id}/test`, {
        key: ws.key,
        body: { type: 'delivery.exhausted' },
      });
      const delivered = await r.waitForRequests(2);
      const refused = await api.request('POST', `/v1/webhooks/${disabled.id}/test`, { key: ws.key });
      const unknownType = await api.request('POST', `/v1/webhooks/${webhook.id}/test`, {
        key: ws.key,
        body: { type: 'lead.deleted' },
      });

      expect(res.status).toBe(202);
      expect(operational.status).toBe(202);
      expect(delivered.map((request) => JSON.parse(request.body)).sort((a, b) => a.type.localeCompare(b.type))).toEqual(
        [
          expect.objectContaining({ type: 'delivery.exhausted', data: EVENT_DATA_EXAMPLES['delivery.exhausted'] }),
          expect.objectContaining({ type: 'document.extracted', data: EVENT_DATA_EXAMPLES['document.extracted'] }),
        ],
      );
      expectProblem(refused, 409);
      expect(expectProblem(unknownType, 400).errors?.[0]?.field).toBe('type');
    });
  });

  describe('operations', () => {
    it('answers /healthz and /readyz without a key', async () => {
      const health = await api.request('GET', '/healthz');
      const ready = await api.request('GET', '/readyz');

      expect(health).toMatchObject({ status: 200, body: { status: 'ok' } });
      expect(ready).toMatchObject({
        status: 200,
        body: { status: 'ready', checks: { database: 'ok', sqlite: 'ok', temporal: 'ok' } },
      });
    });

    it('serves a valid OpenAPI 3.1 document that lists every route', async () => {
      const { Validator } = await import('@seriousme/openapi-schema-validator');

      const res = await api.request<{ openapi: string; paths: Record<string, Record<string, unknown>> }>(
        'GET',
        '/openapi.json',
      );

      expect(res.status).toBe(200);
      expect(res.body.openapi).toBe('3.1.0');
      const validation = await new Validator().validate(res.body);
      expect(validation.errors).toBeUndefined();
      expect(validation.valid).toBe(true);
      const operations = Object.entries(res.body.paths).flatMap(([path, item]) =>
        Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
      );
      expect(operations.sort()).toEqual(
        [
          'GET /healthz',
          'GET /readyz',
          'GET /openapi.json',
          'GET /v1/event-types',
          'POST /v1/webhooks',
          'GET /v1/webhooks',
          'GET /v1/webhooks/{id}',
          'PATCH /v1/webhooks/{id}',
          'DELETE /v1/webhooks/{id}',
          'GET /v1/webhooks/{id}/secret',
          'POST /v1/webhooks/{id}/rotate-secret',
          'POST /v1/webhooks/{id}/test',
          'GET /v1/webhooks/{id}/deliveries',
          'GET /v1/webhooks/{id}/attempts',
          'GET /v1/webhooks/{id}/stats',
          'POST /v1/webhooks/{id}/recover',
          'POST /v1/events',
          'GET /v1/events',
          'GET /v1/events/{id}',
          'POST /v1/events/{id}/redeliver',
          'GET /v1/events/{id}/redeliveries/{redeliveryId}',
          'POST /v1/recoveries',
          'GET /v1/recoveries/{id}',
          'POST /v1/recoveries/{id}/cancel',
          'POST /v1/api-keys',
          'GET /v1/api-keys',
          'DELETE /v1/api-keys/{id}',
          'POST /v1/portal-sessions',
        ].sort(),
      );
    });
  });
});
