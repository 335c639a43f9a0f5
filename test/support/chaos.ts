/**
 * The chaos run behind `npm run chaos` and its small in-suite version: real API and worker processes,
 * a dev server on a SQLite file, loopback receivers that fail at random (deterministically per seed),
 * events emitted through the API while the worker is SIGKILLed and the server restarted; then every
 * (event, endpoint) pair is checked against what the receivers saw.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import type { EventStatusView, WebhookView } from '../../src/api/schemas';
import { DELIVERY_RETRY_POLICY } from '../../src/contract/delivery';
import { EVENT_DATA_EXAMPLES } from '../../src/contract/event-data';
import { EVENT_TYPES } from '../../src/contract/event-types';
import { createWorkspaceKey } from '../../src/db/api-keys';
import { openDatabase } from '../../src/db/client';
import { CleanupStack } from '../../src/runtime/cleanup-stack';
import { fromKeyring } from '../../src/runtime/encryption';
import { createKeyring, formatKeyring, generateKey, generateKeyId } from '../../src/security/keyring';
import type { EphemeralServerExecutable } from '../../src/shared/temporal-sdk';
import { hurryAllRetries, runningOn } from './delivery-attempts';
import { startFileDevServer } from './dev-server';
import { apiCaller, type ApiCall } from './http-api';
import { hooklineEnv, HooklineProcesses, sleep, type HooklineProcess } from './processes';
import { startReceiver, type ReceivedRequest, type Receiver, type Reply } from './receiver';

export interface ChaosOptions {
  /** Events emitted through the API. */
  events: number;
  /** Loopback receivers; every one subscribes to every event (`*`). */
  receivers: number;
  /** Share of requests a receiver fails (500, 503, a reset, or a hang past the 5 s limit). */
  failureRate: number;
  /** Seeds the receivers' choices: the same seed fails the same attempts. */
  seed: number;
  /** The Temporal CLI that runs the dev server. */
  executable: EphemeralServerExecutable;
  /**
   * Brings every retry forward to about now instead of waiting 1 and 2 minutes (see `hurryRetries`),
   * for the in-suite run. Off for `npm run chaos`, which waits the real schedule out.
   */
  hurryRetries?: boolean;
  /** How long, once the last event is accepted, every delivery has to finish. */
  settleTimeoutMs: number;
  /**
   * Events emitted per second, so that the faults strike while events still arrive (the server's
   * restart a third of the way after the worker's kill). @default 20
   */
  eventsPerSecond?: number;
  log?: (message: string) => void;
  /** Stops the run and releases everything it started. */
  signal?: AbortSignal;
}

export interface ChaosReport {
  events: number;
  /** (event, endpoint) pairs: every event goes to every receiver. */
  pairs: number;
  /** Pairs reported succeeded and received with a 2xx at least once. */
  delivered: number;
  /** Pairs reported failed after exactly the retry policy's attempts. */
  failedAfterThreeAttempts: number;
  /** Delivered pairs whose receiver answered 2xx more than once: allowed, counted. */
  duplicates: number;
  /** Pairs neither delivered nor failed after every attempt: missing, unfinished or never received. */
  lost: number;
  /** Where the API's report and the receivers' logs do not agree. */
  disagreements: string[];
  /** The faults injected, in order. */
  faults: string[];
  /** Requests the receivers got, failed ones included. */
  requests: number;
  /** Emits the API refused (503 while Temporal was down) and that were sent again with the same id. */
  emitsRefused: number;
  /** Emits answered as already accepted (`Idempotent-Replayed`): a refused emit had started its workflow. */
  emitsReplayed: number;
  wallSeconds: number;
}

/** Emits in flight at once. */
const EMIT_CONCURRENCY = 8;

/**
 * How long the dev server stays down: longer than the API's 5 s budget for a call to Temporal, so that
 * emits meanwhile are refused with 503 and sent again.
 */
const SERVER_DOWN_MS = 6_000;

const FAILURES: readonly Reply[] = [
  { status: 500, body: 'chaos: internal error' },
  { status: 503, body: 'chaos: unavailable' },
  'destroy',
  // Answers long after the 5 s limit: an attempt that times out.
  { status: 503, body: 'chaos: too late', delayMs: 7_000 },
];
const SUCCESSES: readonly number[] = [200, 202, 204];

/** Sleeps, unless the run was stopped: then throws, so that every loop of the run ends. */
async function pauseOrStop(ms: number, signal: AbortSignal | undefined): Promise<void> {
  signal?.throwIfAborted();
  await sleep(ms);
  signal?.throwIfAborted();
}

/** A number in [0, 1) decided by the seed and the key alone. */
function roll(seed: number, key: string): number {
  return createHash('sha256').update(`${seed}:${key}`).digest().readUIntBE(0, 6) / 2 ** 48;
}

interface ChaosReceiver {
  receiver: Receiver;
  /** The answer given to each request, by its index. */
  answers: Reply[];
}

async function startChaosReceiver(index: number, options: ChaosOptions): Promise<ChaosReceiver> {
  const answers: Reply[] = [];
  const seen = new Map<string, number>();
  const receiver = await startReceiver({
    reply: (request, n) => {
      const eventId = String(request.headers['webhook-id'] ?? '');
      const nth = seen.get(eventId) ?? 0;
      seen.set(eventId, nth + 1);
      const key = `${index}:${eventId}:${nth}`;
      const answer =
        roll(options.seed, key) < options.failureRate
          ? FAILURES[Math.floor(roll(options.seed, `failure:${key}`) * FAILURES.length)]!
          : { status: SUCCESSES[Math.floor(roll(options.seed, `success:${key}`) * SUCCESSES.length)]! };
      answers[n] = answer;
      return answer;
    },
  });
  return { receiver, answers };
}

/** Requests a receiver holds: arrived within the last 5 s, neither answered nor reset yet. */
function openRequests({ receiver, answers }: ChaosReceiver): number {
  const recent = Date.now() - 5_000;
  return receiver.requests.filter(
    (request, n) => request.at > recent && request.answeredAt === undefined && answers[n] !== 'destroy',
  ).length;
}

const succeeded = (answer: Reply | undefined, request: ReceivedRequest) =>
  answer !== undefined && answer !== 'destroy' && answer.status < 300 && request.answeredAt !== undefined;

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const began = performance.now();
  const log = options.log ?? (() => undefined);
  const cleanup = new CleanupStack((name, err) => log(`Could not stop ${name}: ${String(err)}`));
  const onAbort = () => void cleanup.close();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hookline-chaos-'));
    cleanup.defer('temporary folder', () => fs.rmSync(dir, { recursive: true, force: true }));
    const server = await startFileDevServer(options.executable, path.join(dir, 'temporal.db'));
    cleanup.defer('dev server', () => server.stop());
    log(`Temporal dev server on ${server.address}, SQLite file ${server.dbFilename}`);

    const keyring = createKeyring([[generateKeyId(), generateKey()]]);
    const keys = formatKeyring(keyring);
    const databasePath = path.join(dir, 'hookline.db');
    const database = await openDatabase(
      { dialect: 'sqlite', path: databasePath },
      { cipher: fromKeyring(keyring).cipher },
    );
    const { apiKey } = await createWorkspaceKey(database.db, 'chaos');
    await database.close();

    const receivers = await Promise.all(
      Array.from({ length: options.receivers }, (_, index) => startChaosReceiver(index, options)),
    );
    cleanup.defer('receivers', () => Promise.all(receivers.map(({ receiver }) => receiver.close())));

    const processes = new HooklineProcesses();
    cleanup.defer('processes', () => processes.killAll());
    const taskQueue = `chaos-${options.seed}-${process.pid}`;
    const env = hooklineEnv({
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      HOOKLINE_DATA_DIR: dir,
      DATABASE_PATH: databasePath,
      HOOKLINE_ALLOWED_NETWORKS: '127.0.0.0/8',
      HOOKLINE_ENCRYPTION_KEYS: keys,
    });
    const [api, firstWorker] = await Promise.all([processes.startApi(env), processes.startWorker(env)]);
    log(`API on ${api.url} (pid ${api.process.pid}), worker pid ${firstWorker.pid}`);
    const call = apiCaller(api.url, apiKey);

    const webhooks: (WebhookView & { secret: string })[] = [];
    for (const { receiver } of receivers) {
      const created = await call<WebhookView & { secret: string }>('POST', '/v1/webhooks', {
        url: receiver.url,
        events: ['*'],
        description: 'chaos receiver',
      });
      if (created.status !== 201) throw new Error(`Creating a webhook answered ${created.status}`);
      webhooks.push(created.body);
    }

    const eventIds = Array.from({ length: options.events }, (_, index) => `chaos-${options.seed}-${index}`);
    const accepted = new Set<string>();
    const faults: string[] = [];
    const emitting = emitAll(call, eventIds, accepted, options.eventsPerSecond ?? 20, options.signal);
    const injecting = injectFaults({
      accepted,
      events: options.events,
      openRequests: () => receivers.reduce((open, held) => open + openRequests(held), 0),
      killWorker: () => firstWorker.kill(),
      startWorker: () => processes.startWorker(env),
      stopServer: () => server.stop(),
      startServer: () => server.start(),
      faults,
      log,
      signal: options.signal,
    });
    const [emits] = await Promise.all([emitting, injecting]);
    log(`All ${accepted.size} events accepted (${emits.emitsRefused} emits refused and sent again)`);

    const connection = await Connection.connect({ address: server.address });
    cleanup.defer('Temporal connection', () => connection.close());
    const client = new Client({ connection });
    const views = await settle({ client, call, taskQueue, eventIds, options, log });

    const report = compare(eventIds, views, webhooks, receivers);
    return { ...report, ...emits, faults, wallSeconds: Math.round((performance.now() - began) / 100) / 10 };
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await cleanup.close();
  }
}

/**
 * Emits every event through the API at a steady rate, sending again, with the same id, what the API
 * could not accept (503 while Temporal is down), as a careful client does.
 */
async function emitAll(
  call: ApiCall,
  eventIds: readonly string[],
  accepted: Set<string>,
  eventsPerSecond: number,
  signal: AbortSignal | undefined,
): Promise<{ emitsRefused: number; emitsReplayed: number }> {
  const started = performance.now();
  let next = 0;
  let emitsRefused = 0;
  let emitsReplayed = 0;
  const emitOne = async (id: string, index: number) => {
    const type = EVENT_TYPES[index % EVENT_TYPES.length]!;
    const body = { id, type, data: EVENT_DATA_EXAMPLES[type] };
    for (let attempt = 1; ; attempt++) {
      const answer = await call('POST', '/v1/events', body).catch((err: unknown) => ({
        status: 0,
        headers: new Headers(),
        body: err,
      }));
      if (answer.status === 202) {
        if (answer.headers.get('idempotent-replayed') === 'true') emitsReplayed += 1;
        accepted.add(id);
        return;
      }
      if (answer.status !== 503 && answer.status !== 0) {
        throw new Error(`Emitting ${id} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      }
      emitsRefused += 1;
      if (attempt >= 120) throw new Error(`Emitting ${id} was refused ${attempt} times`);
      await pauseOrStop(500, signal);
    }
  };
  await Promise.all(
    Array.from({ length: EMIT_CONCURRENCY }, async () => {
      while (next < eventIds.length) {
        const index = next++;
        await pauseOrStop(started + (index * 1000) / eventsPerSecond - performance.now(), signal);
        await emitOne(eventIds[index]!, index);
      }
    }),
  );
  return { emitsRefused, emitsReplayed };
}

interface FaultPlan {
  accepted: ReadonlySet<string>;
  events: number;
  openRequests(): number;
  killWorker(): Promise<unknown>;
  startWorker(): Promise<HooklineProcess>;
  stopServer(): Promise<void>;
  startServer(): Promise<void>;
  faults: string[];
  log: (message: string) => void;
  signal: AbortSignal | undefined;
}

/**
 * A third of the way through, SIGKILLs the worker while a receiver holds a request (if one does within
 * two seconds) and starts another; two thirds through, stops the dev server for {@link SERVER_DOWN_MS}.
 */
async function injectFaults(plan: FaultPlan): Promise<void> {
  const reached = async (count: number) => {
    while (plan.accepted.size < count) await pauseOrStop(20, plan.signal);
  };
  await reached(Math.ceil(plan.events / 3));
  const until = Date.now() + 2_000;
  while (plan.openRequests() === 0 && Date.now() < until) await pauseOrStop(20, plan.signal);
  const open = plan.openRequests();
  await plan.killWorker();
  const killedAt = plan.accepted.size;
  const started = await plan.startWorker();
  plan.faults.push(
    `worker SIGKILLed after ${killedAt} of ${plan.events} events accepted, ${open} requests open at receivers; worker ${started.pid} started`,
  );
  plan.log(plan.faults.at(-1)!);

  await reached(Math.ceil((2 * plan.events) / 3));
  const stoppedAt = plan.accepted.size;
  const down = performance.now();
  await plan.stopServer();
  await pauseOrStop(SERVER_DOWN_MS, plan.signal);
  await plan.startServer();
  plan.faults.push(
    `dev server stopped after ${stoppedAt} of ${plan.events} events accepted, back after ${((performance.now() - down) / 1000).toFixed(1)} s`,
  );
  plan.log(plan.faults.at(-1)!);
}

/** Waits until no delivery runs any more, then reads every event through the API. */
async function settle(context: {
  client: Client;
  call: ApiCall;
  taskQueue: string;
  eventIds: readonly string[];
  options: ChaosOptions;
  log: (message: string) => void;
}): Promise<Map<string, EventStatusView | undefined>> {
  const { client, call, taskQueue, eventIds, options, log } = context;
  const deadline = Date.now() + options.settleTimeoutMs;
  const views = new Map<string, EventStatusView | undefined>();
  let lastLog = 0;
  for (;;) {
    if (options.hurryRetries) await hurryAllRetries(client, taskQueue).catch(() => 0);
    const { count } = await client.workflow.count(runningOn(taskQueue)).catch(() => ({ count: -1 }));
    if (count === 0) {
      // Visibility may lag: the API, which reads each workflow itself, has the last word.
      await readAll(call, eventIds, views, options.signal);
      const open = [...views.values()].filter((view) => view?.status === 'delivering').length;
      if (open === 0) return views;
    }
    if (Date.now() > deadline) {
      await readAll(call, eventIds, views, options.signal);
      log(`Still delivering after ${options.settleTimeoutMs / 1000} s: reporting as it stands`);
      return views;
    }
    if (Date.now() - lastLog > 15_000) {
      lastLog = Date.now();
      log(`${count} deliveries still running …`);
    }
    await pauseOrStop(1_000, options.signal);
  }
}

async function readAll(
  call: ApiCall,
  eventIds: readonly string[],
  views: Map<string, EventStatusView | undefined>,
  signal: AbortSignal | undefined,
) {
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < eventIds.length) {
        const id = eventIds[next++]!;
        if (views.get(id) && views.get(id)?.status !== 'delivering') continue;
        views.set(id, await readEvent(call, id, signal));
      }
    }),
  );
}

async function readEvent(
  call: ApiCall,
  id: string,
  signal: AbortSignal | undefined,
): Promise<EventStatusView | undefined> {
  for (let attempt = 1; attempt <= 20; attempt++) {
    const answer = await call<EventStatusView>('GET', `/v1/events/${id}`).catch(() => undefined);
    if (answer?.status === 200) return answer.body;
    if (answer?.status === 404) return undefined;
    await pauseOrStop(500, signal);
  }
  throw new Error(`Could not read event ${id} through the API`);
}

/** Checks every pair against the receivers' logs. */
function compare(
  eventIds: readonly string[],
  views: ReadonlyMap<string, EventStatusView | undefined>,
  webhooks: readonly (WebhookView & { secret: string })[],
  receivers: readonly ChaosReceiver[],
): Omit<ChaosReport, 'faults' | 'wallSeconds' | 'emitsRefused' | 'emitsReplayed'> {
  const disagreements: string[] = [];
  const known = new Set(eventIds);
  let delivered = 0;
  let failedAfterThreeAttempts = 0;
  let duplicates = 0;
  let lost = 0;
  let requests = 0;

  webhooks.forEach((webhook, index) => {
    const { receiver, answers } = receivers[index]!;
    const verifier = new StandardWebhook(webhook.secret);
    const byEvent = new Map<string, { request: ReceivedRequest; answer: Reply | undefined }[]>();
    receiver.requests.forEach((request, n) => {
      requests += 1;
      const eventId = String(request.headers['webhook-id'] ?? '');
      if (!known.has(eventId)) disagreements.push(`${webhook.id} received an unknown event "${eventId}"`);
      try {
        const payload = verifier.verify(request.body, request.headers as Record<string, string>) as { id?: string };
        if (payload.id !== eventId)
          disagreements.push(`${webhook.id} got body ${payload.id} under webhook-id ${eventId}`);
      } catch (err) {
        disagreements.push(`${webhook.id} got a request for ${eventId} that does not verify: ${String(err)}`);
      }
      byEvent.set(eventId, [...(byEvent.get(eventId) ?? []), { request, answer: answers[n] }]);
    });

    for (const eventId of eventIds) {
      const pair = `${eventId} → ${webhook.id}`;
      const received = byEvent.get(eventId) ?? [];
      const successes = received.filter(({ request, answer }) => succeeded(answer, request)).length;
      const delivery = views.get(eventId)?.deliveries.find((d) => d.webhookId === webhook.id);
      if (!delivery) {
        lost += 1;
        disagreements.push(`${pair}: no delivery reported (${views.get(eventId) ? 'missing pair' : 'no event'})`);
        continue;
      }
      if (received.length > Math.max(delivery.attempts, 1)) {
        disagreements.push(`${pair}: ${received.length} requests received, ${delivery.attempts} attempts reported`);
      }
      if (delivery.status === 'succeeded') {
        if (successes === 0) {
          lost += 1;
          disagreements.push(`${pair}: reported succeeded but the receiver never answered 2xx`);
        } else {
          delivered += 1;
          if (successes > 1) duplicates += 1;
        }
      } else if (delivery.status === 'failed' && delivery.attempts === DELIVERY_RETRY_POLICY.maximumAttempts) {
        failedAfterThreeAttempts += 1;
      } else {
        lost += 1;
        disagreements.push(`${pair}: ${delivery.status} after ${delivery.attempts} attempts (${delivery.lastError})`);
      }
    }
  });

  return {
    events: eventIds.length,
    pairs: eventIds.length * webhooks.length,
    delivered,
    failedAfterThreeAttempts,
    duplicates,
    lost,
    disagreements,
    requests,
  };
}

/** The report as `npm run chaos` prints it. */
export function formatChaosReport(report: ChaosReport, options: ChaosOptions): string {
  const rows: [string, string | number][] = [
    ['events', report.events],
    ['pairs (event × endpoint)', report.pairs],
    ['delivered', report.delivered],
    [`failed after ${DELIVERY_RETRY_POLICY.maximumAttempts} attempts`, report.failedAfterThreeAttempts],
    ['duplicates', report.duplicates],
    ['lost', report.lost],
    ['disagreements', report.disagreements.length],
    ['requests received', report.requests],
    ['emits refused, sent again', report.emitsRefused],
    ['emits answered as replayed', report.emitsReplayed],
    ['wall time', `${report.wallSeconds} s`],
  ];
  return [
    `Chaos run: ${options.events} events × ${options.receivers} receivers, failure rate ${options.failureRate}, seed ${options.seed}`,
    ...report.faults.map((fault) => `  fault: ${fault}`),
    ...rows.map(([name, value]) => `  ${name.padEnd(26)} ${value}`),
    ...report.disagreements.slice(0, 20).map((line) => `  ! ${line}`),
    ...(report.disagreements.length > 20 ? [`  ! … and ${report.disagreements.length - 20} more`] : []),
    '',
  ].join('\n');
}
