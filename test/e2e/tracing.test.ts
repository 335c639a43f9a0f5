import fs from 'node:fs';
import path from 'node:path';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { deliveryWorkflowOf } from '../../src/contract/delivery';
import { startHookline, type Hookline } from '../../src/runtime/start-hookline';
import { loadConfig } from '../../src/shared/config';
import { startTracing, WORKFLOW_TRACING_MODULE } from '../../src/shared/tracing';
import { startDevServer } from '../../src/temporal-server/servers';
import { WORKFLOWS_PATH } from '../../src/worker/create-worker';
import { eventually, newWorkspaceWithKey } from '../api/harness';
import { openTempDatabase, testConfig, testEncryption, uniqueName, type TempDatabase } from '../support/fixtures';
import { startReceiver, type Receiver } from '../support/receiver';

const HISTORIES = path.join(__dirname, '..', 'workflows', 'histories');
const quiet = { trace: () => undefined, debug: () => undefined, info: () => undefined, log: () => undefined };
const logger = { ...quiet, warn: console.warn, error: console.error };

let env: TestWorkflowEnvironment;
let temp: TempDatabase;
let receiver: Receiver;
let hookline: Hookline;
let tracedBundle: string;
const exporter = new InMemorySpanExporter();

beforeAll(async () => {
  // The bundle a worker that traces runs: the workflows with the tracing interceptors.
  ({ code: tracedBundle } = await bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    workflowInterceptorModules: [WORKFLOW_TRACING_MODULE],
    logger,
  }));
  env = await startDevServer({
    executable: inject('devServerExecutable'),
    dataConverter: testEncryption.dataConverter,
  });
  temp = await openTempDatabase();
  receiver = await startReceiver();
  hookline = await startHookline({
    config: testConfig({ TEMPORAL_TASK_QUEUE: uniqueName('queue'), OTEL_TRACES_EXPORTER: 'otlp' }),
    encryption: testEncryption,
    logger: pino({ level: 'silent' }),
    db: temp.db,
    temporal: { connection: env.nativeConnection },
    worker: { workflowBundle: { code: tracedBundle } },
    api: {},
    tracing: { exporter },
  });
}, 120_000);

afterAll(async () => {
  await hookline?.close();
  await receiver?.close();
  await env?.teardown();
  await temp?.close();
});

const leadData = { leadId: 'lead_1', source: 'api', firstName: 'Dana' };

async function request(method: string, url: string, key: string, body: unknown, base = hookline.api!.url) {
  const response = await fetch(base + url, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function parentOf(span: ReadableSpan, spans: ReadableSpan[]): ReadableSpan | undefined {
  return spans.find((candidate) => candidate.spanContext().spanId === span.parentSpanId);
}

describe('traces', () => {
  it('follows an event from POST /v1/events through the workflow to the receiver in one trace', async () => {
    const ws = await newWorkspaceWithKey(temp.db);
    const created = await request('POST', '/v1/webhooks', ws.key, { url: receiver.url, events: ['lead.created'] });
    expect(created.status).toBe(201);
    exporter.reset();

    const emitted = await request('POST', '/v1/events', ws.key, {
      type: 'lead.created',
      data: leadData,
    });
    expect(emitted.status).toBe(202);
    const [received] = await receiver.waitForRequests(1);
    const traceparent = String(received?.headers.traceparent);
    expect(traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);

    // Workflow spans reach the exporter through a sink once the workflow completes.
    const spans = await eventually(
      async () => {
        const all = exporter.getFinishedSpans();
        return all.some((span) => span.name === 'RunWorkflow:deliverEventWorkflow') ? all : undefined;
      },
      { what: 'the workflow span' },
    );
    const server = spans.find((span) => span.kind === SpanKind.SERVER && span.name === 'POST /v1/events');
    expect(server, spans.map((span) => span.name).join(', ')).toBeDefined();
    const traceId = server!.spanContext().traceId;
    const [, sentTraceId, sentSpanId] = traceparent.split('-');
    expect(sentTraceId).toBe(traceId);

    const post = spans.find((span) => span.kind === SpanKind.CLIENT && span.name === 'POST');
    expect(post?.spanContext().spanId).toBe(sentSpanId);
    expect(post?.attributes).toMatchObject({ 'http.request.method': 'POST', 'http.response.status_code': 200 });
    const chain: string[] = [];
    for (let span: ReadableSpan | undefined = post; span; span = parentOf(span, spans)) {
      expect(span.spanContext().traceId).toBe(traceId);
      chain.unshift(span.name);
    }
    expect(chain).toEqual([
      'POST /v1/events',
      'StartWorkflow:deliverEventWorkflow',
      'RunWorkflow:deliverEventWorkflow',
      'StartActivity:postEvent',
      'RunActivity:postEvent',
      'POST',
    ]);
    expect(server!.parentSpanId).toBeUndefined();
    expect(server!.attributes).toMatchObject({ 'http.route': '/v1/events', 'http.response.status_code': 202 });
    expect(server!.resource.attributes['service.name']).toBe('hookline');
  });

  it("continues a caller's trace sent in traceparent", async () => {
    const ws = await newWorkspaceWithKey(temp.db);
    exporter.reset();
    const callerTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
    const response = await fetch(`${hookline.api!.url}/v1/webhooks`, {
      headers: { authorization: `Bearer ${ws.key}`, traceparent: `00-${callerTrace}-00f067aa0ba902b7-01` },
    });
    expect(response.status).toBe(200);
    const server = await eventually(async () => exporter.getFinishedSpans().find((s) => s.kind === SpanKind.SERVER));
    expect(server.spanContext().traceId).toBe(callerTrace);
    expect(server.parentSpanId).toBe('00f067aa0ba902b7');
    expect(server.name).toBe('GET /v1/webhooks');
  });

  it('sends no traceparent and records nothing when traces are off', async () => {
    const off = new InMemorySpanExporter();
    const plain = await startHookline({
      config: testConfig({ TEMPORAL_TASK_QUEUE: uniqueName('queue'), OTEL_TRACES_EXPORTER: 'none' }),
      encryption: testEncryption,
      logger: pino({ level: 'silent' }),
      db: temp.db,
      temporal: { connection: env.nativeConnection },
      worker: { workflowBundle: { codePath: inject('workflowBundlePath') } },
      api: {},
      tracing: { exporter: off },
    });
    const quietReceiver = await startReceiver();
    try {
      const ws = await newWorkspaceWithKey(temp.db);
      const base = plain.api!.url;
      const created = await request('POST', '/v1/webhooks', ws.key, { url: quietReceiver.url, events: ['*'] }, base);
      expect(created.status).toBe(201);
      const emitted = await request('POST', '/v1/events', ws.key, { type: 'lead.created', data: leadData }, base);
      expect(emitted.status).toBe(202);
      const [received] = await quietReceiver.waitForRequests(1);
      expect(received?.headers).not.toHaveProperty('traceparent');
      expect(off.getFinishedSpans()).toEqual([]);
    } finally {
      await quietReceiver.close();
      await plain.close();
    }
  });

  it('replays the recorded histories with the tracing interceptors without a change of commands', async () => {
    const tracing = await startTracing(loadConfig({ OTEL_TRACES_EXPORTER: 'console' }).tracing!, {
      exporter: new InMemorySpanExporter(),
    });
    const files = fs.readdirSync(HISTORIES).filter((file) => file.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    const histories = files.map((file) => {
      const history = temporal.api.history.v1.History.fromObject(
        JSON.parse(fs.readFileSync(path.join(HISTORIES, file), 'utf8')),
      );
      // A large fan-out names its batches after its own id, which only a batch's id records.
      const batch = history.events?.find((e) => e.startChildWorkflowExecutionInitiatedEventAttributes)
        ?.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId;
      return { workflowId: batch ? deliveryWorkflowOf(batch) : file, history };
    });
    const { sinks } = tracing.workerOptions({ bundleAtStart: false });
    const results = Worker.runReplayHistories({ workflowBundle: { code: tracedBundle }, sinks }, histories);
    for await (const result of results) {
      expect({ workflowId: result.workflowId, error: result.error }).toEqual({
        workflowId: result.workflowId,
        error: undefined,
      });
    }
    await tracing.shutdown();
  });
});

describe('tracing configuration', () => {
  it('is off unless OTEL_TRACES_EXPORTER names an exporter', () => {
    expect(loadConfig({}).tracing).toBeNull();
    expect(loadConfig({ OTEL_TRACES_EXPORTER: 'none' }).tracing).toBeNull();
    expect(loadConfig({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_SDK_DISABLED: 'true' }).tracing).toBeNull();
  });

  it('reads the standard OTLP variables', () => {
    const tracing = loadConfig({
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_SERVICE_NAME: 'hookline-eu',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'https://collector.example:4318/',
      OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Bearer%20abc,x-tenant=eu',
    }).tracing;
    expect(tracing).toEqual({
      exporter: 'otlp',
      serviceName: 'hookline-eu',
      otlp: {
        url: 'https://collector.example:4318/v1/traces',
        headers: { authorization: 'Bearer abc', 'x-tenant': 'eu' },
      },
    });
    expect(
      loadConfig({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/traces' }).tracing
        ?.otlp.url,
    ).toBe('http://c:4318/traces');
  });

  it('refuses what it cannot do, without repeating header values', () => {
    expect(() => loadConfig({ OTEL_TRACES_EXPORTER: 'zipkin' })).toThrow(/OTEL_TRACES_EXPORTER/);
    expect(() => loadConfig({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toThrow(
      /OTEL_EXPORTER_OTLP_PROTOCOL: only http\/protobuf/,
    );
    const bad = () => loadConfig({ OTEL_EXPORTER_OTLP_HEADERS: 'secret-token-value' });
    expect(bad).toThrow(/OTEL_EXPORTER_OTLP_HEADERS/);
    expect(bad).not.toThrow(/secret-token-value/);
  });
});
