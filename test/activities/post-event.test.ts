import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { eq } from 'drizzle-orm';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../src/activities';
import { createHttpSender, MAX_RESPONSE_EXCERPT_BYTES } from '../../src/activities/http';
import {
  createWebhook,
  deleteWebhook,
  findEndpoints,
  findWebhook,
  setWebhookFailingSince,
} from '../../src/db/webhooks';
import { DELIVERY_FAILURE_TYPES, type AttemptRecord, type PostFailureDetails } from '../../src/contract/delivery';
import type { DeliveryNotifier } from '../../src/activities/notifier';
import { parseAllowedNetworks } from '../../src/security/network-guard';
import { generateWebhookSecret } from '../../src/shared/webhook-secret';
import { buildEvent, newWorkspaceId, openTempDatabase, testGuard, type TempDatabase } from '../support/fixtures';
import { startReceiver, type Receiver, type Reply } from '../support/receiver';

let temp: TempDatabase;
const sender = createHttpSender(testGuard);
const receivers: Receiver[] = [];

beforeAll(async () => {
  temp = await openTempDatabase();
});

afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await sender.close();
  await temp?.close();
});

/** These attempts carry their event; reading one by reference is covered by the fan-out workflow tests. */
const inlineOnly = { load: () => Promise.reject(new Error('these attempts carry their event inline')) };

/** Failures are the point of most tests here; the SDK's warning for each would only be noise. */
const mockEnv = (info: ConstructorParameters<typeof MockActivityEnvironment>[0] = {}) =>
  new MockActivityEnvironment(info, { logger: new DefaultLogger('ERROR') });

/**
 * What the attempts told Temporal beside their outcome. The calls themselves reach a real server in the
 * workflow tests (test/workflows/attempt-records.test.ts); here they are only recorded.
 */
const told: { attempts: AttemptRecord[]; succeeded: string[] } = { attempts: [], succeeded: [] };
const notifier: DeliveryNotifier = {
  attemptFailed: async (_workflowId, _runId, record) => {
    told.attempts.push(record);
  },
  deliveryExhausted: async () => undefined,
  deliverySucceeded: async (webhookId) => {
    told.succeeded.push(webhookId);
  },
  emitOperational: async () => undefined,
};

const activities = () => createActivities({ db: temp.db, http: sender, events: inlineOnly, notifier });

async function receiver(reply?: () => Reply): Promise<Receiver> {
  const r = await startReceiver({ reply: reply && (() => reply()) });
  receivers.push(r);
  return r;
}

/** Runs one attempt of postEvent and returns the failure it threw. */
async function failedAttempt(
  env: MockActivityEnvironment,
  input: Parameters<ReturnType<typeof activities>['postEvent']>[0],
) {
  const error = await env.run(activities().postEvent, input).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(ApplicationFailure);
  const failure = error as ApplicationFailure;
  return { failure, details: failure.details?.[0] as PostFailureDetails };
}

async function setup(url: string, extra: Partial<Parameters<typeof createWebhook>[1]> = {}) {
  const workspaceId = await newWorkspaceId(temp.db);
  const webhook = await createWebhook(temp.db, { workspaceId, url, events: ['lead.created'], ...extra });
  return { webhook, event: buildEvent(workspaceId) };
}

/** Changes a stored webhook behind the repositories' back. */
async function setStored(webhookId: string, values: { previousSecret?: string; previousSecretExpiresAt?: string }) {
  await temp.db.query((q, { webhooks }) =>
    q.update(webhooks).set(values).where(eq(webhooks.id, webhookId)).returning(),
  );
}

describe('postEvent against a real loopback receiver', () => {
  it('posts the envelope as signed JSON with the webhook’s own headers and reports the status', async () => {
    const r = await receiver(() => ({ status: 202 }));
    const { webhook, event } = await setup(r.url, { headers: { 'x-customer-token': 'abc123' } });
    const env = mockEnv({ attempt: 2 });

    const result = await env.run(activities().postEvent, { webhookId: webhook.id, event });

    expect(result).toMatchObject({ statusCode: 202, attempt: 2 });
    expect(r.requests).toHaveLength(1);
    const [req] = r.requests as [(typeof r.requests)[number]];
    expect(req.method).toBe('POST');
    expect(JSON.parse(req.body)).toEqual(event);
    expect(req.headers).toMatchObject({
      'content-type': 'application/json',
      'x-customer-token': 'abc123',
      'webhook-id': event.id,
    });
    const timestamp = Number(req.headers['webhook-timestamp']);
    expect(Math.abs(timestamp - Date.now() / 1000)).toBeLessThan(10);
    expect(new StandardWebhook(webhook.secret).verify(req.body, req.headers as Record<string, string>)).toEqual(event);
  });

  it('gives up on a receiver that does not answer within 5 seconds', async () => {
    const r = await receiver(() => ({ status: 200, delayMs: 8_000 }));
    const { webhook, event } = await setup(r.url);
    const started = Date.now();

    const { failure, details } = await failedAttempt(mockEnv(), { webhookId: webhook.id, event });

    const elapsed = Date.now() - started;
    expect(failure.type).toBe(DELIVERY_FAILURE_TYPES.timeout);
    expect(failure.nonRetryable).toBe(false);
    expect(failure.message).toContain('5000 ms');
    expect(details).toMatchObject({ attempt: 1, durationMs: expect.any(Number) });
    expect(details.statusCode).toBeUndefined();
    expect(elapsed).toBeGreaterThanOrEqual(4_900);
    expect(elapsed).toBeLessThan(7_500);
  });

  it('counts a 2xx whose body then stalls as delivered: the status arrived', async () => {
    const sockets = new Set<Socket>();
    const stalling = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('accepted, but the rest of this body never comes');
    });
    stalling.on('connection', (socket) => sockets.add(socket));
    await new Promise<void>((resolve) => stalling.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = stalling.address() as AddressInfo;
      const { webhook, event } = await setup(`http://127.0.0.1:${port}/hooks`);

      const result = await mockEnv().run(activities().postEvent, { webhookId: webhook.id, event });

      expect(result).toMatchObject({ statusCode: 200, attempt: 1 });
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => stalling.close(resolve));
    }
  });

  it('does not follow a redirect and counts it as a retryable failure', async () => {
    const target = await receiver();
    const r = await receiver(() => ({ status: 302, headers: { location: target.url } }));
    const { webhook, event } = await setup(r.url);

    const { failure, details } = await failedAttempt(mockEnv(), { webhookId: webhook.id, event });

    expect(failure.type).toBe(DELIVERY_FAILURE_TYPES.httpStatus);
    expect(failure.nonRetryable).toBe(false);
    expect(failure.message).toContain('HTTP 302');
    expect(details.statusCode).toBe(302);
    expect(r.requests).toHaveLength(1);
    expect(target.requests).toHaveLength(0);
  });

  it('reports a refused connection as a retryable failure naming the error', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const server = http.createServer();
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
        server.close(() => resolve(port));
      });
    });
    const { webhook, event } = await setup(`http://127.0.0.1:${closedPort}/hooks`);

    const { failure } = await failedAttempt(mockEnv(), { webhookId: webhook.id, event });

    expect(failure.type).toBe(DELIVERY_FAILURE_TYPES.connection);
    expect(failure.nonRetryable).toBe(false);
    expect(failure.message).toContain('ECONNREFUSED');
  });

  it('reports a connection reset by the receiver as a retryable failure', async () => {
    const r = await receiver(() => 'destroy');
    const { webhook, event } = await setup(r.url);

    const { failure } = await failedAttempt(mockEnv(), { webhookId: webhook.id, event });

    expect(failure.type).toBe(DELIVERY_FAILURE_TYPES.connection);
    expect(r.requests).toHaveLength(1);
  });

  it('keeps only the first 4 KiB of a failing response body', async () => {
    const r = await receiver(() => ({ status: 500, body: 'x'.repeat(64 * 1024) }));
    const { webhook, event } = await setup(r.url);

    const { failure, details } = await failedAttempt(mockEnv(), { webhookId: webhook.id, event });

    expect(details.statusCode).toBe(500);
    const excerpt = failure.message.slice('Receiver answered HTTP 500: '.length);
    expect(excerpt).toBe('x'.repeat(MAX_RESPONSE_EXCERPT_BYTES));
  });

  it('records a failed attempt in its workflow when Temporal will retry it, and leaves the last to its failure', async () => {
    const r = await receiver(() => ({ status: 502, body: 'bad gateway' }));
    const { webhook, event } = await setup(r.url);
    told.attempts.length = 0;

    const { details } = await failedAttempt(mockEnv({ attempt: 1 }), { webhookId: webhook.id, event });
    await failedAttempt(mockEnv({ attempt: 3 }), { webhookId: webhook.id, event });

    expect(told.attempts).toEqual([
      {
        webhookId: webhook.id,
        attempt: 1,
        startedAt: details.startedAt,
        durationMs: details.durationMs,
        outcome: 'failed',
        failureType: DELIVERY_FAILURE_TYPES.httpStatus,
        error: 'Receiver answered HTTP 502: bad gateway',
        statusCode: 502,
        responseExcerpt: 'bad gateway',
      },
    ]);
  });

  it('asks Temporal to wait what a 429 asked for with Retry-After, when that is longer than the schedule', async () => {
    const r = await receiver(() => ({ status: 429, headers: { 'retry-after': '300' } }));
    const { webhook, event } = await setup(r.url);

    const { failure, details } = await failedAttempt(mockEnv({ attempt: 1 }), { webhookId: webhook.id, event });

    expect(details.retryAfterMs).toBe(300_000);
    expect(failure.nextRetryDelay).toBe(300_000);
    expect(failure.nonRetryable).toBe(false);
  });

  it('tells the health workflow of a failing webhook that an attempt succeeded', async () => {
    const r = await receiver();
    const { webhook, event } = await setup(r.url);
    await setWebhookFailingSince(temp.db, webhook.id, new Date().toISOString());
    told.succeeded.length = 0;

    await mockEnv().run(activities().postEvent, { webhookId: webhook.id, event });

    expect(told.succeeded).toEqual([webhook.id]);
    expect((await findWebhook(temp.db, webhook.id))?.failingSince).toBeNull();
  });

  it('disables the webhook and fails for good on 410 Gone', async () => {
    const r = await receiver(() => ({ status: 410, body: 'endpoint removed' }));
    const { webhook, event } = await setup(r.url);

    const { failure, details } = await failedAttempt(mockEnv(), { webhookId: webhook.id, event });

    expect(failure.type).toBe(DELIVERY_FAILURE_TYPES.endpointGone);
    expect(failure.nonRetryable).toBe(true);
    expect(details).toMatchObject({ attempt: 1, statusCode: 410, responseExcerpt: 'endpoint removed' });
    expect((await findWebhook(temp.db, webhook.id))?.enabled).toBe(false);
    expect(await findEndpoints(temp.db, { workspaceId: webhook.workspaceId, eventType: 'lead.created' })).toEqual([]);
  });

  it('signs with both secrets while the previous one is in its grace period, and with one after', async () => {
    const r = await receiver();
    const previous = generateWebhookSecret();
    const { webhook, event } = await setup(r.url);
    const hourFromNow = new Date(Date.now() + 3_600_000).toISOString();
    await setStored(webhook.id, { previousSecret: previous, previousSecretExpiresAt: hourFromNow });

    await mockEnv().run(activities().postEvent, { webhookId: webhook.id, event });
    await setStored(webhook.id, { previousSecretExpiresAt: new Date(Date.now() - 1_000).toISOString() });
    await mockEnv().run(activities().postEvent, { webhookId: webhook.id, event });

    const [during, after] = r.requests as [(typeof r.requests)[number], (typeof r.requests)[number]];
    expect(String(during.headers['webhook-signature']).split(' ')).toHaveLength(2);
    for (const secret of [webhook.secret, previous]) {
      expect(new StandardWebhook(secret).verify(during.body, during.headers as Record<string, string>)).toEqual(event);
    }
    expect(String(after.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(() => new StandardWebhook(previous).verify(after.body, after.headers as Record<string, string>)).toThrow();
  });

  it('refuses, without a request, a stored URL that carries credentials, and never repeats them', async () => {
    const r = await receiver();
    const { webhook, event } = await setup(r.url.replace('http://', 'http://crm-user:crm-pass-77@'));

    const { failure } = await failedAttempt(mockEnv(), { webhookId: webhook.id, event });

    expect(failure.type).toBe(DELIVERY_FAILURE_TYPES.destinationBlocked);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).not.toContain('crm-pass-77');
    expect(r.requests).toHaveLength(0);
  });

  it('refuses to connect to a receiver outside the allowed networks, without retrying', async () => {
    const r = await receiver();
    const { webhook, event } = await setup(r.url);
    const guarded = createHttpSender({ allowedNetworks: parseAllowedNetworks('10.0.0.0/8') });
    try {
      const error = await mockEnv()
        .run(createActivities({ db: temp.db, http: guarded, events: inlineOnly, notifier }).postEvent, {
          webhookId: webhook.id,
          event,
        })
        .then(
          () => undefined,
          (err: unknown) => err,
        );

      expect(error).toBeInstanceOf(ApplicationFailure);
      expect((error as ApplicationFailure).type).toBe(DELIVERY_FAILURE_TYPES.destinationBlocked);
      expect((error as ApplicationFailure).nonRetryable).toBe(true);
      expect(r.requests).toHaveLength(0);
    } finally {
      await guarded.close();
    }
  });

  it('fails for good, without a request, when the webhook was deleted or belongs to another workspace', async () => {
    const r = await receiver();
    const { webhook, event } = await setup(r.url);
    const stranger = { ...event, workspaceId: await newWorkspaceId(temp.db) };

    const foreign = await failedAttempt(mockEnv(), { webhookId: webhook.id, event: stranger });
    await deleteWebhook(temp.db, webhook.workspaceId, webhook.id);
    const deleted = await failedAttempt(mockEnv(), { webhookId: webhook.id, event });

    for (const { failure } of [foreign, deleted]) {
      expect(failure.type).toBe(DELIVERY_FAILURE_TYPES.webhookUnavailable);
      expect(failure.nonRetryable).toBe(true);
    }
    expect(r.requests).toHaveLength(0);
  });
});
