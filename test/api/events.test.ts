import net from 'node:net';
import { Client, Connection } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveryWorkflowId } from '../../src/contract/delivery';
import { EVENT_DATA_EXAMPLES } from '../../src/contract/event-data';
import { EVENT_TYPES } from '../../src/contract/event-types';
import { STORES, type TempDatabase } from '../support/fixtures';
import { startReceiver, type Receiver, type Reply } from '../support/receiver';
import {
  TEMPORAL_UI_URL,
  eventually,
  newWorkspaceWithKey,
  startApi,
  startTimeSkippingApiStack,
  type ApiStack,
  type ApiHarness,
  type TestWorkspace,
} from './harness';
import type { EventStatusView } from '../../src/api/schemas';

type EventStatusBody = EventStatusView;

describe.each(STORES)('the events API on %s', (store) => {
  let env: TestWorkflowEnvironment;
  let temp: TempDatabase;
  let api: ApiHarness;
  let worker: ApiStack['worker'];
  let stack: ApiStack | undefined;
  const receivers: Receiver[] = [];

  beforeAll(async () => {
    stack = await startTimeSkippingApiStack({ store });
    ({ env, temp, api, worker } = stack);
  });

  afterAll(() => stack?.stop(receivers));

  async function receiver(reply?: (index: number) => Reply): Promise<Receiver> {
    const r = await startReceiver({ reply: reply && ((_req, i) => reply(i)), clock: () => env.currentTimeMs() });
    receivers.push(r);
    return r;
  }

  async function createWebhook(ws: TestWorkspace, url: string, events: string[] = ['lead.created']): Promise<string> {
    const res = await api.request<{ id: string }>('POST', '/v1/webhooks', { key: ws.key, body: { url, events } });
    expect(res.status).toBe(201);
    return res.body.id;
  }

  const leadData = { leadId: 'lead_1', source: 'api', firstName: 'Dana' };

  async function emit(ws: TestWorkspace, body: Record<string, unknown>, headers?: Record<string, string>) {
    return api.request<{ id: string; type: string; workspaceId: string; timestamp: string }>('POST', '/v1/events', {
      key: ws.key,
      body,
      headers,
    });
  }

  async function eventStatus(ws: TestWorkspace, id: string) {
    const res = await api.request<EventStatusBody>('GET', `/v1/events/${id}`, { key: ws.key });
    expect(res.status).toBe(200);
    return res.body;
  }

  /** Lets the time-skipping server run the delivery workflow to its end, skipping its retry timers. */
  async function untilDelivered(ws: TestWorkspace, eventId: string): Promise<void> {
    await env.client.workflow.getHandle(deliveryWorkflowId(ws.workspaceId, eventId)).result();
  }

  const MINUTE = 60_000;

  describe('POST /v1/events', () => {
    it('accepts an event with 202 and delivers it to the subscribed webhooks', async () => {
      const ws = await newWorkspaceWithKey(temp.db);
      const r = await receiver();
      await createWebhook(ws, r.url);

      const res = await emit(ws, { type: 'lead.created', data: leadData, occurredAt: '2026-01-15T09:45:00.000Z' });

      expect(res.status).toBe(202);
      expect(res.body).toEqual({
        id: expect.stringMatching(/^evt_/),
        type: 'lead.created',
        workspaceId: ws.workspaceId,
        timestamp: '2026-01-15T09:45:00.000Z',
      });
      const [delivered] = await r.waitForRequests(1);
      expect(JSON.parse(delivered!.body)).toEqual({ ...res.body, data: leadData });
    });

    it('answers a repeated id with the original event and starts no second delivery', async () => {
      const ws = await newWorkspaceWithKey(temp.db);
      const r = await receiver();
      await createWebhook(ws, r.url);
      const id = `evt_repeat_${Date.now()}`;

      const first = await emit(ws, { id, type: 'lead.created', data: leadData, occurredAt: '2026-01-01T00:00:00Z' });
      const second = await emit(ws, { id, type: 'lead.created', data: { ...leadData, firstName: 'Other' } });

      expect(first.status).toBe(202);
      expect(first.headers.get('idempotent-replayed')).toBe('false');
      expect(second.status).toBe(202);
      expect(second.headers.get('idempotent-replayed')).toBe('true');
      expect(second.body).toEqual(first.body);
      await untilDelivered(ws, id);
      expect(r.requests).toHaveLength(1);
      expect((await eventStatus(ws, id)).event.data).toEqual(leadData);
    });

    it('maps the same Idempotency-Key to the same event, per workspace', async () => {
      const ws = await newWorkspaceWithKey(temp.db);
      const other = await newWorkspaceWithKey(temp.db);
      const r = await receiver();
      await createWebhook(ws, r.url);
      const key = { 'idempotency-key': 'order-42-created' };

      const first = await emit(ws, { type: 'lead.created', data: leadData, occurredAt: '2026-02-01T00:00:00Z' }, key);
      const repeat = await emit(ws, { type: 'lead.created', data: leadData }, key);
      const elsewhere = await emit(other, { type: 'lead.created', data: leadData }, key);
      const differentKey = await emit(ws, { type: 'lead.created', data: leadData }, { 'idempotency-key': 'order-43' });

      expect(repeat.status).toBe(202);
      expect(repeat.body).toEqual(first.body);
      expect(repeat.body.timestamp).toBe('2026-02-01T00:00:00.000Z');
      expect(elsewhere.body.id).not.toBe(first.body.id);
      expect(differentKey.body.id).not.toBe(first.body.id);
      await untilDelivered(ws, first.body.id);
      await untilDelivered(ws, differentKey.body.id);
      expect(r.requests).toHaveLength(2);
    });

    it('rejects an unknown event type with 400 naming the field', async () => {
      const ws = await newWorkspaceWithKey(temp.db);

      const res = await emit(ws, { type: 'lead.deleted', data: {} });

      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 400, errors: [{ field: 'type' }] });
    });

    it('rejects a body over 256 KiB with 413', async () => {
      const ws = await newWorkspaceWithKey(temp.db);

      const res = await emit(ws, { type: 'lead.created', data: { blob: 'x'.repeat(256 * 1024) } });

      expect(res.status).toBe(413);
      expect(res.body).toMatchObject({ status: 413, title: 'Payload Too Large' });
    });
  });

  describe('POST /v1/events data', () => {
    /** A problem's invalid fields, as `field message`. */
    const invalidFields = (body: unknown) =>
      ((body as { errors?: { field: string; message: string }[] }).errors ?? []).map((e) => `${e.field} ${e.message}`);

    async function notStarted(ws: TestWorkspace, id: string): Promise<boolean> {
      return (await api.request('GET', `/v1/events/${id}`, { key: ws.key })).status === 404;
    }

    it('accepts the example data of every type a service emits', async () => {
      const ws = await newWorkspaceWithKey(temp.db);

      const answers = await Promise.all(EVENT_TYPES.map((type) => emit(ws, { type, data: EVENT_DATA_EXAMPLES[type] })));

      expect(answers.map((res) => [res.body.type, res.status])).toEqual(EVENT_TYPES.map((type) => [type, 202]));
    });

    it('refuses data that does not match its type with 400 naming each field, and starts nothing', async () => {
      const ws = await newWorkspaceWithKey(temp.db);
      const r = await receiver();
      await createWebhook(ws, r.url, ['*']);
      const example = EVENT_DATA_EXAMPLES['lead.completed'];
      const [first, ...rest] = example.checklistItems;
      const data = {
        ...example,
        leadId: 42,
        source: 'web_form',
        checklistItems: [{ ...first, status: 'DONE', updatedAt: 'yesterday' }, ...rest],
      };

      const res = await emit(ws, { id: 'evt_bad_lead', type: 'lead.completed', data });
      const missing = await emit(ws, { id: 'evt_no_lead', type: 'lead.created', data: { firstName: 'Dana' } });

      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(invalidFields(res.body)).toEqual([
        'data.leadId must be a string',
        'data.source must be one of "inbound-email", "inbound-sms", "inbound-whatsapp", "admin-email", "portal", "api", "http", "salesforce"',
        'data.checklistItems.0.status must be one of "TODO", "COMPLETED", "INVALID", "SKIPPED", "NEEDS_REVIEW"',
        'data.checklistItems.0.updatedAt must be an ISO 8601 date-time with a time zone',
      ]);
      expect(res.body).toMatchObject({
        detail: expect.stringContaining('data.checklistItems.0.status must be one of'),
      });
      expect(invalidFields(missing.body)).toEqual(['data.leadId is required', 'data.source is required']);
      expect(await notStarted(ws, 'evt_bad_lead')).toBe(true);
      expect(await notStarted(ws, 'evt_no_lead')).toBe(true);
      expect(r.requests).toHaveLength(0);
    });

    it('names the data fields along with the other invalid fields of the body', async () => {
      const ws = await newWorkspaceWithKey(temp.db);

      const res = await emit(ws, { type: 'document.received', data: { document: {} }, occurredAt: 'soon' });

      expect(invalidFields(res.body)).toEqual([
        'occurredAt Invalid ISO datetime',
        'data.document.id is required',
        'data.document.size is required',
        'data.document.leadId is required',
        'data.document.filename is required',
        'data.document.mimeType is required',
        'data.document.createdAt is required',
        'data.document.signedUrl is required',
      ]);
    });

    it.each(['webhook.disabled', 'delivery.exhausted', 'webhook.recovered', 'webhook.ping'] as const)(
      'refuses %s, which only Hookline emits, with 400 on type and starts nothing',
      async (type) => {
        const ws = await newWorkspaceWithKey(temp.db);
        const r = await receiver();
        await createWebhook(ws, r.url, ['*', 'webhook.disabled', 'delivery.exhausted', 'webhook.recovered']);
        const data = type === 'webhook.ping' ? { message: 'hello' } : EVENT_DATA_EXAMPLES[type];

        const res = await emit(ws, { id: `evt_forged_${type.replace('.', '_')}`, type, data });

        expect(res.status).toBe(400);
        expect(invalidFields(res.body)).toEqual(['type is emitted by Hookline only']);
        expect(await notStarted(ws, `evt_forged_${type.replace('.', '_')}`)).toBe(true);
        expect(r.requests).toHaveLength(0);
      },
    );

    it('delivers data as it was sent, keys the schema does not name included', async () => {
      const ws = await newWorkspaceWithKey(temp.db);
      const r = await receiver();
      await createWebhook(ws, r.url, ['lead.updated']);
      const data = {
        leadId: 'lead_8f2c1a',
        businessName: 'Reyes Family Bakery LLC',
        loanAmount: 90000,
        underwriting: { tier: 'B', notes: ['seasonal revenue'] },
      };

      const res = await emit(ws, { type: 'lead.updated', data });
      const [delivered] = await r.waitForRequests(1);

      expect(res.status).toBe(202);
      expect(JSON.parse(delivered!.body).data).toEqual(data);
    });
  });

  describe('GET /v1/events/:id', () => {
    it('shows a delivery retrying with its next attempt time, then succeeded', async () => {
      const ws = await newWorkspaceWithKey(temp.db);
      const r = await receiver((i) => (i === 0 ? { status: 500, body: 'busy' } : { status: 200 }));
      const webhookId = await createWebhook(ws, r.url);
      const { body: emitted } = await emit(ws, { type: 'lead.created', data: leadData });
      await r.waitForRequests(1);
      const firstAttemptAt = r.requests[0]!.at;

      const retrying = await eventually(
        async () => {
          const body = await eventStatus(ws, emitted.id);
          return body.deliveries[0]?.status === 'retrying' && body;
        },
        { what: 'the delivery to be retrying' },
      );

      expect(retrying).toMatchObject({
        event: { ...emitted, data: leadData },
        status: 'delivering',
        redeliveryOf: null,
        temporalUiUrl: `${TEMPORAL_UI_URL}/namespaces/default/workflows/${encodeURIComponent(
          deliveryWorkflowId(ws.workspaceId, emitted.id),
        )}`,
      });
      const delivery = retrying.deliveries[0]!;
      expect(delivery).toMatchObject({
        webhookId,
        url: r.url,
        status: 'retrying',
        attempts: 1,
        lastStatusCode: 500,
        lastError: 'Receiver answered HTTP 500: busy',
        completedAt: null,
      });
      const nextAttemptIn = Date.parse(delivery.nextAttemptAt!) - firstAttemptAt;
      expect(nextAttemptIn).toBeGreaterThan(MINUTE - 5_000);
      expect(nextAttemptIn).toBeLessThan(MINUTE + 5_000);

      await env.sleep('1 minute');
      await r.waitForRequests(2);
      const succeeded = await eventually(
        async () => {
          const body = await eventStatus(ws, emitted.id);
          return body.status === 'completed' && body;
        },
        { what: 'the event to be completed' },
      );
      expect(succeeded.deliveries).toEqual([
        {
          webhookId,
          url: r.url,
          status: 'succeeded',
          attempts: 2,
          lastStatusCode: 200,
          lastError: null,
          nextAttemptAt: null,
          completedAt: expect.any(String),
          attemptLog: [
            expect.objectContaining({ attempt: 1, outcome: 'failed', statusCode: 500, responseExcerpt: 'busy' }),
            expect.objectContaining({ attempt: 2, outcome: 'succeeded', statusCode: 200, trigger: 'scheduled' }),
          ],
        },
      ]);
    });

    it('shows a delivery failed once its last attempt failed', async () => {
      const ws = await newWorkspaceWithKey(temp.db);
      const r = await receiver(() => ({ status: 503 }));
      const webhookId = await createWebhook(ws, r.url);
      const { body: emitted } = await emit(ws, { type: 'lead.created', data: leadData });

      await untilDelivered(ws, emitted.id);

      const body = await eventStatus(ws, emitted.id);
      expect(body.status).toBe('completed');
      expect(body.deliveries).toEqual([
        {
          webhookId,
          url: r.url,
          status: 'failed',
          attempts: 3,
          lastStatusCode: 503,
          lastError: 'Receiver answered HTTP 503',
          nextAttemptAt: null,
          completedAt: expect.any(String),
          attemptLog: [1, 2, 3].map((attempt) =>
            expect.objectContaining({ attempt, outcome: 'failed', statusCode: 503, failureType: 'HttpStatus' }),
          ),
        },
      ]);
      expect(r.requests).toHaveLength(3);
    });

    it('shows a delivery failed, not retried, once its webhook is deleted', async () => {
      const ws = await newWorkspaceWithKey(temp.db);
      const r = await receiver(() => ({ status: 500 }));
      const webhookId = await createWebhook(ws, r.url);
      const { body: emitted } = await emit(ws, { type: 'lead.created', data: leadData });
      await r.waitForRequests(1);

      const deleted = await api.request('DELETE', `/v1/webhooks/${webhookId}`, { key: ws.key });
      await untilDelivered(ws, emitted.id);

      expect(deleted.status).toBe(204);
      const body = await eventStatus(ws, emitted.id);
      expect(body.deliveries).toEqual([
        expect.objectContaining({ webhookId, url: null, status: 'failed', attempts: 2, lastStatusCode: null }),
      ]);
      expect(body.deliveries[0]!.lastError).toMatch(/no longer exists/);
      expect(r.requests).toHaveLength(1);
    });

    it("answers 404 for an unknown event and for another workspace's event", async () => {
      const ws = await newWorkspaceWithKey(temp.db);
      const intruder = await newWorkspaceWithKey(temp.db);
      const r = await receiver();
      await createWebhook(ws, r.url);
      const { body: emitted } = await emit(ws, { type: 'lead.created', data: leadData });

      const unknown = await api.request('GET', '/v1/events/evt_does_not_exist', { key: ws.key });
      const foreign = await api.request('GET', `/v1/events/${emitted.id}`, { key: intruder.key });
      const foreignRedeliver = await api.request('POST', `/v1/events/${emitted.id}/redeliver`, {
        key: intruder.key,
        body: {},
      });

      expect(unknown.status).toBe(404);
      expect(unknown.body).toMatchObject({ status: 404, title: 'Not Found' });
      expect(foreign.status).toBe(404);
      expect(foreignRedeliver.status).toBe(404);
      await untilDelivered(ws, emitted.id);
      expect(r.requests).toHaveLength(1);
    });
  });

  describe('POST /v1/events/:id/redeliver', () => {
    it('delivers the same event again to all its endpoints, then to one, in linked workflows', async () => {
      const ws = await newWorkspaceWithKey(temp.db);
      const a = await receiver();
      const b = await receiver();
      const webhookA = await createWebhook(ws, a.url);
      await createWebhook(ws, b.url, ['*']);
      const { body: emitted } = await emit(ws, { type: 'lead.created', data: leadData });
      await untilDelivered(ws, emitted.id);

      const all = await api.request<{ redeliveryId: string; webhookId: string | null }>(
        'POST',
        `/v1/events/${emitted.id}/redeliver`,
        { key: ws.key },
      );
      await Promise.all([a.waitForRequests(2), b.waitForRequests(2)]);
      const one = await api.request<{ redeliveryId: string; webhookId: string | null }>(
        'POST',
        `/v1/events/${emitted.id}/redeliver`,
        { key: ws.key, body: { webhookId: webhookA } },
      );
      await a.waitForRequests(3);

      expect(all.status).toBe(202);
      expect(all.body.webhookId).toBeNull();
      expect(one.status).toBe(202);
      expect(one.body.webhookId).toBe(webhookA);
      expect(b.requests).toHaveLength(2);
      for (const req of [...a.requests, ...b.requests]) {
        expect(JSON.parse(req.body)).toEqual({ ...emitted, data: leadData });
        expect(req.headers['webhook-id']).toBe(emitted.id);
      }
      const original = await eventStatus(ws, emitted.id);
      expect(original.redeliveryOf).toBeNull();
      expect(original.deliveries).toHaveLength(2);
      const redelivery = await api.request<EventStatusBody>(
        'GET',
        `/v1/events/${emitted.id}/redeliveries/${one.body.redeliveryId}`,
        { key: ws.key },
      );
      expect(redelivery.status).toBe(200);
      expect(redelivery.body.redeliveryOf).toBe(deliveryWorkflowId(ws.workspaceId, emitted.id));
      expect(redelivery.body.webhookId).toBe(webhookA);
    });

    it('answers 404 for an unknown event or webhook', async () => {
      const ws = await newWorkspaceWithKey(temp.db);
      const r = await receiver();
      await createWebhook(ws, r.url);
      const { body: emitted } = await emit(ws, { type: 'lead.created', data: leadData });

      const unknownEvent = await api.request('POST', '/v1/events/evt_nope/redeliver', { key: ws.key, body: {} });
      const unknownWebhook = await api.request('POST', `/v1/events/${emitted.id}/redeliver`, {
        key: ws.key,
        body: { webhookId: 'wh_nope' },
      });

      expect(unknownEvent.status).toBe(404);
      expect(unknownWebhook.status).toBe(404);
      expect(unknownWebhook.body).toMatchObject({ detail: expect.stringMatching(/webhook/) });
    });
  });

  describe('when Temporal cannot be reached', () => {
    it('answers 503 with Retry-After and accepts nothing', async () => {
      const ws = await newWorkspaceWithKey(temp.db);
      const r = await receiver();
      await createWebhook(ws, r.url);
      const connection = Connection.lazy({ address: `127.0.0.1:${await closedPort()}` });
      const unreachable = await startApi({
        db: temp.db,
        client: new Client({ connection, namespace: 'default' }),
        taskQueue: worker.taskQueue,
        rpcTimeoutMs: 1_000,
      });
      const id = `evt_unreachable_${Date.now()}`;
      try {
        const refused = await unreachable.request('POST', '/v1/events', {
          key: ws.key,
          body: { id, type: 'lead.created', data: leadData },
        });
        const ready = await unreachable.request<{ checks: unknown }>('GET', '/readyz');

        expect(refused.status).toBe(503);
        expect(refused.headers.get('retry-after')).toBe('5');
        expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(refused.body).toMatchObject({ status: 503, type: 'urn:hookline:problem:temporal-unavailable' });
        expect(ready.status).toBe(503);
        expect(ready.body.checks).toEqual({ database: 'ok', sqlite: 'ok', temporal: 'failing' });
      } finally {
        await unreachable.close();
        await connection.close();
      }

      expect((await api.request('GET', `/v1/events/${id}`, { key: ws.key })).status).toBe(404);
      const accepted = await emit(ws, { id, type: 'lead.created', data: leadData });
      expect(accepted.status).toBe(202);
      expect(accepted.headers.get('idempotent-replayed')).toBe('false');
      await untilDelivered(ws, id);
      expect(r.requests).toHaveLength(1);
    });
  });

  /** A loopback port that nothing listens on. */
  async function closedPort(): Promise<number> {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return port;
  }
});
