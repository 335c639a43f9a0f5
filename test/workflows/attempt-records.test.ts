import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { readDeliveryExecution } from '../../src/api/domain/delivery-status';
import type { TemporalDeps } from '../../src/api/domain/temporal';
import { DELIVERY_FAILURE_TYPES, deliveryWorkflowId, type EventEnvelope } from '../../src/contract/delivery';
import { webhookHealthWorkflowId, type AutoDisablePolicy } from '../../src/contract/health';
import { createWebhook, findWebhook } from '../../src/db/webhooks';
import { operationalEventId } from '../../src/activities/notifier';
import { startDelivery } from '../../src/emit/start-delivery';
import { startTimeSkippingServer } from '../../src/temporal-server/servers';
import {
  buildEvent,
  newWorkspaceId,
  openTempDatabase,
  startTestWorker,
  testEncryption,
  type TempDatabase,
} from '../support/fixtures';
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

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

async function receiver(reply?: (index: number) => Reply): Promise<Receiver> {
  const r = await startReceiver({ reply: reply && ((_req, i) => reply(i)), clock: () => env.currentTimeMs() });
  receivers.push(r);
  return r;
}

function temporalDeps(taskQueue: string): TemporalDeps {
  return { client: env.client, taskQueue, namespace: 'default', uiUrl: 'http://localhost:8233' };
}

/** Runs a worker until `body` is done, with the given health policy. */
async function withWorker<T>(
  body: (taskQueue: string) => Promise<T>,
  autoDisable: AutoDisablePolicy | null = null,
): Promise<T> {
  const { worker, taskQueue, http } = await startTestWorker(env.nativeConnection, temp.db, undefined, { autoDisable });
  try {
    return await worker.runUntil(body(taskQueue));
  } finally {
    await http.close();
  }
}

async function emit(taskQueue: string, event: EventEnvelope) {
  const { handle } = await startDelivery({ event }, { client: env.client, taskQueue });
  return handle;
}

/** The receiver's requests carrying events of one type, parsed. */
function eventsOf(r: Receiver, type: string): EventEnvelope[] {
  return r.requests.map((req) => JSON.parse(req.body) as EventEnvelope).filter((e) => e.type === type);
}

describe('every attempt on record', () => {
  it('lists each attempt of a delivery that succeeded on its third, with times, answers and excerpts', async () => {
    const workspaceId = await newWorkspaceId(temp.db);
    const r = await receiver((i) =>
      i === 0 ? { status: 500, body: 'database down' } : i === 1 ? 'destroy' : { status: 200, body: 'thanks' },
    );
    const webhook = await createWebhook(temp.db, { workspaceId, url: r.url, events: ['lead.created'] });
    const event = buildEvent(workspaceId);

    const execution = await withWorker(async (taskQueue) => {
      await (await emit(taskQueue, event)).result();
      return readDeliveryExecution(temporalDeps(taskQueue), deliveryWorkflowId(workspaceId, event.id));
    });

    const delivery = execution?.deliveries.find((d) => d.webhookId === webhook.id);
    expect(delivery).toMatchObject({ status: 'succeeded', attempts: 3, lastStatusCode: 200 });
    const log = delivery?.attemptLog ?? [];
    expect(log.map((a) => [a.attempt, a.outcome, a.statusCode, a.failureType, a.trigger])).toEqual([
      [1, 'failed', 500, DELIVERY_FAILURE_TYPES.httpStatus, 'scheduled'],
      [2, 'failed', null, DELIVERY_FAILURE_TYPES.connection, 'scheduled'],
      [3, 'succeeded', 200, null, 'scheduled'],
    ]);
    expect(log[0]).toMatchObject({
      responseExcerpt: 'database down',
      error: 'Receiver answered HTTP 500: database down',
    });
    expect(log[2]?.responseExcerpt).toBe('thanks');
    // Start times are the worker's clock (this server skips time, the worker's clock does not).
    const starts = log.map((a) => Date.parse(a.startedAt ?? ''));
    expect(starts.every((at, i) => Number.isFinite(at) && (i === 0 || at >= starts[i - 1]!))).toBe(true);
    for (const attempt of log) expect(attempt.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('keeps every failed attempt of a delivery that gave up', async () => {
    const workspaceId = await newWorkspaceId(temp.db);
    const r = await receiver((i) => ({ status: 500 + i, body: `failure ${i + 1}` }));
    const webhook = await createWebhook(temp.db, { workspaceId, url: r.url, events: ['lead.created'] });
    const event = buildEvent(workspaceId);

    const execution = await withWorker(async (taskQueue) => {
      await (await emit(taskQueue, event)).result();
      return readDeliveryExecution(temporalDeps(taskQueue), deliveryWorkflowId(workspaceId, event.id));
    });

    const log = execution?.deliveries.find((d) => d.webhookId === webhook.id)?.attemptLog ?? [];
    expect(log.map((a) => [a.attempt, a.statusCode, a.responseExcerpt])).toEqual([
      [1, 500, 'failure 1'],
      [2, 501, 'failure 2'],
      [3, 502, 'failure 3'],
    ]);
  });
});

describe('Retry-After', () => {
  it('delays the next attempt of a 429 to the time the receiver asked for', async () => {
    const workspaceId = await newWorkspaceId(temp.db);
    const r = await receiver((i) => (i === 0 ? { status: 429, headers: { 'retry-after': '600' } } : { status: 200 }));
    const webhook = await createWebhook(temp.db, { workspaceId, url: r.url, events: ['lead.created'] });
    const event = buildEvent(workspaceId);

    const execution = await withWorker(async (taskQueue) => {
      await (await emit(taskQueue, event)).result();
      return readDeliveryExecution(temporalDeps(taskQueue), deliveryWorkflowId(workspaceId, event.id));
    });

    expect(r.requests).toHaveLength(2);
    const [first, second] = r.requests.map((req) => req.at) as [number, number];
    expect(second - first).toBeGreaterThanOrEqual(10 * MINUTE);
    expect(second - first).toBeLessThan(11 * MINUTE);
    const log = execution?.deliveries.find((d) => d.webhookId === webhook.id)?.attemptLog ?? [];
    expect(log[0]).toMatchObject({ statusCode: 429, retryAfterMs: 600_000 });
  });

  it('caps a 503 Retry-After at one hour and never shortens the schedule', async () => {
    const workspaceId = await newWorkspaceId(temp.db);
    const r = await receiver((i) =>
      i === 0
        ? { status: 503, headers: { 'retry-after': '86400' } }
        : i === 1
          ? { status: 503, headers: { 'retry-after': '1' } }
          : { status: 200 },
    );
    await createWebhook(temp.db, { workspaceId, url: r.url, events: ['lead.created'] });

    await withWorker(async (taskQueue) => (await emit(taskQueue, buildEvent(workspaceId))).result());

    expect(r.requests).toHaveLength(3);
    const [first, second, third] = r.requests.map((req) => req.at) as [number, number, number];
    expect(second - first).toBeGreaterThanOrEqual(HOUR);
    expect(second - first).toBeLessThan(HOUR + MINUTE);
    // Asked for 1 s, waited the schedule's 2 minutes.
    expect(third - second).toBeGreaterThanOrEqual(2 * MINUTE);
    expect(third - second).toBeLessThan(3 * MINUTE);
  });
});

describe('the extended retry schedule', () => {
  it('keeps trying a webhook that chose it long after the standard three attempts', async () => {
    const workspaceId = await newWorkspaceId(temp.db);
    const r = await receiver((i) => (i < 6 ? { status: 502 } : { status: 200 }));
    await createWebhook(temp.db, { workspaceId, url: r.url, events: ['lead.created'], retrySchedule: 'extended' });

    const result = await withWorker(async (taskQueue) => (await emit(taskQueue, buildEvent(workspaceId))).result());

    expect(result.deliveries[0]).toMatchObject({ outcome: 'succeeded', attempts: 7 });
    const gaps = r.requests.slice(1).map((req, i) => req.at - r.requests[i]!.at);
    expect(gaps.map((gap) => Math.floor(gap / MINUTE))).toEqual([1, 2, 4, 8, 16, 32]);
  });
});

describe('operational events', () => {
  it('tells a webhook that subscribes to delivery.exhausted, and never one subscribed to *', async () => {
    const workspaceId = await newWorkspaceId(temp.db);
    const failing = await receiver(() => ({ status: 500, body: 'no' }));
    const ops = await receiver(() => ({ status: 500 }));
    const everything = await receiver();
    const dead = await createWebhook(temp.db, { workspaceId, url: failing.url, events: ['lead.created'] });
    const watcher = await createWebhook(temp.db, { workspaceId, url: ops.url, events: ['delivery.exhausted'] });
    await createWebhook(temp.db, { workspaceId, url: everything.url, events: ['*'] });
    const event = buildEvent(workspaceId);

    await withWorker(async (taskQueue) => {
      await (await emit(taskQueue, event)).result();
      const exhaustedId = operationalEventId(
        'delivery.exhausted',
        `${deliveryWorkflowId(workspaceId, event.id)}\n${dead.id}`,
      );
      const operational = await env.client.workflow.getHandle(deliveryWorkflowId(workspaceId, exhaustedId)).result();
      // The watcher fails too: its own delivery.exhausted is never emitted.
      expect(operational.deliveries).toEqual([expect.objectContaining({ webhookId: watcher.id, outcome: 'failed' })]);
    });

    const told = eventsOf(ops, 'delivery.exhausted');
    expect(told.length).toBe(3);
    expect(new Set(told.map((e) => e.id)).size).toBe(1);
    expect(told[0]?.data).toMatchObject({
      eventId: event.id,
      eventType: 'lead.created',
      webhookId: dead.id,
      attempts: 3,
      statusCode: 500,
      failureType: DELIVERY_FAILURE_TYPES.httpStatus,
    });
    expect(everything.requests.map((req) => (JSON.parse(req.body) as EventEnvelope).type)).toEqual(['lead.created']);
  });
});

describe('auto-disable', () => {
  const policy: AutoDisablePolicy = { afterMs: 24 * HOUR, minFailures: 3 };

  // Each on a server of its own: time skipping is global to a server, and these skip days.
  let shared: TestWorkflowEnvironment;
  beforeEach(async () => {
    shared = env;
    env = await startTimeSkippingServer({
      executable: inject('testServerExecutable'),
      dataConverter: testEncryption.dataConverter,
    });
  });
  afterEach(async () => {
    await env.teardown();
    env = shared;
  });

  it('disables a webhook whose every delivery failed for the whole period, and says so', async () => {
    const workspaceId = await newWorkspaceId(temp.db);
    const failing = await receiver(() => ({ status: 503 }));
    const ops = await receiver();
    const dead = await createWebhook(temp.db, { workspaceId, url: failing.url, events: ['lead.created'] });
    await createWebhook(temp.db, { workspaceId, url: ops.url, events: ['webhook.disabled'] });

    const outcome = await withWorker(async (taskQueue) => {
      for (let i = 0; i < 2; i++) await (await emit(taskQueue, buildEvent(workspaceId))).result();
      await env.sleep(25 * HOUR);
      // A day of failures, but fewer than the policy's minimum: still enabled, still watched.
      expect(await findWebhook(temp.db, dead.id)).toMatchObject({ enabled: true, failingSince: expect.any(String) });
      await (await emit(taskQueue, buildEvent(workspaceId))).result();
      const outcome = await env.client.workflow.getHandle(webhookHealthWorkflowId(dead.id)).result();
      // Delivered by this worker: wait for it before the worker stops.
      await ops.waitForRequests(1);
      return outcome;
    }, policy);

    expect(outcome).toMatchObject({ outcome: 'disabled', failures: 3 });
    const stored = await findWebhook(temp.db, dead.id);
    expect(stored).toMatchObject({ enabled: false, failingSince: null });
    expect(stored?.disabledReason).toMatch(
      /^Every delivery failed for \d+ h \(3 deliveries\); last error: Receiver answered HTTP 503/,
    );
    expect(eventsOf(ops, 'webhook.disabled')[0]?.data).toMatchObject({
      webhookId: dead.id,
      url: failing.url,
      failedDeliveries: 3,
    });
  });

  it('leaves a webhook alone once an attempt succeeds again', async () => {
    const workspaceId = await newWorkspaceId(temp.db);
    let up = false;
    const flaky = await receiver(() => (up ? { status: 200 } : { status: 500 }));
    const webhook = await createWebhook(temp.db, { workspaceId, url: flaky.url, events: ['lead.created'] });

    const outcome = await withWorker(async (taskQueue) => {
      await (await emit(taskQueue, buildEvent(workspaceId))).result();
      up = true;
      await (await emit(taskQueue, buildEvent(workspaceId))).result();
      const health = env.client.workflow.getHandle(webhookHealthWorkflowId(webhook.id));
      // Already over by now; read its end from the description.
      for (let i = 0; i < 50 && (await health.describe()).status.name === 'RUNNING'; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return (await health.describe()).status.name;
    }, policy);

    expect(outcome).toBe('COMPLETED');
    const stored = await findWebhook(temp.db, webhook.id);
    expect(stored).toMatchObject({ enabled: true, failingSince: null });
  });
});
