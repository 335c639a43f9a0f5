import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createWebhook, deleteWebhook, endpointResolver, findWebhook } from '../../src/db/webhooks';
import { startDelivery } from '../../src/emit/start-delivery';
import {
  DELIVERY_FAILURE_TYPES,
  MAX_WEBHOOKS_PER_WORKFLOW,
  SEARCH_ATTRIBUTES,
  batchWorkflowId,
  type EventEnvelope,
} from '../../src/contract/delivery';
import { startTimeSkippingServer } from '../../src/temporal-server/servers';
import {
  buildEvent,
  newWorkspaceId,
  openTempDatabase,
  startTestWorker,
  testEncryption,
  type TempDatabase,
} from '../support/fixtures';
import { readableHistory } from '../support/history';
import { startReceiver, type Receiver, type Reply } from '../support/receiver';

let env: TestWorkflowEnvironment;
let temp: TempDatabase;
const receivers: Receiver[] = [];

beforeAll(async () => {
  env = await startTimeSkippingServer({
    executable: inject('testServerExecutable'),
    dataConverter: testEncryption.dataConverter,
  });
  temp = await openTempDatabase();
});

afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await env?.teardown();
  await temp?.close();
});

async function receiver(reply?: (index: number) => Reply): Promise<Receiver> {
  const r = await startReceiver({ reply: reply && ((_req, i) => reply(i)), clock: () => env.currentTimeMs() });
  receivers.push(r);
  return r;
}

/** Emits one event through the real emit path and runs a worker until its delivery workflow ends. */
async function deliver(
  workspaceId: string,
  options: { beforeResult?: () => Promise<void>; emitterReadsDb?: boolean; event?: EventEnvelope } = {},
) {
  const event = options.event ?? buildEvent(workspaceId);
  const { worker, taskQueue, http } = await startTestWorker(env.nativeConnection, temp.db);
  try {
    const result = await worker.runUntil(async () => {
      const resolveEndpoints = options.emitterReadsDb ? endpointResolver(temp.db) : undefined;
      const { handle } = await startDelivery({ event }, { client: env.client, taskQueue, resolveEndpoints });
      await options.beforeResult?.();
      return { result: await handle.result(), handle };
    });
    return { event, ...result };
  } finally {
    await http.close();
  }
}

const MINUTE = 60_000;

/** The history as JSON with every payload decoded, so that a search sees what payloads carry. */

describe('deliverEventWorkflow on the time-skipping server', () => {
  it('retries a failing receiver after one and then two more minutes, and succeeds on the third attempt', async () => {
    const workspaceId = await newWorkspaceId(temp.db);
    const r = await receiver((i) => (i < 2 ? { status: 503, body: 'busy' } : { status: 200 }));
    const webhook = await createWebhook(temp.db, { workspaceId, url: r.url, events: ['lead.created'] });

    const { event, result } = await deliver(workspaceId);

    expect(result).toEqual({
      eventId: event.id,
      deliveries: [{ webhookId: webhook.id, outcome: 'succeeded', attempts: 3, statusCode: 200 }],
    });
    expect(r.requests).toHaveLength(3);
    const [first, second, third] = r.requests.map((req) => req.at) as [number, number, number];
    expect(second - first).toBeGreaterThanOrEqual(MINUTE);
    expect(second - first).toBeLessThan(MINUTE + 10_000);
    expect(third - second).toBeGreaterThanOrEqual(2 * MINUTE);
    expect(third - second).toBeLessThan(2 * MINUTE + 10_000);
    // The same message id on every attempt lets receivers drop duplicates.
    expect(new Set(r.requests.map((req) => req.headers['webhook-id']))).toEqual(new Set([event.id]));
  });

  it('gives up after three attempts and reports the last status', async () => {
    const workspaceId = await newWorkspaceId(temp.db);
    const r = await receiver((i) => ({ status: 500 + i, body: `failure ${i + 1}` }));
    const webhook = await createWebhook(temp.db, { workspaceId, url: r.url, events: ['*'] });

    const { result, handle } = await deliver(workspaceId);

    expect(r.requests).toHaveLength(3);
    const failed = (await handle.fetchHistory()).events?.find((e) => e.activityTaskFailedEventAttributes);
    expect(failed?.activityTaskFailedEventAttributes?.failure).toMatchObject({
      message: 'Receiver answered HTTP 502: failure 3',
      stackTrace: '',
    });
    expect(result.deliveries).toEqual([
      {
        webhookId: webhook.id,
        outcome: 'failed',
        attempts: 3,
        statusCode: 502,
        error: 'Receiver answered HTTP 502: failure 3',
        errorType: DELIVERY_FAILURE_TYPES.httpStatus,
      },
    ]);
  });

  it('stops at a 410 Gone after one request and disables the webhook', async () => {
    const workspaceId = await newWorkspaceId(temp.db);
    const r = await receiver(() => ({ status: 410 }));
    const webhook = await createWebhook(temp.db, { workspaceId, url: r.url, events: ['lead.created'] });

    const { result } = await deliver(workspaceId);

    expect(r.requests).toHaveLength(1);
    expect(result.deliveries[0]).toMatchObject({
      outcome: 'failed',
      attempts: 1,
      statusCode: 410,
      errorType: 'EndpointGone',
    });
    const stored = await findWebhook(temp.db, webhook.id);
    expect(stored?.enabled).toBe(false);
    expect(stored?.disabledReason).toMatch(/410 Gone/);
  });

  it('delivers to a healthy endpoint at once while another one fails', async () => {
    const workspaceId = await newWorkspaceId(temp.db);
    const failing = await receiver(() => ({ status: 500 }));
    const healthy = await receiver(() => ({ status: 204 }));
    const bad = await createWebhook(temp.db, { workspaceId, url: failing.url, events: ['lead.created'] });
    const good = await createWebhook(temp.db, {
      workspaceId,
      url: healthy.url,
      events: ['lead.created', 'lead.updated'],
    });

    const { result } = await deliver(workspaceId);

    const byId = new Map(result.deliveries.map((d) => [d.webhookId, d]));
    expect(byId.get(good.id)).toEqual({ webhookId: good.id, outcome: 'succeeded', attempts: 1, statusCode: 204 });
    expect(byId.get(bad.id)).toMatchObject({ outcome: 'failed', attempts: 3, statusCode: 500 });
    expect(healthy.requests).toHaveLength(1);
    // The healthy endpoint was served before the failing one's first retry was due.
    expect(healthy.requests[0]!.at - failing.requests[0]!.at).toBeLessThan(MINUTE);
  });

  it('skips disabled webhooks and those subscribed to other types', async () => {
    const workspaceId = await newWorkspaceId(temp.db);
    const r = await receiver();
    await createWebhook(temp.db, { workspaceId, url: r.url, events: ['lead.updated'] });
    await createWebhook(temp.db, { workspaceId, url: r.url, events: ['lead.created'], enabled: false });
    const otherWorkspace = await newWorkspaceId(temp.db);
    await createWebhook(temp.db, { workspaceId: otherWorkspace, url: r.url, events: ['*'] });

    const { result } = await deliver(workspaceId);

    expect(result.deliveries).toEqual([]);
    expect(r.requests).toHaveLength(0);
  });

  it('signs every attempt so that the standardwebhooks library verifies it', async () => {
    const workspaceId = await newWorkspaceId(temp.db);
    const r = await receiver((i) => (i === 0 ? { status: 500 } : { status: 200 }));
    const webhook = await createWebhook(temp.db, { workspaceId, url: r.url, events: ['lead.created'] });

    const { event } = await deliver(workspaceId);

    expect(r.requests).toHaveLength(2);
    const verifier = new StandardWebhook(webhook.secret);
    for (const req of r.requests) {
      const verified = verifier.verify(req.body, req.headers as Record<string, string>);
      expect(verified).toEqual(event);
      expect(req.headers['content-type']).toBe('application/json');
      expect(req.headers['user-agent']).toMatch(/^Hookline\/\d+\.\d+\.\d+$/);
    }
    const forged = new StandardWebhook('whsec_' + Buffer.alloc(24, 7).toString('base64'));
    expect(() => forged.verify(r.requests[0]!.body, r.requests[0]!.headers as Record<string, string>)).toThrow();
  });

  it('keeps the webhook secret out of the workflow history', async () => {
    const workspaceId = await newWorkspaceId(temp.db);
    const r = await receiver((i) => (i === 0 ? { status: 500 } : { status: 200 }));
    const webhook = await createWebhook(temp.db, { workspaceId, url: r.url, events: ['lead.created'] });

    const { handle } = await deliver(workspaceId);

    // Decrypted, as someone holding the encryption key would read it: the secret is still not there.
    const history = await readableHistory(await handle.fetchHistory(), testEncryption.codec);
    const key = webhook.secret.slice('whsec_'.length);
    expect(history).toContain(webhook.id);
    expect(history).toContain(webhook.url);
    expect(history).not.toContain(key);
    expect(history).not.toContain(Buffer.from(key, 'base64').toString('hex'));
  });

  it('keeps event data encrypted in the workflow history', async () => {
    const workspaceId = await newWorkspaceId(temp.db);
    const r = await receiver();
    await createWebhook(temp.db, { workspaceId, url: r.url, events: ['lead.created'] });

    const { event, handle } = await deliver(workspaceId);

    const marker = String(event.data.email);
    const raw = await readableHistory(await handle.fetchHistory());
    expect(raw).not.toContain(marker);
    expect(raw).not.toContain(r.url);
    expect(raw).toContain('binary/encrypted');
    // The ids that search attributes hold stay readable, so the UI's filters keep working.
    expect(raw).toContain(event.id);
    const decrypted = await readableHistory(await handle.fetchHistory(), testEncryption.codec);
    expect(decrypted).toContain(marker);
    expect(JSON.parse(r.requests[0]?.body ?? '{}')).toMatchObject({ data: { email: marker } });
  });

  it('ends as failed without another request when the webhook is deleted while retrying', async () => {
    const workspaceId = await newWorkspaceId(temp.db);
    const r = await receiver(() => ({ status: 500 }));
    const webhook = await createWebhook(temp.db, { workspaceId, url: r.url, events: ['lead.created'] });

    const { result } = await deliver(workspaceId, {
      beforeResult: async () => {
        await r.waitForRequests(1);
        await deleteWebhook(temp.db, workspaceId, webhook.id);
      },
    });

    expect(r.requests).toHaveLength(1);
    expect(result.deliveries[0]).toMatchObject({ outcome: 'failed', attempts: 2, errorType: 'WebhookUnavailable' });
  });

  it('records the workspace, event type and webhook ids as search attributes', async () => {
    const workspaceId = await newWorkspaceId(temp.db);
    const r = await receiver();
    const webhook = await createWebhook(temp.db, { workspaceId, url: r.url, events: ['lead.created'] });

    const { event, handle } = await deliver(workspaceId);

    const description = await handle.describe();
    expect(description.typedSearchAttributes.get(SEARCH_ATTRIBUTES.workspaceId)).toBe(workspaceId);
    expect(description.typedSearchAttributes.get(SEARCH_ATTRIBUTES.eventType)).toBe('lead.created');
    expect(description.typedSearchAttributes.get(SEARCH_ATTRIBUTES.eventId)).toBe(event.id);
    expect(description.typedSearchAttributes.get(SEARCH_ATTRIBUTES.webhookIds)).toEqual([webhook.id]);
  });

  it.each([
    ['resolved at emit time', true],
    ['looked up by the workflow', false],
  ])(
    'delivers to more endpoints than one workflow can list through batch workflows, each listing its own (%s)',
    async (_how, emitterReadsDb) => {
      const workspaceId = await newWorkspaceId(temp.db);
      const r = await receiver();
      const count = MAX_WEBHOOKS_PER_WORKFLOW * 2 + 7;
      const webhooks = await Promise.all(
        Array.from({ length: count }, (_, i) =>
          createWebhook(temp.db, { workspaceId, url: `${r.url}/${i}`, events: ['lead.created'] }),
        ),
      );

      const { event, result, handle } = await deliver(workspaceId, { emitterReadsDb });

      expect(result.deliveries).toHaveLength(count);
      expect(result.deliveries.every((d) => d.outcome === 'succeeded' && d.attempts === 1)).toBe(true);
      expect(new Set(r.requests.map((req) => req.path)).size).toBe(count);
      expect(r.requests.every((req) => req.headers['webhook-id'] === event.id)).toBe(true);
      const parent = await handle.describe();
      expect(parent.typedSearchAttributes.get(SEARCH_ATTRIBUTES.webhookIds)).toBeUndefined();
      const listed: string[] = [];
      for (let index = 0; index < 3; index++) {
        const batch = await env.client.workflow.getHandle(batchWorkflowId(handle.workflowId, index)).describe();
        const ids = batch.typedSearchAttributes.get(SEARCH_ATTRIBUTES.webhookIds) ?? [];
        expect(ids.length).toBeLessThanOrEqual(MAX_WEBHOOKS_PER_WORKFLOW);
        expect(batch.typedSearchAttributes.get(SEARCH_ATTRIBUTES.eventId)).toBe(event.id);
        listed.push(...ids);
      }
      expect(listed.sort()).toEqual(webhooks.map((w) => w.id).sort());
    },
  );

  it('lets the attempts of a large event read it from the workflow instead of carrying a copy each', async () => {
    const workspaceId = await newWorkspaceId(temp.db);
    const r = await receiver();
    const webhooks = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        createWebhook(temp.db, { workspaceId, url: `${r.url}/${i}`, events: ['lead.created'] }),
      ),
    );
    const event = {
      ...buildEvent(workspaceId),
      data: { leadId: 'lead_big', source: 'api', notes: 'x'.repeat(200_000) },
    };

    const { result, handle } = await deliver(workspaceId, { event, emitterReadsDb: true });

    expect(result.deliveries.filter((d) => d.outcome === 'succeeded')).toHaveLength(webhooks.length);
    for (const req of r.requests) {
      expect(JSON.parse(req.body)).toEqual(event);
      const secret = webhooks.find((w) => req.path.endsWith(`/${webhooks.indexOf(w)}`))?.secret ?? '';
      expect(new StandardWebhook(secret).verify(req.body, req.headers as Record<string, string>)).toEqual(event);
    }
    // The event is in the history once (the start input), not once per endpoint.
    const history = await readableHistory(await handle.fetchHistory(), testEncryption.codec);
    expect(history.split('x'.repeat(200_000)).length - 1).toBe(1);
  });

  it('uses the endpoints resolved at emit time, with no lookup of its own, when the emitter reads the database', async () => {
    const workspaceId = await newWorkspaceId(temp.db);
    const r = await receiver((i) => (i === 0 ? { status: 500 } : { status: 200 }));
    const webhook = await createWebhook(temp.db, { workspaceId, url: r.url, events: ['lead.created'] });

    const { result, handle } = await deliver(workspaceId, { emitterReadsDb: true });

    expect(result.deliveries).toEqual([{ webhookId: webhook.id, outcome: 'succeeded', attempts: 2, statusCode: 200 }]);
    const history = await handle.fetchHistory();
    const types = (history.events ?? []).map((e) => String(e.eventType));
    expect(types.filter((t) => t.includes('MARKER_RECORDED'))).toEqual([]);
    expect(types.filter((t) => t.includes('UPSERT_WORKFLOW_SEARCH_ATTRIBUTES'))).toEqual([]);
    const description = await handle.describe();
    expect(description.typedSearchAttributes.get(SEARCH_ATTRIBUTES.webhookIds)).toEqual([webhook.id]);
  });
});
