import net from 'node:net';
import { Client, Connection } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Problem } from '../../src/contract/problem';
import { deliveryWorkflowId } from '../../src/contract/delivery';
import { testEncryption } from '../support/fixtures';
import { startReceiver, type Receiver } from '../support/receiver';
import {
  eventually,
  newWorkspaceWithKey,
  startApi,
  startTimeSkippingApiStack,
  type ApiHarness,
  type ApiStack,
  type TestWorkspace,
} from './harness';

/**
 * A TCP proxy in front of Temporal that can stop passing one direction: requests that never arrive,
 * or requests that arrive (and commit) whose answers are lost.
 */
async function flakyProxy(target: string) {
  const [host, port] = target.split(':') as [string, string];
  const drop = { requests: false, responses: false };
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(port), host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => socket.destroy());
      socket.on('close', () => sockets.delete(socket));
    }
    client.on('data', (chunk) => {
      if (!drop.requests) upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (!drop.responses) client.write(chunk);
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    drop,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

let stack: ApiStack;
let env: TestWorkflowEnvironment;
let receiver: Receiver;
let ws: TestWorkspace;

beforeAll(async () => {
  stack = await startTimeSkippingApiStack();
  env = stack.env;
  receiver = await startReceiver();
  ws = await newWorkspaceWithKey(stack.temp.db);
  const created = await stack.api.request('POST', '/v1/webhooks', {
    key: ws.key,
    body: { url: receiver.url, events: ['lead.created'] },
  });
  expect(created.status).toBe(201);
});

afterAll(async () => {
  await stack?.stop([receiver]);
});

/** A second API process whose Temporal connection goes through the proxy. */
async function apiThroughProxy(proxy: Awaited<ReturnType<typeof flakyProxy>>): Promise<ApiHarness> {
  const connection = await Connection.connect({ address: proxy.address });
  const client = new Client({ connection, namespace: 'default', dataConverter: testEncryption.dataConverter });
  const api = await startApi({ db: stack.temp.db, client, taskQueue: stack.worker.taskQueue, rpcTimeoutMs: 1_500 });
  return {
    ...api,
    async close() {
      await api.close();
      await connection.close();
    },
  };
}

const lead = { type: 'lead.created', data: { leadId: 'lead_amb', source: 'api' } };

describe('an emit whose start Temporal does not confirm in time', () => {
  it.each([
    ['the answer was lost after the start committed', 'responses', true],
    ['the request never reached Temporal', 'requests', false],
  ] as const)(
    'answers 503 with the event id, and a retry with that id delivers it exactly once (%s)',
    async (_case, direction, committed) => {
      const proxy = await flakyProxy(env.address);
      const flaky = await apiThroughProxy(proxy);
      try {
        proxy.drop[direction] = true;
        const refused = await flaky.request<Problem>('POST', '/v1/events', { key: ws.key, body: lead });

        expect(refused.status).toBe(503);
        expect(refused.headers.get('retry-after')).toBe('5');
        const eventId = refused.body.eventId ?? '';
        expect(eventId).toMatch(/^evt_/);
        expect(refused.body.detail).toContain(eventId);
        const handle = env.client.workflow.getHandle(deliveryWorkflowId(ws.workspaceId, eventId));
        const exists = await handle.describe().then(
          () => true,
          () => false,
        );
        expect(exists).toBe(committed);

        const retried = await stack.api.request<{ id: string }>('POST', '/v1/events', {
          key: ws.key,
          body: { ...lead, id: eventId },
        });

        expect(retried.status).toBe(202);
        expect(retried.body.id).toBe(eventId);
        expect(retried.headers.get('idempotent-replayed')).toBe(String(committed));
        await eventually(async () => receiver.requests.some((r) => r.headers['webhook-id'] === eventId));
        await handle.result();
        expect(receiver.requests.filter((r) => r.headers['webhook-id'] === eventId)).toHaveLength(1);
      } finally {
        await flaky.close();
        await proxy.close();
      }
    },
  );
});
