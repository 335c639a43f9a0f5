import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { z } from 'zod';
import type { EventSearchList, EventStatus, Recovery } from '../../src/api/schemas';
import type { EventEnvelope } from '../../src/contract/delivery';
import { startDevServer } from '../../src/temporal-server/servers';
import { hurryAllRetries } from '../support/delivery-attempts';
import { testEncryption } from '../support/fixtures';
import { startReceiver, type Receiver, type Reply } from '../support/receiver';
import {
  eventually,
  newWorkspaceWithKey,
  startApiStack,
  type ApiHarness,
  type ApiStack,
  type TestWorkspace,
} from './harness';

type SearchPage = z.infer<typeof EventSearchList>;
type RecoveryView = z.infer<typeof Recovery>;
type EventView = z.infer<typeof EventStatus>;

// The dev server: search and recovery are answered by Temporal visibility, which the time-skipping
// server lacks. Retries are brought forward with `hurryAllRetries` (what `temporal activity
// update-options` does), so the whole schedule runs in seconds while every attempt stays real.
let api: ApiHarness;
let stack: ApiStack | undefined;
const receivers: Receiver[] = [];

beforeAll(async () => {
  stack = await startApiStack(
    await startDevServer({ executable: inject('devServerExecutable'), dataConverter: testEncryption.dataConverter }),
    { settings: { HOOKLINE_RECOVERY_RATE_PER_SECOND: '2' } },
  );
  ({ api } = stack);
});

afterAll(() => stack?.stop(receivers));

async function receiver(reply?: (index: number) => Reply): Promise<Receiver> {
  const r = await startReceiver({ reply: reply && ((_req, i) => reply(i)) });
  receivers.push(r);
  return r;
}

async function newWorkspace(): Promise<TestWorkspace> {
  return newWorkspaceWithKey(stack!.temp.db);
}

async function createWebhook(ws: TestWorkspace, url: string, events: string[]): Promise<string> {
  const res = await api.request<{ id: string }>('POST', '/v1/webhooks', { key: ws.key, body: { url, events } });
  expect(res.status).toBe(201);
  return res.body.id;
}

async function emit(ws: TestWorkspace, leadId: string): Promise<string> {
  const res = await api.request<{ id: string }>('POST', '/v1/events', {
    key: ws.key,
    body: { type: 'lead.created', data: { leadId, source: 'api', firstName: 'Dana' } },
  });
  expect(res.status).toBe(202);
  return res.body.id;
}

/** Runs every delivery of the stack to its end, hurrying each retry. */
async function untilClosed(ws: TestWorkspace, eventIds: string[]): Promise<EventView[]> {
  return eventually(
    async () => {
      await hurryAllRetries(stack!.env.client, stack!.worker.taskQueue);
      const views = await Promise.all(
        eventIds.map(async (id) => (await api.request<EventView>('GET', `/v1/events/${id}`, { key: ws.key })).body),
      );
      return views.every((view) => view.status === 'completed') && views;
    },
    { timeoutMs: 60_000, intervalMs: 500, what: 'every delivery to end' },
  );
}

async function search(ws: TestWorkspace, query: string): Promise<SearchPage> {
  const res = await api.request<SearchPage>('GET', `/v1/events?${query}`, { key: ws.key });
  expect(res.status).toBe(200);
  return res.body;
}

/** Polls a search until it lists exactly these events. */
async function searchFinds(ws: TestWorkspace, query: string, eventIds: string[]): Promise<SearchPage> {
  const expected = [...eventIds].sort();
  return eventually(
    async () => {
      const page = await search(ws, query);
      const found = page.data.map((item) => item.eventId).sort();
      return JSON.stringify(found) === JSON.stringify(expected) && page;
    },
    { timeoutMs: 20_000, what: `GET /v1/events?${query} to list ${expected.length} events` },
  );
}

async function recoveryDone(ws: TestWorkspace, recoveryId: string): Promise<RecoveryView> {
  return eventually(
    async () => {
      await hurryAllRetries(stack!.env.client, stack!.worker.taskQueue);
      const res = await api.request<RecoveryView>('GET', `/v1/recoveries/${recoveryId}`, { key: ws.key });
      expect(res.status).toBe(200);
      return res.body.status !== 'running' && res.body;
    },
    { timeoutMs: 60_000, intervalMs: 500, what: `recovery ${recoveryId} to end` },
  );
}

function eventIdsOf(r: Receiver, from = 0): string[] {
  return r.requests.slice(from).map((req) => (JSON.parse(req.body) as EventEnvelope).id);
}

describe('recovering what failed while a receiver was down', () => {
  it('finds the failed deliveries, recovers each once, and reports progress that agrees', async () => {
    const ws = await newWorkspace();
    let up = false;
    const flaky = await receiver(() => (up ? { status: 200 } : { status: 503, body: 'maintenance' }));
    const healthy = await receiver();
    const ops = await receiver();
    const since = new Date(Date.now() - 1000).toISOString();
    const down = await createWebhook(ws, flaky.url, ['lead.created']);
    const fine = await createWebhook(ws, healthy.url, ['lead.created']);
    await createWebhook(ws, ops.url, ['webhook.recovered']);

    const eventIds = [await emit(ws, 'lead_1'), await emit(ws, 'lead_2'), await emit(ws, 'lead_3')];
    const views = await untilClosed(ws, eventIds);

    // Every attempt is on record: three answers of 503 for each event.
    for (const view of views) {
      const failed = view.deliveries.find((d) => d.webhookId === down);
      expect(failed?.status).toBe('failed');
      expect(failed?.attemptLog.map((a) => [a.attempt, a.statusCode, a.responseExcerpt])).toEqual([
        [1, 503, 'maintenance'],
        [2, 503, 'maintenance'],
        [3, 503, 'maintenance'],
      ]);
      expect(view.deliveries.find((d) => d.webhookId === fine)?.status).toBe('succeeded');
    }
    expect(flaky.requests).toHaveLength(9);

    // The dead letters, workspace-wide and per webhook, from visibility alone.
    await searchFinds(ws, 'status=failed', eventIds);
    const deadLetters = await searchFinds(ws, `status=failed&webhookId=${down}`, eventIds);
    expect(deadLetters.data[0]).toMatchObject({ status: 'failed', trigger: 'scheduled', failedWebhookIds: [down] });
    await searchFinds(ws, `status=failed&webhookId=${fine}`, []);
    await searchFinds(ws, `status=succeeded&webhookId=${fine}`, eventIds);
    await searchFinds(ws, `status=failed&type=lead.updated`, []);
    const deliveries = await api.request<{ data: { eventId: string }[] }>(
      'GET',
      `/v1/webhooks/${down}/deliveries?status=failed`,
      { key: ws.key },
    );
    expect(deliveries.body.data.map((d) => d.eventId).sort()).toEqual([...eventIds].sort());

    up = true;
    const before = flaky.requests.length;
    const started = await api.request<RecoveryView>('POST', `/v1/webhooks/${down}/recover`, {
      key: ws.key,
      body: { since },
    });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const again = await api.request<RecoveryView>('POST', `/v1/webhooks/${down}/recover`, {
      key: ws.key,
      body: { since, until: started.body.until },
    });
    expect(again.status).toBe(200);
    expect(again.body.recoveryId).toBe(started.body.recoveryId);

    const done = await recoveryDone(ws, started.body.recoveryId);
    expect(done).toMatchObject({ status: 'completed', found: 3, redelivered: 3, succeeded: 3, failed: 0 });
    // Every event arrived once more, and only those.
    expect(eventIdsOf(flaky, before).sort()).toEqual([...eventIds].sort());
    expect(healthy.requests).toHaveLength(3);
    const recovered = await ops.waitForRequests(1);
    expect(JSON.parse(recovered[0]!.body)).toMatchObject({
      type: 'webhook.recovered',
      data: { recoveryId: done.recoveryId, webhookId: down, found: 3, redelivered: 3, succeeded: 3, failed: 0 },
    });

    // The redeliveries are attempts on record too, marked as a recovery, and the event shows them.
    const withRedelivery = await eventually(
      async () => {
        const view = (await api.request<EventView>('GET', `/v1/events/${eventIds[0]}`, { key: ws.key })).body;
        return view.redeliveries.length === 1 && view;
      },
      { what: 'the event to list its redelivery' },
    );
    expect(withRedelivery.redeliveries[0]).toMatchObject({ trigger: 'recovery', webhookId: down, status: 'completed' });
    expect(withRedelivery.redeliveries[0]?.deliveries[0]?.attemptLog).toEqual([
      expect.objectContaining({ attempt: 1, outcome: 'succeeded', statusCode: 200, trigger: 'recovery' }),
    ]);
    await searchFinds(ws, `status=succeeded&webhookId=${down}`, eventIds);
    const recoveredItem = (await search(ws, `status=succeeded&webhookId=${down}`)).data[0];
    expect(recoveredItem?.trigger).toBe('recovery');
    // A delivery that succeeded everywhere records no outcome at close: closing Completed says it.
    const succeeded = await searchFinds(ws, 'status=succeeded&type=lead.created', eventIds);
    expect(succeeded.data.map((item) => item.status)).toEqual(eventIds.map(() => 'succeeded'));
    await searchFinds(ws, 'status=pending&type=lead.created', []);
    await searchFinds(ws, 'status=retrying&type=lead.created', []);

    // A wider window finds nothing left to recover: each was delivered since.
    const wider = await api.request<RecoveryView>('POST', '/v1/recoveries', {
      key: ws.key,
      body: { since: new Date(Date.parse(since) - 60_000).toISOString() },
    });
    expect(wider.status).toBe(202);
    expect(await recoveryDone(ws, wider.body.recoveryId)).toMatchObject({ found: 0, redelivered: 0 });
    expect(flaky.requests).toHaveLength(before + 3);
  });

  it('delivers, when asked, the events a webhook missed while it was disabled', async () => {
    const ws = await newWorkspace();
    const r = await receiver();
    const since = new Date(Date.now() - 1000).toISOString();
    const webhook = await createWebhook(ws, r.url, ['lead.created']);
    const disabled = await api.request('PATCH', `/v1/webhooks/${webhook}`, { key: ws.key, body: { enabled: false } });
    expect(disabled.status).toBe(200);
    const missed = [await emit(ws, 'lead_9'), await emit(ws, 'lead_10')];
    await untilClosed(ws, missed);
    expect(r.requests).toHaveLength(0);

    const refused = await api.request('POST', `/v1/webhooks/${webhook}/recover`, { key: ws.key, body: { since } });
    expect(refused.status).toBe(409);
    await api.request('PATCH', `/v1/webhooks/${webhook}`, { key: ws.key, body: { enabled: true } });
    await searchFinds(ws, 'type=lead.created', missed);

    const started = await api.request<RecoveryView>('POST', `/v1/webhooks/${webhook}/recover`, {
      key: ws.key,
      body: { since, includeUndelivered: true },
    });
    expect(started.status).toBe(202);
    expect(await recoveryDone(ws, started.body.recoveryId)).toMatchObject({ found: 2, succeeded: 2, failed: 0 });
    expect(eventIdsOf(r).sort()).toEqual([...missed].sort());
  });

  it('stops redelivering once cancelled', async () => {
    const ws = await newWorkspace();
    let up = false;
    const r = await receiver(() => (up ? { status: 200 } : { status: 500 }));
    const since = new Date(Date.now() - 1000).toISOString();
    const webhook = await createWebhook(ws, r.url, ['lead.created']);
    const eventIds: string[] = [];
    for (let i = 0; i < 6; i++) eventIds.push(await emit(ws, `lead_c${i}`));
    await untilClosed(ws, eventIds);
    await searchFinds(ws, `status=failed&webhookId=${webhook}`, eventIds);
    up = true;

    const started = await api.request<RecoveryView>('POST', `/v1/webhooks/${webhook}/recover`, {
      key: ws.key,
      body: { since },
    });
    const cancel = await api.request<RecoveryView>('POST', `/v1/recoveries/${started.body.recoveryId}/cancel`, {
      key: ws.key,
    });
    expect(cancel.status).toBe(202);
    const done = await recoveryDone(ws, started.body.recoveryId);
    expect(done.status).toBe('cancelled');
    // Throttled to 2 a second, six redeliveries take three seconds: cancelled at once, most never start.
    expect(done.redelivered).toBeLessThan(6);
    // Those it started still arrive (they are not cancelled with it), and no other does.
    await r.waitForRequests(18 + done.redelivered);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(r.requests.length - 18).toBe(done.redelivered);
  });
});

describe('bad requests change nothing', () => {
  it('answers 400, 404 and 409 with problems', async () => {
    const ws = await newWorkspace();
    const r = await receiver();
    const webhook = await createWebhook(ws, r.url, ['lead.created']);
    const cases: [string, string, unknown, number, string?][] = [
      ['POST', `/v1/webhooks/${webhook}/recover`, { since: 'yesterday' }, 400, 'since'],
      ['POST', `/v1/webhooks/${webhook}/recover`, {}, 400, 'since'],
      [
        'POST',
        `/v1/webhooks/${webhook}/recover`,
        { since: '2026-01-02T00:00:00Z', until: '2026-01-01T00:00:00Z' },
        400,
        'until',
      ],
      ['POST', `/v1/webhooks/${webhook}/recover`, { since: '2026-01-01T00:00:00Z', extra: 1 }, 400],
      ['POST', '/v1/recoveries', { since: '2026-01-01T00:00:00Z', includeUndelivered: true }, 400],
      ['POST', '/v1/webhooks/wh_unknown/recover', { since: '2026-01-01T00:00:00Z' }, 404],
      ['GET', '/v1/recoveries/rcv_unknown', undefined, 404],
      ['POST', '/v1/recoveries/rcv_unknown/cancel', undefined, 404],
      ['GET', '/v1/events?status=lost', undefined, 400, 'status'],
      ['GET', '/v1/events?since=tuesday', undefined, 400, 'since'],
      ['GET', "/v1/events?webhookId=a'b", undefined, 400, 'webhookId'],
    ];
    for (const [method, path, body, status, field] of cases) {
      const res = await api.request<{ errors?: { field: string }[] }>(method, path, { key: ws.key, body });
      expect(res.status, `${method} ${path}`).toBe(status);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      if (field) expect(res.body.errors?.map((e) => e.field)).toContain(field);
    }
  });

  it('refuses a search value that could change the query', async () => {
    const ws = await newWorkspace();
    const res = await api.request<{ errors: { field: string }[] }>(
      'GET',
      `/v1/events?type=${encodeURIComponent("lead.created' OR HooklineWorkspaceId != '")}`,
      { key: ws.key },
    );
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e) => e.field)).toEqual(['type']);
  });
});
