import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DeliveryItemView, EventStatusView } from '../../src/api/schemas';
import { batchWorkflowId, deliveryWorkflowId } from '../../src/contract/delivery';
import { createWebhook } from '../../src/db/webhooks';
import { startDevServer } from '../../src/temporal-server/servers';
import { eventually, newWorkspaceWithKey, startApiStack, type ApiStack } from '../api/harness';
import { testEncryption } from '../support/fixtures';

const ENDPOINTS = 1_000;
/** Temporal warns past these; a delivery must stay well inside them. */
const HISTORY_WARN_BYTES = 10 * 1024 * 1024;
const HISTORY_WARN_EVENTS = 10_000;

/**
 * One receiver for a thousand endpoints (one path each) that keeps what the test checks of each
 * request and only the first body: a thousand 256 KiB bodies kept in memory would slow the very
 * process that must answer within 5 s.
 */
async function startLeanReceiver() {
  const requests: { path: string; webhookId: string; bytes: number }[] = [];
  let firstBody: string | undefined;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (firstBody === undefined) chunks.push(chunk);
    });
    req.on('end', () => {
      firstBody ??= Buffer.concat(chunks).toString('utf8');
      requests.push({ path: req.url ?? '', webhookId: String(req.headers['webhook-id']), bytes });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    requests,
    firstBody: () => firstBody,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let stack: ApiStack;
let receiver: Awaited<ReturnType<typeof startLeanReceiver>>;

beforeAll(async () => {
  stack = await startApiStack(
    await startDevServer({ executable: inject('devServerExecutable'), dataConverter: testEncryption.dataConverter }),
  );
  receiver = await startLeanReceiver();
});

afterAll(async () => {
  await stack?.stop([receiver]);
});

describe('an event of the largest size to a thousand endpoints', () => {
  it('reaches every endpoint, keeps every history small, and is listed for any one webhook', async () => {
    const ws = await newWorkspaceWithKey(stack.temp.db);
    const webhooks = await Promise.all(
      Array.from({ length: ENDPOINTS }, (_, i) =>
        createWebhook(stack.temp.db, {
          workspaceId: ws.workspaceId,
          url: `${receiver.url}/endpoint-${i}`,
          events: ['document.extracted'],
        }),
      ),
    );
    // As close to the 256 KiB body limit as the envelope allows.
    const text = 'bank statement line; '.repeat(Math.floor((256 * 1024 - 1024) / 21));
    const body = {
      type: 'document.extracted',
      data: {
        leadId: 'lead_big',
        documentId: 'doc_big',
        status: 'completed',
        type: 'Bank Statement',
        extractionResult: { items: [{ label: 'Transactions', value: text }], extractedCount: 1 },
      },
    };
    const started = performance.now();

    const emitted = await stack.api.request<{ id: string }>('POST', '/v1/events', { key: ws.key, body });
    expect(emitted.status).toBe(202);
    await eventually(async () => receiver.requests.length >= ENDPOINTS, {
      timeoutMs: 180_000,
      intervalMs: 200,
      what: 'every endpoint to be reached',
    });
    const status = await eventually(
      async () => {
        const res = await stack.api.request<EventStatusView>('GET', `/v1/events/${emitted.body.id}`, { key: ws.key });
        return res.body.status === 'completed' && res.body;
      },
      { timeoutMs: 60_000, intervalMs: 1_000, what: 'the delivery workflow to complete' },
    );
    const seconds = (performance.now() - started) / 1000;

    expect(status.deliveries).toHaveLength(ENDPOINTS);
    expect(status.deliveries.filter((d) => d.status !== 'succeeded' || d.attempts !== 1)).toEqual([]);
    expect(new Set(receiver.requests.map((r) => r.path)).size).toBe(ENDPOINTS);
    expect(receiver.requests.every((r) => r.webhookId === emitted.body.id)).toBe(true);
    expect(JSON.parse(receiver.firstBody() ?? '{}')).toMatchObject({ data: body.data });

    const parentId = deliveryWorkflowId(ws.workspaceId, emitted.body.id);
    const ids = [parentId, ...Array.from({ length: ENDPOINTS / 50 }, (_, i) => batchWorkflowId(parentId, i))];
    const sizes = await Promise.all(
      ids.map(async (id) => {
        const info = (await stack.env.client.workflow.getHandle(id).describe()).raw.workflowExecutionInfo;
        return { id, bytes: Number(info?.historySizeBytes ?? 0), events: Number(info?.historyLength ?? 0) };
      }),
    );
    for (const size of sizes) {
      expect(size.bytes).toBeGreaterThan(0);
      expect(size.bytes).toBeLessThan(HISTORY_WARN_BYTES / 4);
      expect(size.events).toBeLessThan(HISTORY_WARN_EVENTS / 10);
    }
    const [parent, ...batches] = sizes;
    console.log(
      `fan-out: ${ENDPOINTS} endpoints, event ${Math.round(JSON.stringify(body).length / 1024)} KiB, ${seconds.toFixed(1)} s; ` +
        `histories: delivery ${Math.round((parent?.bytes ?? 0) / 1024)} KiB / ${parent?.events} events, ` +
        `largest batch ${Math.round(Math.max(...batches.map((b) => b.bytes)) / 1024)} KiB / ` +
        `${Math.max(...batches.map((b) => b.events))} events (${batches.length} batches)`,
    );

    // Any one of the thousand webhooks finds the delivery in its own list.
    for (const webhook of [webhooks[0], webhooks[617], webhooks[ENDPOINTS - 1]]) {
      const list = await eventually(
        async () => {
          const res = await stack.api.request<{ data: DeliveryItemView[] }>(
            'GET',
            `/v1/webhooks/${webhook?.id}/deliveries`,
            { key: ws.key },
          );
          return res.body.data.length > 0 && res.body.data;
        },
        { timeoutMs: 20_000, what: 'the deliveries list to show the event' },
      );
      expect(list[0]).toMatchObject({ eventId: emitted.body.id, status: 'succeeded', attempts: 1 });
    }
  }, 300_000);
});
