import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { WebhookStatsView } from '../../src/api/schemas';
import type { EventEnvelope } from '../../src/contract/delivery';
import { startDevServer } from '../../src/temporal-server/servers';
import { hurryAllRetries } from '../support/delivery-attempts';
import { testEncryption } from '../support/fixtures';
import { startReceiver, type Receiver } from '../support/receiver';
import { eventually, newWorkspaceWithKey, startApiStack, type ApiStack, type TestWorkspace } from './harness';

// The dev server: the counts are visibility queries, which the time-skipping server lacks.
let stack: ApiStack;
const receivers: Receiver[] = [];

beforeAll(async () => {
  stack = await startApiStack(
    await startDevServer({ executable: inject('devServerExecutable'), dataConverter: testEncryption.dataConverter }),
  );
});

afterAll(() => stack?.stop(receivers));

async function createWebhook(ws: TestWorkspace, url: string): Promise<string> {
  const res = await stack.api.request<{ id: string }>('POST', '/v1/webhooks', {
    key: ws.key,
    body: { url, events: ['lead.created'] },
  });
  expect(res.status).toBe(201);
  return res.body.id;
}

async function emit(ws: TestWorkspace, leadId: string): Promise<string> {
  const res = await stack.api.request<{ id: string }>('POST', '/v1/events', {
    key: ws.key,
    body: { type: 'lead.created', data: { leadId, source: 'api', firstName: 'Dana' } },
  });
  expect(res.status).toBe(202);
  return res.body.id;
}

const stats = (ws: TestWorkspace, webhookId: string, window = '1h') =>
  stack.api.request<WebhookStatsView>('GET', `/v1/webhooks/${webhookId}/stats?window=${window}`, { key: ws.key });

describe('GET /v1/webhooks/:id/stats', () => {
  it('agrees with what was sent: counts, success rate, sampled latency and the last failure', async () => {
    const ws = await newWorkspaceWithKey(stack.temp.db);
    // Every lead but "lead_bad" is taken; that one is refused at each of its three attempts.
    const receiver = await startReceiver({
      reply: (req) =>
        (JSON.parse(req.body) as EventEnvelope).data.leadId === 'lead_bad'
          ? { status: 500, body: 'no thanks' }
          : { status: 200, delayMs: 20 },
    });
    receivers.push(receiver);
    const webhookId = await createWebhook(ws, receiver.url);

    const empty = await stats(ws, webhookId);
    expect(empty.status).toBe(200);
    expect(empty.body).toMatchObject({
      webhookId,
      window: '1h',
      deliveries: 0,
      succeeded: 0,
      failed: 0,
      successRate: null,
      latency: { p50Ms: null, p95Ms: null },
      latencySample: 0,
      lastFailure: null,
    });

    const before = Date.now();
    await emit(ws, 'lead_1');
    await emit(ws, 'lead_2');
    await emit(ws, 'lead_bad');

    const body = await eventually(
      async () => {
        await hurryAllRetries(stack.env.client, stack.worker.taskQueue);
        const res = await stats(ws, webhookId);
        expect(res.status).toBe(200);
        return res.body.succeeded + res.body.failed === 3 && res.body.latencySample === 5 && res.body;
      },
      { timeoutMs: 45_000, intervalMs: 500, what: 'three ended deliveries in the stats' },
    );
    expect(receiver.requests).toHaveLength(5);
    expect(body).toMatchObject({ deliveries: 3, succeeded: 2, failed: 1 });
    expect(body.successRate).toBeCloseTo(2 / 3, 10);
    expect(Date.parse(body.since)).toBeLessThanOrEqual(before - 3_600_000 + 60_000);
    // Two deliveries of one attempt each and one of three.
    expect(body.latencySample).toBe(5);
    expect(body.latency.p50Ms).toEqual(expect.any(Number));
    expect(body.latency.p95Ms!).toBeGreaterThanOrEqual(body.latency.p50Ms!);
    // The receiver holds successes 20 ms: the slowest attempt (p95 of five is the fifth) is one of them.
    expect(body.latency.p95Ms!).toBeGreaterThanOrEqual(20);
    expect(body.lastFailure).toMatchObject({ statusCode: 500, error: expect.stringContaining('500') });
    expect(Date.parse(body.lastFailure!.at!)).toBeGreaterThanOrEqual(before - 1000);

    // The wider windows hold the same deliveries.
    for (const window of ['24h', '7d']) {
      const wider = await stats(ws, webhookId, window);
      expect(wider.body).toMatchObject({ window, deliveries: 3, succeeded: 2, failed: 1 });
    }
  });

  it('refuses another window, and webhooks of other workspaces or none', async () => {
    const ws = await newWorkspaceWithKey(stack.temp.db);
    const other = await newWorkspaceWithKey(stack.temp.db);
    const webhookId = await createWebhook(ws, 'http://127.0.0.1:9/unused');

    const bad = await stats(ws, webhookId, '30d');
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('must be 1h, 24h or 7d');
    const injected = await stats(ws, webhookId, encodeURIComponent("1h' OR '1'='1"));
    expect(injected.status).toBe(400);

    expect((await stats(other, webhookId)).status).toBe(404);
    expect((await stats(ws, 'wh_doesnotexist000000000000')).status).toBe(404);
    const unauthenticated = await stack.api.request('GET', `/v1/webhooks/${webhookId}/stats`);
    expect(unauthenticated.status).toBe(401);

    const byDefault = await stats(ws, webhookId, '');
    expect(byDefault.status).toBe(400);
    const defaulted = await stack.api.request<WebhookStatsView>('GET', `/v1/webhooks/${webhookId}/stats`, {
      key: ws.key,
    });
    expect(defaulted.body).toMatchObject({ window: '24h', deliveries: 0 });
  });
});
