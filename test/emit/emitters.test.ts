import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createEmitter,
  createTemporalEmitter,
  EmitError,
  EVENT_DATA_EXAMPLES,
  EventDataError,
  type EventType,
  type LeadCreatedData,
} from '../../src/index';
import { deliveryWorkflowId } from '../../src/contract/delivery';
import { type TempDatabase } from '../support/fixtures';
import { startReceiver, type Receiver } from '../support/receiver';
import {
  newWorkspaceWithKey,
  plainClient,
  startTimeSkippingApiStack,
  type ApiStack,
  type ApiHarness,
  type TestWorkspace,
} from '../api/harness';

let env: TestWorkflowEnvironment;
let temp: TempDatabase;
let api: ApiHarness;
let worker: ApiStack['worker'];
let stack: ApiStack | undefined;
const receivers: Receiver[] = [];

beforeAll(async () => {
  stack = await startTimeSkippingApiStack();
  ({ env, temp, api, worker } = stack);
});

afterAll(() => stack?.stop(receivers));

async function subscribedReceiver(ws: TestWorkspace): Promise<Receiver> {
  const r = await startReceiver();
  receivers.push(r);
  const res = await api.request('POST', '/v1/webhooks', { key: ws.key, body: { url: r.url, events: ['*'] } });
  expect(res.status).toBe(201);
  return r;
}

async function untilDelivered(ws: TestWorkspace, eventId: string): Promise<void> {
  await env.client.workflow.getHandle(deliveryWorkflowId(ws.workspaceId, eventId)).result();
}

describe('createEmitter', () => {
  it('emits a typed event through the API and it is delivered', async () => {
    const ws = await newWorkspaceWithKey(temp.db);
    const r = await subscribedReceiver(ws);
    const emitter = createEmitter({ baseUrl: api.url, apiKey: ws.key });

    const document = {
      id: 'doc_1',
      size: 482113,
      leadId: 'lead_1',
      filename: 'statement.pdf',
      mimeType: 'application/pdf',
      createdAt: '2026-01-15T09:58:40Z',
      signedUrl: 'https://files.example/documents/doc_1?signature=abc',
    };

    const occurredAt = new Date('2026-01-15T09:58:40Z');

    const emitted = await emitter.emit('document.received', { document }, { occurredAt });
    const [delivered] = await r.waitForRequests(1);

    expect(emitted).toEqual({
      id: expect.stringMatching(/^evt_/),
      type: 'document.received',
      workspaceId: ws.workspaceId,
      timestamp: '2026-01-15T09:58:40.000Z',
      replayed: false,
    });
    expect(JSON.parse(delivered!.body)).toMatchObject({ id: emitted.id, data: { document } });
  });

  it('checks at compile time that data follows the event type', () => {
    const emitter = createEmitter({ baseUrl: 'http://127.0.0.1:1', apiKey: 'unused' });
    const item = EVENT_DATA_EXAMPLES['lead.completed'].checklistItems[0]!;
    const emitLater = [
      // @ts-expect-error lead.created needs a leadId and a source
      () => emitter.emit('lead.created', { documentId: 'doc_1' }),
      // @ts-expect-error firstName is a string
      () => emitter.emit('lead.created', { leadId: 'lead_1', source: 'api', firstName: 42 }),
      // @ts-expect-error source is one of the sources OmniAI documents
      () => emitter.emit('lead.created', { leadId: 'lead_1', source: 'web_form' }),
      // @ts-expect-error checklist statuses are TODO, COMPLETED, INVALID, SKIPPED or NEEDS_REVIEW
      () => emitter.emit('lead.updated', { leadId: 'lead_1', checklistItems: [{ ...item, status: 'DONE' }] }),
      // @ts-expect-error operational events are Hookline's own
      () => emitter.emit('delivery.exhausted', EVENT_DATA_EXAMPLES['delivery.exhausted']),
      () => emitter.emit('lead.created', { leadId: 'lead_1', source: 'api', loanAmount: 75000 }),
    ];
    expect(emitLater).toHaveLength(6);
  });

  it('answers a repeated idempotency key with the original event', async () => {
    const ws = await newWorkspaceWithKey(temp.db);
    const r = await subscribedReceiver(ws);
    const emitter = createEmitter({ baseUrl: api.url, apiKey: ws.key });
    const data = { leadId: 'lead_1', source: 'api' } as const;

    const first = await emitter.emit('lead.created', data, { idempotencyKey: 'signup-1' });
    const again = await emitter.emit('lead.created', data, { idempotencyKey: 'signup-1' });
    await untilDelivered(ws, first.id);

    expect(again).toEqual({ ...first, replayed: true });
    expect(r.requests).toHaveLength(1);
  });

  it('throws an EmitError carrying the problem when the API refuses the event', async () => {
    const ws = await newWorkspaceWithKey(temp.db);
    const emitter = createEmitter({ baseUrl: api.url, apiKey: ws.key });
    const unauthorised = createEmitter({ baseUrl: api.url, apiKey: 'hk_wrong' });

    const lead = { leadId: 'x', source: 'api' } as const;
    const invalid = await emitter.emit('lead.deleted' as EventType, lead).catch((e) => e);
    const operational = await emitter.emit('webhook.disabled' as EventType, lead).catch((e) => e);
    const badData = await emitter.emit('lead.created', { leadId: 'x' } as LeadCreatedData).catch((e) => e);
    const refused = await unauthorised.emit('lead.created', lead).catch((e) => e);

    expect(invalid).toBeInstanceOf(EmitError);
    expect(invalid).toMatchObject({ status: 400, retryable: false, problem: { errors: [{ field: 'type' }] } });
    expect(operational.problem.errors).toEqual([{ field: 'type', message: 'is emitted by Hookline only' }]);
    expect(badData.problem.errors).toEqual([{ field: 'data.source', message: 'is required' }]);
    expect(refused).toMatchObject({ status: 401, retryable: false });
  });

  it('throws a retryable EmitError when the API cannot be reached', async () => {
    const emitter = createEmitter({ baseUrl: 'http://127.0.0.1:9', apiKey: 'hk_any', timeoutMs: 2_000 });

    const error = await emitter.emit('lead.created', { leadId: 'x', source: 'api' }).catch((e) => e);

    expect(error).toBeInstanceOf(EmitError);
    expect(error).toMatchObject({ status: undefined, retryable: true });
  });
});

describe('createTemporalEmitter', () => {
  it('delivers an event emitted both through the API and through Temporal once', async () => {
    const ws = await newWorkspaceWithKey(temp.db);
    const r = await subscribedReceiver(ws);
    const viaApi = createEmitter({ baseUrl: api.url, apiKey: ws.key });
    const viaTemporal = createTemporalEmitter({
      client: plainClient(env),
      workspaceId: ws.workspaceId,
      taskQueue: worker.taskQueue,
    });
    const data = EVENT_DATA_EXAMPLES['action_log.completed'];

    const direct = await viaTemporal.emit('action_log.completed', data, { id: 'evt_both_ways' });
    const repeated = await viaApi.emit('action_log.completed', data, { id: 'evt_both_ways' });
    const keyed = await viaApi.emit('action_log.completed', data, { idempotencyKey: 'job-7' });
    const keyedAgain = await viaTemporal.emit('action_log.completed', data, { idempotencyKey: 'job-7' });
    await untilDelivered(ws, direct.id);
    await untilDelivered(ws, keyed.id);

    expect(direct.replayed).toBe(false);
    expect(repeated).toEqual({ ...direct, replayed: true });
    expect(keyedAgain).toEqual({ ...keyed, replayed: true });
    expect(r.requests.map((req) => req.headers['webhook-id']).sort()).toEqual([direct.id, keyed.id].sort());
  });

  it('rejects an envelope that the API would reject, before reaching Temporal', async () => {
    const emitter = createTemporalEmitter({ client: plainClient(env), workspaceId: 'ws_x', taskQueue: 'unused' });

    await expect(emitter.emit('lead.created', { leadId: 'x', source: 'api' }, { id: 'has spaces' })).rejects.toThrow(
      /letters, digits/,
    );
  });

  it('checks data and refuses operational types as the API does, before reaching Temporal', async () => {
    const emitter = createTemporalEmitter({ client: plainClient(env), workspaceId: 'ws_x', taskQueue: 'unused' });
    const checklist = [{ ...EVENT_DATA_EXAMPLES['lead.completed'].checklistItems[0]!, status: 'DONE' }];

    const badData = await emitter
      .emit('lead.updated', { leadId: 'x', checklistItems: checklist } as never, { id: 'evt_bad_data' })
      .catch((e) => e);
    const operational = emitter.emit(
      'webhook.recovered' as EventType,
      EVENT_DATA_EXAMPLES['webhook.recovered'] as never,
    );

    expect(badData).toBeInstanceOf(EventDataError);
    expect(badData.issues).toEqual([
      { path: ['checklistItems', 0, 'status'], message: expect.stringMatching(/^must be one of "TODO"/) },
    ]);
    expect(badData.message).toMatch(/^The data of lead.updated is invalid: data\.checklistItems\.0\.status must be/);
    await expect(operational).rejects.toThrow('"webhook.recovered" is not an event type a service can emit');
  });
});
