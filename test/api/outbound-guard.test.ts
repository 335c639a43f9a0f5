import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { EventStatusView, WebhookView } from '../../src/api/schemas';
import type { Problem } from '../../src/contract/problem';
import { startTimeSkippingServer } from '../../src/temporal-server/servers';
import { testEncryption } from '../support/fixtures';
import { DNS, HOSTILE, INTERNAL_ANSWERS, PUBLIC_V4, tableResolver } from '../support/hostile-urls';
import { eventually, newWorkspaceWithKey, startApiStack, type ApiStack, type TestWorkspace } from './harness';

const startServer = () =>
  startTimeSkippingServer({ executable: inject('testServerExecutable'), dataConverter: testEncryption.dataConverter });

/** A loopback listener that counts what reaches it: the place an attacker would aim at. */
async function internalListener() {
  let hits = 0;
  const server = http.createServer((req, res) => {
    hits += 1;
    req.resume();
    res.end('internal secret page');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    hits: () => hits,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Answers a public address while the webhook is created and loopback afterwards, as a name under an
 * attacker's control would (DNS rebinding).
 */
function rebindingResolver() {
  const table = tableResolver(DNS);
  let asked = 0;
  return async (hostname: string) => {
    if (hostname !== 'rebind.example') return table(hostname);
    asked += 1;
    return [{ address: asked === 1 ? PUBLIC_V4 : '127.0.0.1', family: 4 }];
  };
}

describe('with the default setting (public networks only)', () => {
  let stack: ApiStack;
  let ws: TestWorkspace;
  let listener: Awaited<ReturnType<typeof internalListener>>;

  beforeAll(async () => {
    // No allowed networks: the default everywhere, `npm start` included.
    stack = await startApiStack(await startServer(), {
      settings: { HOOKLINE_ALLOWED_NETWORKS: '' },
      resolve: rebindingResolver(),
    });
    ws = await newWorkspaceWithKey(stack.temp.db);
    listener = await internalListener();
  });

  afterAll(async () => {
    await stack?.stop([listener]);
  });

  const webhookCount = async () =>
    (await stack.api.request<{ data: WebhookView[] }>('GET', '/v1/webhooks?limit=250', { key: ws.key })).body.data
      .length;

  it('has a table of at least 50 hostile URLs', () => {
    expect(HOSTILE.length).toBeGreaterThanOrEqual(50);
  });

  it.each(HOSTILE)('refuses to create a webhook for $url ($reason)', async ({ url }) => {
    const before = await webhookCount();

    const res = await stack.api.request<Problem>('POST', '/v1/webhooks', {
      key: ws.key,
      body: { url, events: ['lead.created'] },
    });

    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body.errors?.map((e) => e.field)).toContain('url');
    expect(await webhookCount()).toBe(before);
  });

  it.each(HOSTILE)('refuses to point a webhook at $url ($reason)', async ({ url }) => {
    const created = await stack.api.request<WebhookView>('POST', '/v1/webhooks', {
      key: ws.key,
      body: { url: 'https://public.example/hooks', events: ['lead.created'] },
    });
    expect(created.status).toBe(201);

    const res = await stack.api.request<Problem>('PATCH', `/v1/webhooks/${created.body.id}`, {
      key: ws.key,
      body: { url },
    });
    const after = await stack.api.request<WebhookView>('GET', `/v1/webhooks/${created.body.id}`, { key: ws.key });

    expect(res.status).toBe(400);
    expect(res.body.errors?.map((e) => e.field)).toContain('url');
    expect(after.body.url).toBe('https://public.example/hooks');
  });

  it('never says what an internal name resolved to', async () => {
    for (const [hostname, answers] of Object.entries(INTERNAL_ANSWERS)) {
      const res = await stack.api.request<Problem>('POST', '/v1/webhooks', {
        key: ws.key,
        body: { url: `https://${hostname}/hooks`, events: ['lead.created'] },
      });
      expect(res.status).toBe(400);
      for (const answer of answers) expect(res.text.replaceAll(hostname, '')).not.toContain(answer);
    }
  });

  it('refuses at connect time a name that turned internal after it was checked, and reaches nothing', async () => {
    // A workspace of its own: the tables above leave many webhooks behind in the shared one.
    const ws = await newWorkspaceWithKey(stack.temp.db);
    const created = await stack.api.request<WebhookView>('POST', '/v1/webhooks', {
      key: ws.key,
      body: { url: `http://rebind.example:${listener.port}/hooks`, events: ['lead.created'] },
    });
    expect(created.status).toBe(201);

    const emitted = await stack.api.request<{ id: string }>('POST', '/v1/events', {
      key: ws.key,
      body: { type: 'lead.created', data: { leadId: 'lead_1', source: 'api' } },
    });
    expect(emitted.status).toBe(202);
    const status = await eventually(
      async () => {
        const res = await stack.api.request<EventStatusView>('GET', `/v1/events/${emitted.body.id}`, { key: ws.key });
        return res.body.status === 'completed' ? res.body : undefined;
      },
      { what: 'the delivery to end' },
    );

    expect(status.deliveries).toEqual([
      expect.objectContaining({ status: 'failed', attempts: 1, lastStatusCode: null }),
    ]);
    expect(status.deliveries[0]?.lastError).toMatch(/Refused to connect to rebind\.example: .*loopback/);
    expect(status.deliveries[0]?.lastError).not.toContain('127.0.0.1');
    expect(listener.hits()).toBe(0);
  });
});

describe('with HOOKLINE_ALLOWED_NETWORKS set to loopback', () => {
  let stack: ApiStack;
  let ws: TestWorkspace;

  beforeAll(async () => {
    stack = await startApiStack(await startServer(), {
      settings: { HOOKLINE_ALLOWED_NETWORKS: '127.0.0.0/8,::1/128' },
    });
    ws = await newWorkspaceWithKey(stack.temp.db);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it.each(['http://127.0.0.1:4000/hooks', 'http://localhost:4000/hooks', 'http://[::1]:4000/hooks'])(
    'lets %s through',
    async (url) => {
      const res = await stack.api.request('POST', '/v1/webhooks', { key: ws.key, body: { url, events: ['*'] } });
      expect(res.status).toBe(201);
    },
  );

  it.each([
    'http://10.0.0.1/hooks',
    'http://169.254.169.254/latest/meta-data/',
    'http://192.168.1.1/',
    'http://[fd00:ec2::254]/',
    'http://internal.example/',
  ])('still refuses %s', async (url) => {
    const res = await stack.api.request('POST', '/v1/webhooks', { key: ws.key, body: { url, events: ['*'] } });
    expect(res.status).toBe(400);
  });
});
