import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startDevServer } from '../../src/temporal-server/servers';
import { STORES, testEncryption, type TempDatabase } from '../support/fixtures';
import { startReceiver, type Receiver, type Reply } from '../support/receiver';
import {
  eventually,
  newWorkspaceWithKey,
  startApiStack,
  type ApiHarness,
  type ApiStack,
  type TestWorkspace,
} from './harness';
import type { z } from 'zod';
import type { DeliveryList } from '../../src/api/schemas';

type DeliveryPage = z.infer<typeof DeliveryList>;
type DeliveryItem = DeliveryPage['data'][number];

// The dev server, because the time-skipping one has no visibility queries. Visibility is eventually
// consistent, so lists are polled until they show what was emitted.
describe.each(STORES)('the deliveries API on %s', (store) => {
  let temp: TempDatabase;
  let api: ApiHarness;
  let stack: ApiStack | undefined;
  const receivers: Receiver[] = [];

  beforeAll(async () => {
    stack = await startApiStack(
      await startDevServer({ executable: inject('devServerExecutable'), dataConverter: testEncryption.dataConverter }),
      { store },
    );
    ({ temp, api } = stack);
  });

  afterAll(() => stack?.stop(receivers));

  async function receiver(reply?: (index: number) => Reply): Promise<Receiver> {
    const r = await startReceiver({ reply: reply && ((_req, i) => reply(i)) });
    receivers.push(r);
    return r;
  }

  async function createWebhook(ws: TestWorkspace, url: string): Promise<string> {
    const res = await api.request<{ id: string }>('POST', '/v1/webhooks', {
      key: ws.key,
      body: { url, events: ['*'] },
    });
    expect(res.status).toBe(201);
    return res.body.id;
  }

  /** Emits events one after the other, each delivered before the next is sent. */
  async function emitDelivered(ws: TestWorkspace, count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const res = await api.request<{ id: string }>('POST', '/v1/events', {
        key: ws.key,
        body: { type: 'lead.updated', data: { leadId: `lead_${i}`, phoneNumber: '+15125550199' } },
      });
      expect(res.status).toBe(202);
      await eventually(
        async () => {
          const status = await api.request<{ status: string }>('GET', `/v1/events/${res.body.id}`, { key: ws.key });
          return status.body.status === 'completed';
        },
        { what: `event ${res.body.id} to be delivered` },
      );
      ids.push(res.body.id);
    }
    return ids;
  }

  async function listDeliveries(ws: TestWorkspace, webhookId: string, query = ''): Promise<DeliveryPage> {
    const res = await api.request<DeliveryPage>('GET', `/v1/webhooks/${webhookId}/deliveries${query}`, {
      key: ws.key,
    });
    expect(res.status).toBe(200);
    return res.body;
  }

  describe('GET /v1/webhooks/:id/deliveries', () => {
    it('lists the deliveries to a webhook, newest first', async () => {
      const ws = await newWorkspaceWithKey(temp.db);
      const r = await receiver();
      const webhookId = await createWebhook(ws, r.url);
      const eventIds = await emitDelivered(ws, 3);

      const page = await eventually(
        async () => {
          const body = await listDeliveries(ws, webhookId);
          return body.data.length === 3 && body;
        },
        { what: 'three deliveries in visibility' },
      );

      expect(page.nextCursor).toBeNull();
      expect(page.data.map((d) => d.eventId)).toEqual([...eventIds].reverse());
      expect(page.data[0]).toMatchObject({
        eventType: 'lead.updated',
        redeliveryId: null,
        status: 'succeeded',
        attempts: 1,
        lastStatusCode: 200,
        temporalUiUrl: expect.stringContaining(encodeURIComponent(eventIds[2]!)),
      });
    });

    it('walks every page once, redeliveries included', async () => {
      const ws = await newWorkspaceWithKey(temp.db);
      const r = await receiver();
      const webhookId = await createWebhook(ws, r.url);
      const eventIds = await emitDelivered(ws, 4);
      const redelivered = await api.request<{ redeliveryId: string }>('POST', `/v1/events/${eventIds[0]}/redeliver`, {
        key: ws.key,
        body: { webhookId },
      });
      expect(redelivered.status).toBe(202);
      await eventually(async () => (await listDeliveries(ws, webhookId, '?limit=100')).data.length === 5, {
        what: 'five deliveries in visibility',
      });

      const seen: DeliveryItem[] = [];
      let cursor: string | null = null;
      do {
        const query: string = `?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const page = await listDeliveries(ws, webhookId, query);
        expect(page.data.length).toBeLessThanOrEqual(2);
        seen.push(...page.data);
        cursor = page.nextCursor;
      } while (cursor);

      expect(seen).toHaveLength(5);
      expect(new Set(seen.map((d) => `${d.eventId}/${d.redeliveryId}`)).size).toBe(5);
      expect(seen.filter((d) => d.redeliveryId === redelivered.body.redeliveryId).map((d) => d.eventId)).toEqual([
        eventIds[0],
      ]);
    });

    it('filters by status and shows when a retrying delivery tries next', async () => {
      const ws = await newWorkspaceWithKey(temp.db);
      const failing = await receiver(() => ({ status: 500 }));
      const webhookId = await createWebhook(ws, failing.url);
      const emitted = await api.request<{ id: string }>('POST', '/v1/events', {
        key: ws.key,
        body: { type: 'lead.created', data: { leadId: 'lead_9', source: 'api' } },
      });
      await failing.waitForRequests(1);
      const failedAt = Date.now();

      const retrying = await eventually(
        async () => {
          const body = await listDeliveries(ws, webhookId, '?status=retrying');
          return body.data[0]?.status === 'retrying' && body;
        },
        { what: 'a retrying delivery in visibility' },
      );
      const succeeded = await listDeliveries(ws, webhookId, '?status=succeeded');

      expect(retrying.data).toHaveLength(1);
      expect(retrying.data[0]).toMatchObject({ eventId: emitted.body.id, attempts: 1, lastStatusCode: 500 });
      const nextIn = Date.parse(retrying.data[0]!.nextAttemptAt!) - failedAt;
      expect(nextIn).toBeGreaterThan(50_000);
      expect(nextIn).toBeLessThan(61_000);
      expect(succeeded.data).toEqual([]);
    });

    it("never shows another workspace's deliveries", async () => {
      const owner = await newWorkspaceWithKey(temp.db);
      const other = await newWorkspaceWithKey(temp.db);
      const r = await receiver();
      const ownerWebhook = await createWebhook(owner, r.url);
      const otherWebhook = await createWebhook(other, r.url);
      await emitDelivered(owner, 1);
      await eventually(async () => (await listDeliveries(owner, ownerWebhook)).data.length === 1, {
        what: "the owner's delivery in visibility",
      });

      const foreign = await api.request('GET', `/v1/webhooks/${ownerWebhook}/deliveries`, { key: other.key });
      const own = await listDeliveries(other, otherWebhook);

      expect(foreign.status).toBe(404);
      expect(own.data).toEqual([]);
    });
  });
});
