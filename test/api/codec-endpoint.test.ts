import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventStatusView, WebhookView } from '../../src/api/schemas';
import { deliveryWorkflowId } from '../../src/contract/delivery';
import { TEMPORAL_UI_URL, testEncryption } from '../support/fixtures';
import { readableHistory } from '../support/history';
import { startReceiver, type Receiver } from '../support/receiver';
import {
  eventually,
  newWorkspaceWithKey,
  type ApiStack,
  type TestWorkspace,
  startTimeSkippingApiStack,
} from './harness';

const MARKER = 'dana.marker-5521@acmebakery.example';
const HEADER_VALUE = 'crm-token-do-not-leak-8812';

let stack: ApiStack;
let ws: TestWorkspace;
let receiver: Receiver;
let secret: string;
let eventId: string;

beforeAll(async () => {
  stack = await startTimeSkippingApiStack();
  ws = await newWorkspaceWithKey(stack.temp.db);
  receiver = await startReceiver();
  const created = await stack.api.request<WebhookView & { secret: string }>('POST', '/v1/webhooks', {
    key: ws.key,
    body: { url: receiver.url, events: ['lead.created'], headers: { 'x-crm-token': HEADER_VALUE } },
  });
  secret = created.body.secret;
  const emitted = await stack.api.request<{ id: string }>('POST', '/v1/events', {
    key: ws.key,
    body: { type: 'lead.created', data: { leadId: 'lead_9', source: 'api', email: MARKER } },
  });
  eventId = emitted.body.id;
  await eventually(async () => {
    const res = await stack.api.request<EventStatusView>('GET', `/v1/events/${eventId}`, { key: ws.key });
    return res.body.status === 'completed';
  });
});

afterAll(async () => {
  await stack?.stop([receiver]);
});

async function rawHistory() {
  const { client } = stack.env;
  const response = await client.workflowService.getWorkflowExecutionHistory({
    namespace: 'default',
    execution: { workflowId: deliveryWorkflowId(ws.workspaceId, eventId) },
  });
  return response.history;
}

/** A payload in the JSON form of the codec-server protocol (base64 metadata values and data). */
function toJson(payload: { metadata?: Record<string, Uint8Array> | null; data?: Uint8Array | null }) {
  return {
    metadata: Object.fromEntries(
      Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
    ),
    data: Buffer.from(payload.data ?? []).toString('base64'),
  };
}

describe('event data in Temporal', () => {
  it('holds no plaintext event data in the raw history', async () => {
    const raw = await readableHistory(await rawHistory());

    expect(raw).not.toContain(MARKER);
    expect(raw).toContain('binary/encrypted');
    expect(receiver.requests[0]?.body).toContain(MARKER);
  });

  it('decodes through the codec endpoint, as the Temporal UI does', async () => {
    const history = await rawHistory();
    const input = history?.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
    expect(input).toBeDefined();

    const res = await fetch(`${stack.api.url}/codec/${testEncryption.codecToken}/decode`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-namespace': 'default',
        origin: new URL(TEMPORAL_UI_URL).origin,
      },
      body: JSON.stringify({ payloads: [toJson(input ?? {})] }),
    });
    const body = (await res.json()) as { payloads: { data: string }[] };

    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(new URL(TEMPORAL_UI_URL).origin);
    expect(Buffer.from(body.payloads[0]?.data ?? '', 'base64').toString('utf8')).toContain(MARKER);
  });

  it('refuses the codec endpoint without its token', async () => {
    const wrong = await fetch(`${stack.api.url}/codec/not-the-token/decode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ payloads: [] }),
    });
    const bare = await fetch(`${stack.api.url}/codec/decode`, { method: 'POST' });

    expect(wrong.status).toBe(401);
    expect(bare.status).toBe(404);
  });

  it('keeps the signing secret and header values out of history, even decrypted, and out of the logs', async () => {
    const decrypted = await readableHistory(await rawHistory(), testEncryption.codec);
    const logs = stack.logs.join('\n');

    for (const value of [secret, secret.slice('whsec_'.length), HEADER_VALUE]) {
      expect(decrypted).not.toContain(value);
      expect(logs).not.toContain(value);
    }
    expect(logs).not.toContain(testEncryption.codecToken);
    expect(decrypted).toContain(MARKER);
  });

  it('shows neither secret nor header values in the event status', async () => {
    const res = await stack.api.request<EventStatusView>('GET', `/v1/events/${eventId}`, { key: ws.key });

    expect(res.text).toContain(MARKER);
    expect(res.text).not.toContain(secret);
    expect(res.text).not.toContain(HEADER_VALUE);
  });
});
