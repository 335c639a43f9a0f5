/**
 * Hookline's real processes (`npm run worker`, `npm start`) against a real Temporal dev server and real
 * loopback receivers, broken on purpose: stopped, killed mid-request, cut off from a restarting server,
 * and pointed at receivers that hang, reset, dribble or stall. Retries are brought forward with
 * `hurryRetries` (what `temporal activity update-options` does) so no minute-long wait is real.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Connection, type Client } from '@temporalio/client';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { deliveryWorkflowId, type DeliverEventResult } from '../../src/contract/delivery';
import type { EmittedEvent } from '../../src/contract/envelope';
import { createWebhook, endpointResolver } from '../../src/db/webhooks';
import { startDelivery } from '../../src/emit/start-delivery';
import { CleanupStack } from '../../src/runtime/cleanup-stack';
import { formatKeyring } from '../../src/security/keyring';
import type { EventStatusView, WebhookView } from '../../src/api/schemas';
import { eventually } from '../api/harness';
import { startFileDevServer, type FileDevServer } from '../support/dev-server';
import {
  activityEventNames,
  deliveryHistory,
  hurryRetries,
  pendingAttempts,
  startedAttempts,
  type PendingAttempt,
} from '../support/delivery-attempts';
import {
  buildEvent,
  LOOPBACK_NETWORKS,
  newWorkspaceId,
  openTempDatabase,
  testClient,
  testEncryption,
  uniqueName,
  type TempDatabase,
} from '../support/fixtures';
import { apiCaller } from '../support/http-api';
import { freePort, hooklineEnv, HooklineProcesses, type HooklineProcess } from '../support/processes';
import { formatChaosReport, runChaos, type ChaosOptions } from '../support/chaos';
import { startReceiver, type Receiver, type ReceiverOptions } from '../support/receiver';

const PROCESS_START_MS = 60_000;
const KEYS = formatKeyring(testEncryption.keyring);

let server: FileDevServer;
let connection: Connection;
let client: Client;
let serverDir: string;

beforeAll(async () => {
  serverDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hookline-faults-'));
  server = await startFileDevServer(inject('devServerExecutable'), path.join(serverDir, 'temporal.db'));
  // A client of its own rather than the environment's, so that it outlives a restart of the server.
  connection = await Connection.connect({ address: server.address });
  client = testClient(connection);
});

afterAll(async () => {
  await connection?.close();
  await server?.stop();
  fs.rmSync(serverDir, { recursive: true, force: true });
});

/** What one test opened: processes, receivers, databases, servers; released when the test ends. */
let cleanup: CleanupStack;
let processes: HooklineProcesses;

/** For the tests that run one at a time: each gets its own {@link cleanup} and {@link processes}. */
function releaseAfterEachTest() {
  beforeEach(() => {
    cleanup = new CleanupStack((name, err) => console.warn(`cleanup of ${name} failed`, err));
    processes = new HooklineProcesses();
  });
  // The processes first, so that none of them sees its database or receivers go.
  afterEach(async () => {
    await processes.killAll();
    await cleanup.close();
  });
}

async function receiver(options: ReceiverOptions): Promise<Receiver> {
  const started = await startReceiver(options);
  cleanup.defer('receiver', () => started.close());
  return started;
}

/** A Hookline data directory (its SQLite file, open here too) and the settings of a worker using it. */
async function hooklineData(temporalAddress: string, onCleanup: CleanupStack = cleanup) {
  const temp: TempDatabase = await openTempDatabase();
  onCleanup.defer('database', () => temp.close());
  const taskQueue = uniqueName('queue');
  const env = hooklineEnv({
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_TASK_QUEUE: taskQueue,
    HOOKLINE_DATA_DIR: path.dirname(temp.file),
    DATABASE_PATH: temp.file,
    HOOKLINE_ALLOWED_NETWORKS: LOOPBACK_NETWORKS,
    HOOKLINE_ENCRYPTION_KEYS: KEYS,
  });
  return { temp, taskQueue, env };
}

/** Subscribes one webhook to `url` and emits an event to it through the shared emit path. */
async function emitTo(data: Awaited<ReturnType<typeof hooklineData>>, url: string, temporal: Client = client) {
  const workspaceId = await newWorkspaceId(data.temp.db);
  const webhook = await createWebhook(data.temp.db, { workspaceId, url, events: ['lead.created'] });
  const event = buildEvent(workspaceId);
  const { handle } = await startDelivery(
    { event },
    { client: temporal, taskQueue: data.taskQueue, resolveEndpoints: endpointResolver(data.temp.db) },
  );
  return { webhook, event, handle };
}

function resultWithin(handle: { result(): Promise<DeliverEventResult> }, timeoutMs: number) {
  return Promise.race([
    handle.result(),
    new Promise<never>((_resolve, reject) =>
      setTimeout(() => reject(new Error(`No workflow result within ${timeoutMs} ms`)), timeoutMs).unref(),
    ),
  ]);
}

/** Waits until the delivery's only attempt failed and its retry is scheduled. */
function retryScheduled(temporal: Client, workflowId: string, timeoutMs = 30_000): Promise<PendingAttempt> {
  return eventually(
    async () => {
      const [pending] = await pendingAttempts(temporal, workflowId);
      return pending?.state === 'scheduled' && pending.attempt >= 2 ? pending : undefined;
    },
    { timeoutMs, intervalMs: 200, what: `a scheduled retry of ${workflowId}` },
  );
}

/**
 * Brings the delivery's waiting retry forward, then checks that its second attempt, made by `worker`,
 * delivered it: the receiver got the event twice under the same webhook-id.
 */
async function expectSecondAttemptDelivered(
  temporal: Client,
  { webhook, event, handle }: Awaited<ReturnType<typeof emitTo>>,
  target: Receiver,
  worker: HooklineProcess,
) {
  expect(await hurryRetries(temporal, handle.workflowId)).toBe(1);
  const result = await resultWithin(handle, 30_000);
  expect(result.deliveries).toEqual([{ webhookId: webhook.id, outcome: 'succeeded', attempts: 2, statusCode: 200 }]);
  expect(target.requests.map((req) => req.headers['webhook-id'])).toEqual([event.id, event.id]);
  const history = await deliveryHistory(temporal, handle.workflowId);
  expect(startedAttempts(history)).toEqual([{ attempt: 2, identity: expect.stringMatching(`^${worker.pid}@`) }]);
}

const minuteAway = (pending: PendingAttempt) => (pending.nextAttemptAt?.getTime() ?? 0) - Date.now();

describe('stopping and killing the worker process', () => {
  releaseAfterEachTest();

  it('lets the attempt under way finish on SIGTERM, exits 0 after it, and records no failed attempt', async () => {
    const slow = await receiver({ reply: () => ({ status: 200, delayMs: 3_000 }) });
    const data = await hooklineData(server.address);
    const worker = await processes.startWorker(data.env, PROCESS_START_MS);
    const { webhook, event, handle } = await emitTo(data, slow.url);

    const [request] = await slow.waitForRequests(1, 30_000);
    worker.signal('SIGTERM');
    const exit = await worker.waitForExit(30_000);

    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(request?.answeredAt).toBeDefined();
    expect(exit.at).toBeGreaterThanOrEqual(request?.answeredAt ?? Infinity);
    expect(worker.logs.map((line) => line.msg)).toContain('Worker stopped');
    // Before any other worker runs, Temporal already holds the attempt as completed: nothing failed.
    const history = await deliveryHistory(client, handle.workflowId);
    expect(activityEventNames(history)).toEqual([
      'ActivityTaskScheduled',
      'ActivityTaskStarted',
      'ActivityTaskCompleted',
    ]);
    expect(startedAttempts(history)).toEqual([{ attempt: 1, identity: expect.stringMatching(`^${worker.pid}@`) }]);

    // The next worker only closes the workflow; the receiver heard from Hookline once.
    await processes.startWorker(data.env, PROCESS_START_MS);
    const result = await resultWithin(handle, 30_000);
    expect(result.deliveries).toEqual([{ webhookId: webhook.id, outcome: 'succeeded', attempts: 1, statusCode: 200 }]);
    expect(slow.requests.map((req) => req.headers['webhook-id'])).toEqual([event.id]);
  });

  it('delivers again, with the same webhook-id, an attempt whose worker was SIGKILLed mid-request', async () => {
    const holding = await receiver({ reply: (_req, index) => ({ status: 200, delayMs: index === 0 ? 2_000 : 0 }) });
    const data = await hooklineData(server.address);
    const first = await processes.startWorker(data.env, PROCESS_START_MS);
    const delivery = await emitTo(data, holding.url);
    const { handle } = delivery;

    await holding.waitForRequests(1, 30_000);
    expect(await first.kill()).toMatchObject({ signal: 'SIGKILL' });
    // Nothing tells Temporal the worker died: the attempt stays under way until its 15 s timeout.
    expect(await pendingAttempts(client, handle.workflowId)).toMatchObject([{ state: 'started', attempt: 1 }]);
    const second = await processes.startWorker(data.env, PROCESS_START_MS);
    expect((await handle.describe()).status.name).toBe('RUNNING');

    const waiting = await retryScheduled(client, handle.workflowId, 45_000);
    expect(waiting).toMatchObject({ attempt: 2, lastFailure: { timeout: true } });
    expect(minuteAway(waiting)).toBeGreaterThan(30_000);
    await expectSecondAttemptDelivered(client, delivery, holding, second);
  });
});

describe('restarting the Temporal dev server', () => {
  releaseAfterEachTest();

  it('keeps a delivery waiting for its retry across a restart on the same file, and the same worker delivers it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hookline-restart-'));
    cleanup.defer('server folder', () => fs.rmSync(dir, { recursive: true, force: true }));
    const own = await startFileDevServer(inject('devServerExecutable'), path.join(dir, 'temporal.db'));
    cleanup.defer('dev server', () => own.stop());
    const ownConnection = await Connection.connect({ address: own.address });
    cleanup.defer('connection', () => ownConnection.close());
    const ownClient = testClient(ownConnection);
    const flaky = await receiver({
      reply: (_req, index) => (index === 0 ? { status: 503, body: 'down for maintenance' } : { status: 200 }),
    });
    const data = await hooklineData(own.address);
    const worker = await processes.startWorker(data.env, PROCESS_START_MS);
    const delivery = await emitTo(data, flaky.url, ownClient);
    const { handle } = delivery;

    const before = await retryScheduled(ownClient, handle.workflowId);
    expect(before).toMatchObject({ attempt: 2, lastFailure: { type: 'HttpStatus' } });
    expect(before.lastFailure?.message).toContain('503');
    await own.stop();
    await own.start();

    const after = await eventually(() => pendingAttempts(ownClient, handle.workflowId), {
      timeoutMs: 30_000,
      what: 'the delivery after the restart',
    });
    expect(after).toEqual([before]);
    expect(minuteAway(after[0]!)).toBeGreaterThan(30_000);
    expect(worker.exit()).toBeUndefined();
    await expectSecondAttemptDelivered(ownClient, delivery, flaky, worker);
  });
});

describe('npm start (src/main.ts) with its embedded server', () => {
  releaseAfterEachTest();

  /** `npm start` on a fresh data folder and free ports, a webhook to `url` and one event sent through its API. */
  async function startMainAndEmit(url: string) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hookline-main-'));
    cleanup.defer('data folder', () => fs.rmSync(dataDir, { recursive: true, force: true }));
    const executable = inject('devServerExecutable');
    const env = hooklineEnv({
      HOOKLINE_DATA_DIR: dataDir,
      TEMPORAL_PORT: String(await freePort()),
      TEMPORAL_UI_PORT: String(await freePort()),
      PORT: String(await freePort()),
      TEMPORAL_TASK_QUEUE: uniqueName('queue'),
      HOOKLINE_ALLOWED_NETWORKS: LOOPBACK_NETWORKS,
      HOOKLINE_ENCRYPTION_KEYS: KEYS,
      ...(executable.type === 'existing-path' ? { TEMPORAL_CLI_PATH: executable.path } : {}),
    });
    const main = processes.start('main', env);
    const [, key] = await main.waitForOutput(/API key\s+(hk_\S+)/, PROCESS_START_MS);
    const [, apiUrl] = await main.waitForOutput(/API\s+(http:\/\/\S+)/, PROCESS_START_MS);
    const call = apiCaller(apiUrl!, key!);
    const webhook = await call<WebhookView>('POST', '/v1/webhooks', { url, events: ['lead.created'] });
    expect(webhook.status).toBe(201);
    const emitted = await call<EmittedEvent>('POST', '/v1/events', {
      type: 'lead.created',
      data: { leadId: 'lead_1', source: 'api' },
    });
    expect(emitted.status).toBe(202);
    return { dataDir, env, main, call, webhook: webhook.body, event: emitted.body };
  }

  it('lets the attempt under way finish on SIGINT and finds the delivery succeeded when started again', async () => {
    const slow = await receiver({ reply: () => ({ status: 200, delayMs: 3_000 }) });
    const { env, main, call, webhook, event } = await startMainAndEmit(slow.url);

    const [request] = await slow.waitForRequests(1, 30_000);
    main.signal('SIGINT');
    const exit = await main.waitForExit(30_000);
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit.at).toBeGreaterThanOrEqual(request?.answeredAt ?? Infinity);

    const again = processes.start('main', env);
    await again.waitForOutput(/Hookline is running/, PROCESS_START_MS);
    const view = await eventually(
      async () => {
        const { body } = await call<EventStatusView>('GET', `/v1/events/${event.id}`);
        return body.status === 'completed' ? body : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250, what: 'the event completed after the restart' },
    );
    expect(view.deliveries).toMatchObject([
      { webhookId: webhook.id, status: 'succeeded', attempts: 1, lastStatusCode: 200, lastError: null },
    ]);
    expect(slow.requests.map((req) => req.headers['webhook-id'])).toEqual([event.id]);
  });

  // Ctrl-C signals the whole foreground process group: the embedded dev server runs in a group of its
  // own, so it is not stopped before the worker has reported the attempt it finishes.
  it('lets the attempt under way finish when Ctrl-C reaches npm start and its embedded server alike', async () => {
    // Within the 5 s budget and the worker's 10 s grace: a server stopped by the same Ctrl-C would be
    // gone long before the answer comes.
    const slow = await receiver({ reply: () => ({ status: 200, delayMs: 3_000 }) });
    const { dataDir, main, event } = await startMainAndEmit(slow.url);

    await slow.waitForRequests(1, 30_000);
    main.signalGroup('SIGINT');
    expect(await main.waitForExit(30_000)).toMatchObject({ code: 0, signal: null });

    // What the server recorded, read back from its file by a server of the test's own.
    const reopened = await startFileDevServer(inject('devServerExecutable'), path.join(dataDir, 'temporal.db'));
    cleanup.defer('reopened dev server', () => reopened.stop());
    const reader = await Connection.connect({ address: reopened.address });
    cleanup.defer('connection', () => reader.close());
    const workflowId = deliveryWorkflowId(event.workspaceId, event.id);
    expect(await pendingAttempts(testClient(reader), workflowId)).toEqual([]);
    expect(activityEventNames(await deliveryHistory(testClient(reader), workflowId))).toContain(
      'ActivityTaskCompleted',
    );
  });
});

describe.concurrent('receivers that misbehave, through a worker process', () => {
  const shared = new CleanupStack();
  const worker = new HooklineProcesses();
  let data: Awaited<ReturnType<typeof hooklineData>>;

  beforeAll(async () => {
    data = await hooklineData(server.address, shared);
    await worker.startWorker(data.env, PROCESS_START_MS);
  });

  afterAll(async () => {
    await worker.killAll();
    await shared.close();
  });

  async function deliverTo(options: ReceiverOptions) {
    const target = await startReceiver(options);
    shared.defer('receiver', () => target.close());
    const emitted = await emitTo(data, target.url);
    shared.defer('workflow', () => emitted.handle.terminate().catch(() => undefined));
    return { target, ...emitted };
  }

  it('retries a receiver that hangs past 5 seconds, as a Timeout', async ({ expect }) => {
    const { handle } = await deliverTo({ reply: () => ({ status: 200, delayMs: 30_000 }) });

    const waiting = await retryScheduled(client, handle.workflowId);
    expect(waiting).toMatchObject({ attempt: 2, lastFailure: { type: 'Timeout' } });
    expect(waiting.lastFailure?.message).toContain('5000 ms');
    expect(minuteAway(waiting)).toBeGreaterThan(30_000);
  });

  it('retries a receiver that resets the connection, as a ConnectionError', async ({ expect }) => {
    const { handle, target } = await deliverTo({ reply: () => 'destroy' });

    const waiting = await retryScheduled(client, handle.workflowId);
    expect(waiting).toMatchObject({ attempt: 2, lastFailure: { type: 'ConnectionError' } });
    expect(target.requests).toHaveLength(1);
  });

  it('counts a status line that arrives after 4 seconds as delivered', async ({ expect }) => {
    const { handle, webhook } = await deliverTo({ reply: () => ({ status: 200, delayMs: 4_000 }) });

    const result = await resultWithin(handle, 30_000);
    expect(result.deliveries).toEqual([{ webhookId: webhook.id, outcome: 'succeeded', attempts: 1, statusCode: 200 }]);
  });

  it('retries a status line that arrives after 6 seconds, as a Timeout', async ({ expect }) => {
    const { handle } = await deliverTo({ reply: () => ({ status: 200, delayMs: 6_000 }) });

    const waiting = await retryScheduled(client, handle.workflowId);
    expect(waiting).toMatchObject({ attempt: 2, lastFailure: { type: 'Timeout' } });
  });

  it('counts a 2xx whose body then stalls as delivered', async ({ expect }) => {
    const { handle, webhook } = await deliverTo({
      reply: () => ({ status: 202, body: 'accepted, and the rest never comes', stallBody: true }),
    });

    const result = await resultWithin(handle, 30_000);
    expect(result.deliveries).toEqual([{ webhookId: webhook.id, outcome: 'succeeded', attempts: 1, statusCode: 202 }]);
  });

  it('delivers on the second attempt to a receiver that answered 500 first', async ({ expect }) => {
    const { handle, webhook, target } = await deliverTo({
      reply: (_req, index) => (index === 0 ? { status: 500, body: 'oops' } : { status: 204 }),
    });

    const waiting = await retryScheduled(client, handle.workflowId);
    expect(waiting).toMatchObject({ attempt: 2, lastFailure: { type: 'HttpStatus' } });
    expect(await hurryRetries(client, handle.workflowId)).toBe(1);
    const result = await resultWithin(handle, 30_000);
    expect(result.deliveries).toEqual([{ webhookId: webhook.id, outcome: 'succeeded', attempts: 2, statusCode: 204 }]);
    expect(target.requests).toHaveLength(2);
  });
});

describe('a small chaos run', () => {
  it('loses no delivery of 30 events to 3 flaky receivers while the worker is SIGKILLed and the server restarts', async () => {
    const options: ChaosOptions = {
      events: 30,
      receivers: 3,
      failureRate: 0.3,
      seed: 7,
      eventsPerSecond: 3,
      executable: inject('devServerExecutable'),
      hurryRetries: true,
      settleTimeoutMs: 90_000,
    };
    const report = await runChaos(options);

    console.log(formatChaosReport(report, options));
    const summary = JSON.stringify(report, null, 2);
    expect(report.pairs, summary).toBe(90);
    expect(report.lost, summary).toBe(0);
    expect(report.disagreements, summary).toEqual([]);
    expect(report.delivered + report.failedAfterThreeAttempts, summary).toBe(report.pairs);
    expect(report.faults, summary).toEqual([
      expect.stringContaining('worker SIGKILLed'),
      expect.stringContaining('dev server stopped'),
    ]);
  }, 180_000);
});
