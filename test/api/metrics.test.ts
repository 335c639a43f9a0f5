import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startHookline } from '../../src/runtime/start-hookline';
import { formatKeyring } from '../../src/security/keyring';
import { startDevServer } from '../../src/temporal-server/servers';
import { hurryAllRetries } from '../support/delivery-attempts';
import { LOOPBACK_NETWORKS, testConfig, testEncryption, uniqueName } from '../support/fixtures';
import { freePort, hooklineEnv, HooklineProcesses } from '../support/processes';
import { startReceiver, type Receiver } from '../support/receiver';
import { eventually, newWorkspaceWithKey, startApiStack, type ApiStack, type TestWorkspace } from './harness';

/** One sample of the text exposition: a metric name, its labels and its value. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`Not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1]!] = pair[2]!;
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

/** The sum of the series of a metric whose labels include `labels`; 0 while there is none. */
function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples
    .filter((s) => s.name === name && Object.entries(labels).every(([key, value]) => s.labels[key] === value))
    .reduce((sum, s) => sum + s.value, 0);
}

async function scrape(url: string): Promise<{ samples: Sample[]; text: string; response: Response }> {
  const response = await fetch(`${url}/metrics`);
  const text = await response.text();
  expect(response.status, text).toBe(200);
  return { samples: parseExposition(text), text, response };
}

const RATE_LIMIT = 20;
let stack: ApiStack;
const receivers: Receiver[] = [];

beforeAll(async () => {
  // The dev server: recoveries read visibility, which the time-skipping server lacks.
  stack = await startApiStack(
    await startDevServer({ executable: inject('devServerExecutable'), dataConverter: testEncryption.dataConverter }),
    { settings: { HOOKLINE_RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT) } },
  );
});

afterAll(() => stack?.stop(receivers));

async function receiver(status: number): Promise<Receiver> {
  const started = await startReceiver({ reply: () => ({ status }) });
  receivers.push(started);
  return started;
}

async function createWebhook(ws: TestWorkspace, url: string): Promise<string> {
  const res = await stack.api.request<{ id: string }>('POST', '/v1/webhooks', {
    key: ws.key,
    body: { url, events: ['lead.created'] },
  });
  expect(res.status).toBe(201);
  return res.body.id;
}

describe('GET /metrics on the API', () => {
  it('counts one success and one failure after three attempts exactly, with no URL or id in a label', async () => {
    const ws = await newWorkspaceWithKey(stack.temp.db);
    const ok = await receiver(200);
    const down = await receiver(500);
    const okHook = await createWebhook(ws, ok.url);
    const downHook = await createWebhook(ws, down.url);
    const before = (await scrape(stack.api.url)).samples;

    const emitted = await stack.api.request<{ id: string }>('POST', '/v1/events', {
      key: ws.key,
      body: { type: 'lead.created', data: { leadId: 'lead_metrics', source: 'api', firstName: 'Dana' } },
    });
    expect(emitted.status).toBe(202);
    const eventId = emitted.body.id;

    // Waits on the metrics themselves, so the only keyed requests are the few above.
    const delta = (after: Sample[], name: string, labels: Record<string, string> = {}) =>
      valueOf(after, name, labels) - valueOf(before, name, labels);
    const after = await eventually(
      async () => {
        await hurryAllRetries(stack.env.client, stack.worker.taskQueue);
        const { samples } = await scrape(stack.api.url);
        return delta(samples, 'hookline_deliveries_total') === 2 && samples;
      },
      { timeoutMs: 45_000, intervalMs: 300, what: 'both deliveries to end' },
    );

    expect(ok.requests).toHaveLength(1);
    expect(down.requests).toHaveLength(3);
    const leadCreated = { event_type: 'lead.created' };
    expect(delta(after, 'hookline_deliveries_total', { outcome: 'succeeded', ...leadCreated })).toBe(1);
    expect(delta(after, 'hookline_deliveries_total', { outcome: 'failed', ...leadCreated })).toBe(1);
    expect(delta(after, 'hookline_delivery_attempts_total', { outcome: 'failed', failure_type: 'HttpStatus' })).toBe(3);
    expect(delta(after, 'hookline_delivery_attempts_total', { outcome: 'succeeded', failure_type: 'none' })).toBe(1);
    expect(delta(after, 'hookline_delivery_attempt_duration_seconds_count')).toBe(4);
    expect(delta(after, 'hookline_events_emitted_total', { ...leadCreated, created: 'true' })).toBe(1);
    expect(delta(after, 'hookline_emit_duration_seconds_count')).toBe(1);

    // A repeated emit is counted as not created.
    const again = await stack.api.request('POST', '/v1/events', {
      key: ws.key,
      body: { id: eventId, type: 'lead.created', data: { leadId: 'lead_metrics', source: 'api', firstName: 'Dana' } },
    });
    expect(again.status).toBe(202);
    const redelivered = await stack.api.request('POST', `/v1/events/${eventId}/redeliver`, {
      key: ws.key,
      body: { webhookId: okHook },
    });
    expect(redelivered.status).toBe(202);
    const until = new Date().toISOString();
    const since = new Date(Date.now() - 3_600_000).toISOString();
    for (const expected of [202, 200]) {
      // Asked twice: the same recovery, started once.
      const recovery = await stack.api.request('POST', `/v1/webhooks/${downHook}/recover`, {
        key: ws.key,
        body: { since, until },
      });
      expect(recovery.status).toBe(expected);
    }
    const later = (await scrape(stack.api.url)).samples;
    expect(delta(later, 'hookline_events_emitted_total', { ...leadCreated, created: 'false' })).toBe(1);
    expect(delta(later, 'hookline_redeliveries_total', { trigger: 'redelivery' })).toBe(1);
    expect(delta(later, 'hookline_recoveries_started_total')).toBe(1);

    const { text } = await scrape(stack.api.url);
    const values = parseExposition(text).flatMap((s) => Object.values(s.labels));
    const ids = [okHook, downHook, ws.workspaceId, eventId];
    for (const value of values) {
      expect(value).not.toMatch(/\/\/|:\d+|\//);
      for (const id of ids) expect(value).not.toContain(id);
    }
    expect(text).not.toContain('127.0.0.1');
  });

  it('answers without a key and is never rate limited', async () => {
    const answers = await Promise.all(
      Array.from({ length: RATE_LIMIT + 10 }, () => fetch(`${stack.api.url}/metrics`).then((r) => r.status)),
    );
    expect(new Set(answers)).toEqual(new Set([200]));
    const { response, samples } = await scrape(stack.api.url);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    // The process's own metrics, from prom-client's defaults.
    expect(valueOf(samples, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(samples.some((s) => s.name === 'nodejs_eventloop_lag_seconds')).toBe(true);
  });

  it('is not in the OpenAPI document, which stays about the API', async () => {
    const res = await stack.api.request<{ paths: Record<string, unknown> }>('GET', '/openapi.json');
    expect(Object.keys(res.body.paths)).not.toContain('/metrics');
    expect(Object.keys(res.body.paths)).toContain('/v1/webhooks/{id}/stats');
  });
});

describe('metrics of a worker running without the API', () => {
  it('serves the same registry on HOOKLINE_WORKER_METRICS_PORT, and nothing else there', async () => {
    const port = await freePort();
    const hookline = await startHookline({
      config: testConfig({ TEMPORAL_TASK_QUEUE: uniqueName('queue'), HOOKLINE_WORKER_METRICS_PORT: String(port) }),
      encryption: testEncryption,
      logger: pino({ level: 'silent' }),
      db: stack.temp.db,
      temporal: { connection: stack.env.nativeConnection },
      worker: { workflowBundle: { codePath: inject('workflowBundlePath') } },
    });
    try {
      expect(hookline.api).toBeUndefined();
      expect(hookline.metricsServer?.url).toBe(`http://127.0.0.1:${port}`);
      hookline.metrics.attemptEnded('failed', 'Timeout', 5);
      const { samples } = await scrape(`http://127.0.0.1:${port}`);
      expect(valueOf(samples, 'hookline_delivery_attempts_total', { outcome: 'failed', failure_type: 'Timeout' })).toBe(
        1,
      );
      expect(samples.some((s) => s.name === 'process_resident_memory_bytes')).toBe(true);
      expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(404);
      expect((await fetch(`http://127.0.0.1:${port}/metrics`, { method: 'POST' })).status).toBe(405);
    } finally {
      await hookline.close();
    }
    await expect(fetch(`http://127.0.0.1:${port}/metrics`)).rejects.toThrow();
  });

  it('keeps the worker running when the port is taken, and says so', async () => {
    const port = await freePort();
    const logs: string[] = [];
    const config = (queue: string) =>
      testConfig({ TEMPORAL_TASK_QUEUE: queue, HOOKLINE_WORKER_METRICS_PORT: String(port), LOG_LEVEL: 'warn' });
    const start = (queue: string) =>
      startHookline({
        config: config(queue),
        encryption: testEncryption,
        logger: pino({ level: 'warn' }, { write: (line: string) => logs.push(line) }),
        db: stack.temp.db,
        temporal: { connection: stack.env.nativeConnection },
        worker: { workflowBundle: { codePath: inject('workflowBundlePath') } },
      });
    const first = await start(uniqueName('queue'));
    const second = await start(uniqueName('queue'));
    try {
      expect(first.metricsServer).toBeDefined();
      expect(second.metricsServer).toBeUndefined();
      expect(second.worker?.worker.getState()).toBe('RUNNING');
      expect(logs.join('\n')).toContain('Could not serve worker metrics');
    } finally {
      await second.close();
      await first.close();
    }
  });

  it('serves nothing when HOOKLINE_WORKER_METRICS_PORT is 0', async () => {
    const hookline = await startHookline({
      config: testConfig({ TEMPORAL_TASK_QUEUE: uniqueName('queue'), HOOKLINE_WORKER_METRICS_PORT: '0' }),
      encryption: testEncryption,
      logger: pino({ level: 'silent' }),
      db: stack.temp.db,
      temporal: { connection: stack.env.nativeConnection },
      worker: { workflowBundle: { codePath: inject('workflowBundlePath') } },
    });
    await hookline.close();
    expect(hookline.metricsServer).toBeUndefined();
  });
});

describe('the worker process (npm run worker)', () => {
  const processes = new HooklineProcesses();
  let dataDir: string | undefined;
  afterAll(async () => {
    await processes.killAll();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("serves Hookline's metrics, and the Temporal SDK's when HOOKLINE_SDK_METRICS_ADDRESS is set", async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hookline-metrics-'));
    const [workerPort, sdkPort] = [await freePort(), await freePort()];
    await processes.startWorker(
      hooklineEnv({
        TEMPORAL_ADDRESS: stack.env.address,
        TEMPORAL_TASK_QUEUE: uniqueName('queue'),
        HOOKLINE_DATA_DIR: dataDir,
        HOOKLINE_ALLOWED_NETWORKS: LOOPBACK_NETWORKS,
        HOOKLINE_ENCRYPTION_KEYS: formatKeyring(testEncryption.keyring),
        HOOKLINE_WORKER_METRICS_PORT: String(workerPort),
        HOOKLINE_SDK_METRICS_ADDRESS: `127.0.0.1:${sdkPort}`,
      }),
      90_000,
    );
    const own = await scrape(`http://127.0.0.1:${workerPort}`);
    expect(own.text).toContain('# TYPE hookline_delivery_attempts_total counter');
    // The SDK's exporter fills as the worker polls.
    const sdk = await eventually(
      async () => {
        const response = await fetch(`http://127.0.0.1:${sdkPort}/metrics`);
        const text = await response.text();
        return response.ok && /^temporal_\w+/m.test(text) && text;
      },
      { timeoutMs: 30_000, intervalMs: 500, what: 'a temporal_ metric from the SDK' },
    );
    expect(sdk).toMatch(/^temporal_\w+/m);
  });
});
