import net from 'node:net';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveryWorkflowId } from '../../src/contract/delivery';
import { PROBLEM_CONTENT_TYPE, type Problem } from '../../src/contract/problem';
import { countWebhooks } from '../../src/db/webhooks';
import { isWorkflowNotFound } from '../../src/shared/temporal-sdk';
import { STORES, type TempDatabase } from '../support/fixtures';
import {
  newWorkspaceWithKey,
  startTimeSkippingApiStack,
  type ApiHarness,
  type ApiResponse,
  type ApiStack,
  type TestWorkspace,
} from './harness';

const MAX_WEBHOOKS = 3;

describe.each(STORES)('API limits on %s', (store) => {
  let env: TestWorkflowEnvironment;
  let temp: TempDatabase;
  let api: ApiHarness;
  let stack: ApiStack | undefined;

  beforeAll(async () => {
    stack = await startTimeSkippingApiStack({
      store,
      settings: { HOOKLINE_MAX_WEBHOOKS_PER_WORKSPACE: String(MAX_WEBHOOKS) },
    });
    ({ env, temp, api } = stack);
  });

  afterAll(() => stack?.stop());

  const validWebhook = { url: 'https://example.com/hooks', events: ['lead.created'] };

  function expectProblem(res: ApiResponse, status: number): Problem {
    expect(res.status, res.text).toBe(status);
    expect(res.headers.get('content-type')).toMatch(new RegExp(`^${PROBLEM_CONTENT_TYPE.replace('+', '\\+')}`));
    const problem = res.body as Problem;
    expect(problem).toMatchObject({ status, type: expect.stringMatching(/^urn:hookline:problem:/) });
    return problem;
  }

  function expectInvalidField(res: ApiResponse, field: string): void {
    expect(expectProblem(res, 400).errors?.map((e) => e.field)).toContain(field);
  }

  async function createWebhook(ws: TestWorkspace, body: Record<string, unknown> = validWebhook) {
    return api.request<{ id: string }>('POST', '/v1/webhooks', { key: ws.key, body });
  }

  const headerName = (length: number) => `x-${'a'.repeat(length - 2)}`;

  describe('webhook fields', () => {
    it.each([
      ['a URL over 2048 characters', { url: `https://example.com/${'a'.repeat(2029)}` }, 'url'],
      ['51 event types', { events: Array.from({ length: 51 }, () => 'lead.created') }, 'events'],
      [
        '21 headers',
        { headers: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`x-h${i}`, 'v'])) },
        'headers',
      ],
      ['a header name over 64 characters', { headers: { [headerName(65)]: 'v' } }, `headers.${headerName(65)}`],
      ['a header name that is no token', { headers: { 'x tenant': 'v' } }, 'headers.x tenant'],
      ['a header value over 1024 characters', { headers: { 'x-a': 'v'.repeat(1025) } }, 'headers.x-a'],
      ['a header value with a line break', { headers: { 'x-a': 'a\r\nx-injected: 1' } }, 'headers.x-a'],
      ['a header value with a NUL', { headers: { 'x-a': 'a\u0000b' } }, 'headers.x-a'],
      ['a header value with a control character', { headers: { 'x-a': 'a\u007fb' } }, 'headers.x-a'],
      ['a header value with non-ASCII text', { headers: { 'x-a': 'café' } }, 'headers.x-a'],
      ['a header value with a leading space', { headers: { 'x-a': ' a' } }, 'headers.x-a'],
      [
        'two header names that differ in case only',
        { headers: { 'X-Tenant': 'a', 'x-tenant': 'b' } },
        'headers.x-tenant',
      ],
      ['a description over 500 characters', { description: 'd'.repeat(501) }, 'description'],
    ])(
      'refuses %s with 400 naming the field, on create and on update, and writes nothing',
      async (_case, override, field) => {
        const ws = await newWorkspaceWithKey(temp.db);
        const { body: existing } = await createWebhook(ws);
        const before = await api.request('GET', `/v1/webhooks/${existing.id}`, { key: ws.key });

        const created = await createWebhook(ws, { ...validWebhook, ...override });
        const updated = await api.request('PATCH', `/v1/webhooks/${existing.id}`, { key: ws.key, body: override });

        expectInvalidField(created, field);
        expectInvalidField(updated, field);
        expect(await countWebhooks(temp.db, ws.workspaceId)).toBe(1);
        expect((await api.request('GET', `/v1/webhooks/${existing.id}`, { key: ws.key })).body).toEqual(before.body);
      },
    );

    it.each([
      'connection',
      'keep-alive',
      'proxy-authenticate',
      'proxy-authorization',
      'proxy-connection',
      'te',
      'trailer',
      'transfer-encoding',
      'upgrade',
      'host',
      'content-length',
      'content-type',
      'expect',
      'user-agent',
      'webhook-id',
      'webhook-signature',
      'Webhook-Timestamp',
      'WEBHOOK-anything-else',
    ])('refuses %s as a custom header name', async (name) => {
      const ws = await newWorkspaceWithKey(temp.db);

      const res = await createWebhook(ws, { ...validWebhook, headers: { [name]: 'x' } });

      const problem = expectProblem(res, 400);
      expect(problem.errors).toEqual([{ field: `headers.${name}`, message: expect.stringMatching(/cannot be set/) }]);
    });

    it('accepts every field at its limit, and values with inner spaces and tabs', async () => {
      const ws = await newWorkspaceWithKey(temp.db);
      const headers = Object.fromEntries(Array.from({ length: 18 }, (_, i) => [`x-h${i}`, 'v']));
      headers[headerName(64)] = `${'v'.repeat(511)} \t${'w'.repeat(511)}`;
      headers.Authorization = 'Bearer token-for-the-receiver';
      const body = {
        url: `https://example.com/${'a'.repeat(2028)}`,
        events: Array.from({ length: 50 }, () => '*'),
        description: 'd'.repeat(500),
        headers,
      };

      const res = await createWebhook(ws, body);

      expect(res.status, res.text).toBe(201);
      expect(res.body).toMatchObject({ url: body.url, events: ['*'], headers });
    });
  });

  describe('event data', () => {
    /** `{"a":{"a":…{}}}`, `levels` objects deep. */
    const nested = (levels: number) => `${'{"a":'.repeat(levels - 1)}{}${'}'.repeat(levels - 1)}`;
    /** Valid lead.created data whose `a` makes it `levels` objects deep. */
    const deepLead = (levels: number) => `{"leadId":"lead_deep","source":"api","a":${nested(levels - 1)}}`;
    const emitRaw = (ws: TestWorkspace, id: string, data: string) =>
      api.request<{ id: string }>('POST', '/v1/events', {
        key: ws.key,
        rawBody: `{"id":"${id}","type":"lead.created","data":${data}}`,
        headers: { 'content-type': 'application/json' },
      });

    async function workflowStarted(ws: TestWorkspace, id: string): Promise<boolean> {
      try {
        await env.client.workflow.getHandle(deliveryWorkflowId(ws.workspaceId, id)).describe();
        return true;
      } catch (err) {
        if (isWorkflowNotFound(err)) return false;
        throw err;
      }
    }

    it('accepts data 32 levels deep and refuses 33 levels, or 100,000, with 400 on data, starting nothing', async () => {
      const ws = await newWorkspaceWithKey(temp.db);

      const deepest = await emitRaw(ws, 'evt_depth_32', deepLead(32));
      const tooDeep = await emitRaw(ws, 'evt_depth_33', deepLead(33));
      const arrays = 100_000;
      const wayTooDeep = await emitRaw(ws, 'evt_depth_huge', `{"a":${'['.repeat(arrays)}${']'.repeat(arrays)}}`);

      expect(deepest.status, deepest.text).toBe(202);
      expectInvalidField(tooDeep, 'data');
      expectInvalidField(wayTooDeep, 'data');
      expect(await workflowStarted(ws, 'evt_depth_33')).toBe(false);
      expect(await workflowStarted(ws, 'evt_depth_huge')).toBe(false);
    });

    it('refuses __proto__ keys anywhere in a body with 400, and pollutes no prototype', async () => {
      const ws = await newWorkspaceWithKey(temp.db);

      const inData = await emitRaw(ws, 'evt_proto_top', '{"__proto__":{"polluted":true}}');
      const deepInData = await emitRaw(ws, 'evt_proto_deep', '{"list":[{"x":{"__proto__":{"polluted":true}}}]}');
      const inHeaders = await api.request('POST', '/v1/webhooks', {
        key: ws.key,
        rawBody: '{"url":"https://example.com/hooks","events":["*"],"headers":{"__proto__":"x"}}',
        headers: { 'content-type': 'application/json' },
      });
      const atTop = await api.request('POST', '/v1/api-keys', {
        key: ws.key,
        rawBody: '{"scope":"emit","__proto__":{"scope":"manage"}}',
        headers: { 'content-type': 'application/json' },
      });

      expectInvalidField(inData, 'data.__proto__');
      expectInvalidField(deepInData, 'data.list.0.x.__proto__');
      expectInvalidField(inHeaders, 'headers.__proto__');
      expectInvalidField(atTop, '__proto__');
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.prototype).not.toHaveProperty('polluted');
      expect(await countWebhooks(temp.db, ws.workspaceId)).toBe(0);
      expect(await workflowStarted(ws, 'evt_proto_top')).toBe(false);
    });

    it('keeps constructor and prototype keys as ordinary data', async () => {
      const ws = await newWorkspaceWithKey(temp.db);
      const data = '{"leadId":"lead_1","source":"api","constructor":{"prototype":{"polluted":true}},"prototype":1}';

      const res = await emitRaw(ws, 'evt_constructor', data);
      const status = await api.request<{ event: { data: unknown } }>('GET', '/v1/events/evt_constructor', {
        key: ws.key,
      });

      expect(res.status, res.text).toBe(202);
      expect(status.body.event.data).toEqual(JSON.parse(data));
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
  });

  describe('pages and cursors', () => {
    const lists = ['/v1/webhooks', '/v1/api-keys'];
    const base64url = (text: string) => Buffer.from(text).toString('base64url');

    it.each(['0', '-1', '251', '1.5', 'abc', '', '1e400', 'NaN'])(
      'refuses limit=%j with 400 on limit',
      async (limit) => {
        const ws = await newWorkspaceWithKey(temp.db);
        const { body: webhook } = await createWebhook(ws);

        for (const path of [...lists, `/v1/webhooks/${webhook.id}/deliveries`]) {
          const res = await api.request('GET', `${path}?limit=${encodeURIComponent(limit)}`, { key: ws.key });
          expectInvalidField(res, 'limit');
        }
        const twice = await api.request('GET', '/v1/webhooks?limit=1&limit=2', { key: ws.key });
        expectInvalidField(twice, 'limit');
      },
    );

    it('refuses forged, tampered, foreign-shaped, huge and non-base64 cursors with 400 at once', async () => {
      const ws = await newWorkspaceWithKey(temp.db);
      const { body: webhook } = await createWebhook(ws);
      await createWebhook(ws);
      const page = await api.request<{ nextCursor: string }>('GET', '/v1/webhooks?limit=1', { key: ws.key });
      const genuine = page.body.nextCursor;
      const [payload = '', signature = ''] = genuine.split('.');
      const forged = [
        '!!!not base64!!!',
        base64url('not json'),
        base64url('{"after":5}'),
        base64url(JSON.stringify({ after: webhook.id })),
        `${base64url(JSON.stringify({ after: '' }))}.${signature}`,
        `${payload}.${base64url('a'.repeat(16))}`,
        `${genuine}.${signature}`,
        `${payload}.`,
        'x'.repeat(3000),
      ];
      // A delivery cursor carries Temporal's page token: a made-up one must never reach Temporal.
      const forgedToken = base64url(JSON.stringify({ token: Buffer.from('garbage').toString('base64'), skip: 0 }));

      for (const cursor of forged) {
        for (const path of lists) {
          const res = await api.request('GET', `${path}?cursor=${encodeURIComponent(cursor)}`, { key: ws.key });
          expectInvalidField(res, 'cursor');
        }
      }
      const started = performance.now();
      const deliveries = await api.request('GET', `/v1/webhooks/${webhook.id}/deliveries?cursor=${forgedToken}`, {
        key: ws.key,
      });
      expectInvalidField(deliveries, 'cursor');
      expect(performance.now() - started).toBeLessThan(500);
      const next = await api.request('GET', `/v1/webhooks?limit=1&cursor=${encodeURIComponent(genuine)}`, {
        key: ws.key,
      });
      expect(next.status).toBe(200);
    });
  });

  describe('webhooks per workspace', () => {
    it(`refuses webhook number ${MAX_WEBHOOKS + 1} with 409, in that workspace only, until one is deleted`, async () => {
      const ws = await newWorkspaceWithKey(temp.db);
      const other = await newWorkspaceWithKey(temp.db);
      const ids: string[] = [];
      for (let i = 0; i < MAX_WEBHOOKS; i++) {
        const res = await createWebhook(ws);
        expect(res.status).toBe(201);
        ids.push(res.body.id);
      }

      const refused = await createWebhook(ws);
      const elsewhere = await createWebhook(other);
      await api.request('DELETE', `/v1/webhooks/${ids[0]}`, { key: ws.key });
      const afterDelete = await createWebhook(ws);

      const problem = expectProblem(refused, 409);
      expect(problem.type).toBe('urn:hookline:problem:limit-exceeded');
      expect(problem.detail).toMatch(new RegExp(`${MAX_WEBHOOKS} webhooks`));
      expect(elsewhere.status).toBe(201);
      expect(afterDelete.status).toBe(201);
      expect(await countWebhooks(temp.db, ws.workspaceId)).toBe(MAX_WEBHOOKS);
    });

    it('never lets concurrent creations overshoot the limit', async () => {
      const ws = await newWorkspaceWithKey(temp.db);

      const answers = await Promise.all(Array.from({ length: 10 }, () => createWebhook(ws)));

      expect(answers.filter((res) => res.status === 201)).toHaveLength(MAX_WEBHOOKS);
      for (const res of answers.filter((r) => r.status !== 201)) expectProblem(res, 409);
      expect(await countWebhooks(temp.db, ws.workspaceId)).toBe(MAX_WEBHOOKS);
    });
  });

  describe('requests Node refuses before the app sees them', () => {
    /** Sends raw bytes and returns the raw answer, since fetch cannot send what these tests send. */
    async function raw(request: string): Promise<string> {
      const { port, hostname } = new URL(api.url);
      return new Promise((resolve, reject) => {
        const socket = net.connect(Number(port), hostname, () => socket.end(request));
        let answer = '';
        socket.on('data', (chunk: Buffer) => (answer += chunk.toString('utf8')));
        socket.on('end', () => resolve(answer));
        socket.on('error', reject);
      });
    }

    it('answers headers over 16 KiB with 431 problem+json', async () => {
      const answer = await raw(`GET /v1/webhooks HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(20_000)}\r\n\r\n`);

      expect(answer).toMatch(/^HTTP\/1\.1 431 /);
      expect(answer).toContain(`content-type: ${PROBLEM_CONTENT_TYPE}`);
      expect(answer).toContain('"status":431');
    });

    it('answers a request line that is not HTTP with 400 problem+json', async () => {
      const answer = await raw('THIS IS NOT HTTP\r\n\r\n');

      expect(answer).toMatch(/^HTTP\/1\.1 400 /);
      expect(answer).toContain('"type":"urn:hookline:problem:malformed-request"');
    });
  });
});
