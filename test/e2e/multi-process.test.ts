/**
 * Hookline spread over processes that share nothing but Temporal and PostgreSQL: two `npm run worker`
 * and two `npm run api` processes, as on several hosts. Events go in through both APIs, one worker is
 * SIGKILLed while attempts are under way, and the receiver must still get every event.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createWorkspaceKey } from '../../src/db/api-keys';
import { openDatabase, type OpenDatabaseResult } from '../../src/db/client';
import { formatKeyring } from '../../src/security/keyring';
import { startDevServer } from '../../src/temporal-server/servers';
import { eventually } from '../api/harness';
import { hurryAllRetries } from '../support/delivery-attempts';
import { LOOPBACK_NETWORKS, testClient, testEncryption, uniqueName } from '../support/fixtures';
import { apiCaller } from '../support/http-api';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { hooklineEnv, HooklineProcesses, type HooklineProcess } from '../support/processes';
import { startReceiver, type Receiver } from '../support/receiver';

const EVENTS = 40;
const PROCESS_START_MS = 90_000;
/** Long enough that attempts are still under way on the worker that is killed. */
const RECEIVER_DELAY_MS = 1_000;

let env: TestWorkflowEnvironment;
let client: Client;
let database: TestDatabase;
let opened: OpenDatabaseResult | undefined;
let receiver: Receiver;
let dataDir: string;
const processes = new HooklineProcesses();

beforeAll(async () => {
  env = await startDevServer({
    executable: inject('devServerExecutable'),
    dataConverter: testEncryption.dataConverter,
  });
  client = testClient(env.connection);
  database = await createTestDatabase(inject('postgresAdminUrl'));
  receiver = await startReceiver({ reply: () => ({ status: 200, delayMs: RECEIVER_DELAY_MS }) });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hookline-multi-'));
});

afterAll(async () => {
  await processes.killAll();
  await receiver?.close();
  await opened?.close();
  await database?.drop();
  await env?.teardown();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('two workers and two APIs on one Temporal server and one PostgreSQL database', () => {
  it('delivers every event emitted through either API, though a worker is SIGKILLed mid-run', async () => {
    const taskQueue = uniqueName('queue');
    const settings = hooklineEnv({
      TEMPORAL_ADDRESS: env.address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      DATABASE_URL: database.url,
      HOOKLINE_DATA_DIR: dataDir,
      HOOKLINE_ALLOWED_NETWORKS: LOOPBACK_NETWORKS,
      HOOKLINE_ENCRYPTION_KEYS: formatKeyring(testEncryption.keyring),
    });

    // All four start at once on a database nobody has migrated yet: they take turns to migrate it.
    const [doomed, survivor, first, second] = await Promise.all([
      processes.startWorker(settings, PROCESS_START_MS),
      processes.startWorker(settings, PROCESS_START_MS),
      processes.startApi(settings, PROCESS_START_MS),
      processes.startApi(settings, PROCESS_START_MS),
    ]);
    // A key made as `npm run keys` makes one, straight in the database both APIs read.
    opened = await openDatabase({ dialect: 'postgres', url: database.url }, { cipher: testEncryption.cipher });
    const { apiKey } = await createWorkspaceKey(opened.db, 'multi-process');
    const apis = [apiCaller(first.url, apiKey), apiCaller(second.url, apiKey)] as const;

    // Created through one API; the other resolves the subscription from the same database.
    const created = await apis[0]<{ id: string }>('POST', '/v1/webhooks', {
      url: `${receiver.url}/hooks`,
      events: ['lead.created'],
    });
    expect(created.status).toBe(201);
    expect((await apis[1]('GET', `/v1/webhooks/${created.body.id}`)).status).toBe(200);
    // A page cursor from one API is good on the other: both sign with a key from the shared keyring.
    const another = await apis[1]<{ id: string }>('POST', '/v1/webhooks', {
      url: `${receiver.url}/other`,
      events: ['lead.updated'],
    });
    expect(another.status).toBe(201);
    const firstPage = await apis[0]<{ data: { id: string }[]; nextCursor: string | null }>(
      'GET',
      '/v1/webhooks?limit=1',
    );
    expect(firstPage.body.nextCursor).toEqual(expect.any(String));
    const secondPage = await apis[1]<{ data: { id: string }[] }>(
      'GET',
      `/v1/webhooks?limit=1&cursor=${encodeURIComponent(firstPage.body.nextCursor ?? '')}`,
    );
    expect(secondPage.status).toBe(200);
    expect([...firstPage.body.data, ...secondPage.body.data].map((w) => w.id).sort()).toEqual(
      [created.body.id, another.body.id].sort(),
    );

    const emitted: string[] = [];
    for (let i = 0; i < EVENTS; i++) {
      const answer = await apis[i % 2]!<{ id: string }>('POST', '/v1/events', {
        type: 'lead.created',
        data: { leadId: `lead_${i}`, source: 'api', firstName: 'Dana' },
      });
      expect(answer.status).toBe(202);
      emitted.push(answer.body.id);
      if (i === EVENTS / 2) {
        // Attempts are under way, a few answered already: the first worker dies without a word.
        await receiver.waitForRequests(3, 30_000);
        expect(await doomed.kill()).toMatchObject({ signal: 'SIGKILL' });
      }
    }

    // What the killed worker had under way times out (15 s) and is retried, brought forward rather than
    // waited for, until either API reports every delivery succeeded (read back from Temporal, with the
    // webhook's URL from the shared database).
    type Status = { deliveries: { url: string | null; status: string; attempts: number }[] };
    const statuses = await eventually(
      async () => {
        await hurryAllRetries(client, taskQueue);
        const answers = await Promise.all(emitted.map((id, i) => apis[i % 2]!<Status>('GET', `/v1/events/${id}`)));
        const bodies = answers.map((answer) => answer.body);
        return bodies.every((body) => body.deliveries?.[0]?.status === 'succeeded') ? bodies : undefined;
      },
      { timeoutMs: 150_000, intervalMs: 1_000, what: `all ${EVENTS} deliveries succeeded` },
    );

    const delivered = new Set(receiver.requests.map((request) => String(request.headers['webhook-id'])));
    const lost = emitted.filter((id) => !delivered.has(id));
    const duplicates = receiver.requests.length - delivered.size;
    const retried = statuses.filter(({ deliveries }) => (deliveries[0]?.attempts ?? 0) > 1).length;
    console.log(
      `multi-process: ${EVENTS} events through 2 APIs, 2 workers (one SIGKILLed): ${lost.length} lost, ` +
        `${retried} took a second attempt, ${duplicates} delivered twice (same webhook-id)`,
    );
    expect(lost).toEqual([]);
    // Every request was one of these events, signed as each of them.
    expect([...delivered].sort()).toEqual([...emitted].sort());
    for (const { deliveries } of statuses) {
      expect(deliveries).toMatchObject([{ url: `${receiver.url}/hooks`, status: 'succeeded' }]);
    }
    // The kill interrupted attempts under way: some deliveries needed the survivor's second attempt.
    expect(retried).toBeGreaterThan(0);
    expect(survivor.exit()).toBeUndefined();
    for (const api of [first, second]) expect(api.process.exit()).toBeUndefined();
    expectNoErrors([survivor, first.process, second.process]);
  });
});

/** No process logged an error: a database or connection fault would show there first. */
function expectNoErrors(running: HooklineProcess[]): void {
  for (const process of running) {
    const errors = process.logs.filter((line) => (line.level ?? 0) >= 50);
    expect(errors, process.output()).toEqual([]);
  }
}
