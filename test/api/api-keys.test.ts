import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ApiKeyView, NewApiKeyView } from '../../src/api/schemas';
import type { Problem as ProblemBody } from '../../src/contract/problem';
import { createWorkspaceKey } from '../../src/db/api-keys';
import { startTimeSkippingServer } from '../../src/temporal-server/servers';
import { STORES, testEncryption, uniqueName, type TempDatabase } from '../support/fixtures';
import { newWorkspaceWithKey, startApiStack, type ApiHarness, type ApiStack, type TestWorkspace } from './harness';

describe.each(STORES)('the API keys API on %s', (store) => {
  let temp: TempDatabase;
  let api: ApiHarness;
  let stack: ApiStack | undefined;

  beforeAll(async () => {
    const env: TestWorkflowEnvironment = await startTimeSkippingServer({
      executable: inject('testServerExecutable'),
      dataConverter: testEncryption.dataConverter,
    });
    stack = await startApiStack(env, { store });
    ({ temp, api } = stack);
  });

  afterAll(() => stack?.stop());

  function expectProblem(res: { status: number; headers: Headers; body: unknown }, status: number): ProblemBody {
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const body = res.body as ProblemBody;
    expect(body).toMatchObject({ type: expect.stringMatching(/^urn:hookline:problem:/), status });
    return body;
  }

  /** A key of its own workspace, with the given scope, made as the CLI makes them. */
  async function workspaceKey(scope: 'emit' | 'manage'): Promise<TestWorkspace & { keyId: string }> {
    const { workspace, apiKey, apiKeyRecord } = await createWorkspaceKey(temp.db, uniqueName('workspace'), { scope });
    return { workspaceId: workspace.id, key: apiKey, keyId: apiKeyRecord.id };
  }

  function keysOf(workspaceId: string) {
    return temp.db.query((q, { apiKeys }) => q.select().from(apiKeys).where(eq(apiKeys.workspaceId, workspaceId)));
  }

  async function keyRow(id: string) {
    const [row] = await temp.db.query((q, { apiKeys }) => q.select().from(apiKeys).where(eq(apiKeys.id, id)));
    return row;
  }

  function setKey(id: string, values: { expiresAt?: string; lastUsedAt?: string }) {
    return temp.db.query((q, { apiKeys }) => q.update(apiKeys).set(values).where(eq(apiKeys.id, id)).returning());
  }

  async function createKey(ws: TestWorkspace, body: Record<string, unknown>): Promise<NewApiKeyView> {
    const res = await api.request<NewApiKeyView>('POST', '/v1/api-keys', { key: ws.key, body });
    expect(res.status).toBe(201);
    return res.body;
  }

  const leadCreated = { type: 'lead.created', data: { leadId: 'lead_1', source: 'api', firstName: 'Dana' } };

  describe('scopes', () => {
    it('lets an emit key emit events and read the event types, and answers 403 to everything else', async () => {
      const manager = await workspaceKey('manage');
      const emitter = await createKey(manager, { name: 'billing service', scope: 'emit' });
      const key = emitter.key;

      const emitted = await api.request('POST', '/v1/events', { key, body: leadCreated });
      const catalogue = await api.request('GET', '/v1/event-types', { key });
      const listWebhooks = await api.request('GET', '/v1/webhooks', { key });
      const createWebhook = await api.request('POST', '/v1/webhooks', {
        key,
        body: { url: 'https://example.com/hooks', events: ['*'] },
      });
      const createKeyAnswer = await api.request('POST', '/v1/api-keys', { key, body: { scope: 'manage' } });
      const listKeys = await api.request('GET', '/v1/api-keys', { key });

      expect(emitted.status).toBe(202);
      expect(catalogue.status).toBe(200);
      for (const refused of [listWebhooks, createWebhook, createKeyAnswer, listKeys]) {
        const problem = expectProblem(refused, 403);
        expect(problem.type).toBe('urn:hookline:problem:forbidden');
        expect(problem.detail).toMatch(/`manage` scope/);
      }
      expect(
        await temp.db.query((q, { webhooks }) =>
          q.select().from(webhooks).where(eq(webhooks.workspaceId, manager.workspaceId)),
        ),
      ).toEqual([]);
      expect((await keysOf(manager.workspaceId)).map((k) => k.scope).sort()).toEqual(['emit', 'manage']);
    });

    it('refuses an emit key before it looks at the body, so an invalid body still answers 403', async () => {
      const emitter = await workspaceKey('emit');

      const res = await api.request('POST', '/v1/webhooks', { key: emitter.key, body: { url: 'not a url' } });

      expectProblem(res, 403);
    });

    it('names the scope of every authenticated operation in the OpenAPI document, with 403 where it can answer it', async () => {
      const res = await api.request<{ paths: Record<string, Record<string, Record<string, unknown>>> }>(
        'GET',
        '/openapi.json',
      );
      const operation = (path: string, method: string) => res.body.paths[path]?.[method] ?? {};
      const responses = (path: string, method: string) => Object.keys(operation(path, method).responses as object);

      expect(operation('/v1/events', 'post')['x-required-scope']).toBe('emit');
      expect(operation('/v1/event-types', 'get')['x-required-scope']).toBe('emit');
      expect(responses('/v1/events', 'post')).not.toContain('403');
      for (const [path, method] of [
        ['/v1/webhooks', 'get'],
        ['/v1/events/{id}', 'get'],
        ['/v1/api-keys', 'post'],
        ['/v1/api-keys/{id}', 'delete'],
      ] as const) {
        expect(operation(path, method)['x-required-scope']).toBe('manage');
        expect(operation(path, method).description).toMatch(/`manage` scope/);
        expect(responses(path, method)).toContain('403');
      }
      expect(operation('/healthz', 'get')).not.toHaveProperty('x-required-scope');
    });
  });

  describe('POST /v1/api-keys', () => {
    it('creates a key that works at once; the key is in this answer and nowhere else', async () => {
      const manager = await workspaceKey('manage');
      const before = Date.now();

      const created = await createKey(manager, { name: 'crm sync', scope: 'emit', expiresInSeconds: 3600 });

      expect(created).toEqual({
        id: expect.stringMatching(/^key_/),
        key: expect.stringMatching(/^hk_/),
        name: 'crm sync',
        prefix: created.key.slice(0, 9),
        scope: 'emit',
        status: 'active',
        createdAt: expect.any(String),
        expiresAt: expect.any(String),
        revokedAt: null,
        lastUsedAt: null,
      });
      const expiresInMs = Date.parse(created.expiresAt!) - before;
      expect(expiresInMs).toBeGreaterThanOrEqual(3600_000);
      expect(expiresInMs).toBeLessThan(3610_000);
      const emitted = await api.request('POST', '/v1/events', { key: created.key, body: leadCreated });
      expect(emitted.status).toBe(202);
      expect(JSON.stringify(await keyRow(created.id))).not.toContain(created.key);
    });

    it('stores an expiry given with an offset in UTC', async () => {
      const manager = await workspaceKey('manage');

      const created = await createKey(manager, { scope: 'manage', expiresAt: '2099-06-01T12:00:00+02:00' });

      expect(created.expiresAt).toBe('2099-06-01T10:00:00.000Z');
    });

    it.each([
      ['an unknown scope', { scope: 'admin' }, 'scope'],
      ['no scope', { name: 'nameless' }, 'scope'],
      ['an expiry in the past', { scope: 'emit', expiresAt: '2020-01-01T00:00:00Z' }, 'expiresAt'],
      ['an expiry that is not a date-time', { scope: 'emit', expiresAt: 'next tuesday' }, 'expiresAt'],
      ['a date without a time', { scope: 'emit', expiresAt: '2099-01-01' }, 'expiresAt'],
      ['a lifetime of zero seconds', { scope: 'emit', expiresInSeconds: 0 }, 'expiresInSeconds'],
      [
        'both an expiry and a lifetime',
        { scope: 'emit', expiresAt: '2099-01-01T00:00:00Z', expiresInSeconds: 60 },
        'expiresInSeconds',
      ],
      ['an unknown field', { scope: 'emit', workspaceId: 'ws_someone_else' }, 'body'],
    ])('rejects %s with 400 naming the field, and creates nothing', async (_case, body, field) => {
      const manager = await workspaceKey('manage');

      const res = await api.request('POST', '/v1/api-keys', { key: manager.key, body });

      const problem = expectProblem(res, 400);
      expect(problem.type).toBe('urn:hookline:problem:validation-error');
      expect(problem.errors?.map((e) => e.field)).toContain(field);
      expect(await keysOf(manager.workspaceId)).toHaveLength(1);
    });
  });

  describe('GET and DELETE /v1/api-keys', () => {
    it('lists, revokes and refuses a revoked key at its very next request', async () => {
      const manager = await workspaceKey('manage');
      const emitter = await createKey(manager, { name: 'billing', scope: 'emit' });
      await createKey(await workspaceKey('manage'), { scope: 'emit' });

      const listed = await api.request<{ data: ApiKeyView[]; nextCursor: string | null }>('GET', '/v1/api-keys', {
        key: manager.key,
      });
      const before = await api.request('POST', '/v1/events', { key: emitter.key, body: leadCreated });
      const revoked = await api.request('DELETE', `/v1/api-keys/${emitter.id}`, { key: manager.key });
      const after = await api.request('POST', '/v1/events', { key: emitter.key, body: leadCreated });
      const revokedAgain = await api.request('DELETE', `/v1/api-keys/${emitter.id}`, { key: manager.key });
      const relisted = await api.request<{ data: ApiKeyView[] }>('GET', '/v1/api-keys', { key: manager.key });

      expect(listed.status).toBe(200);
      expect(listed.body.nextCursor).toBeNull();
      expect(listed.body.data.map((k) => [k.id, k.scope, k.status])).toEqual([
        [manager.keyId, 'manage', 'active'],
        [emitter.id, 'emit', 'active'],
      ]);
      const text = listed.text;
      expect(text).not.toContain(emitter.key);
      expect(text).not.toContain(manager.key);
      expect(text).not.toContain((await keyRow(emitter.id))!.keyHash);
      for (const item of listed.body.data) {
        expect(Object.keys(item).sort()).toEqual(
          ['createdAt', 'expiresAt', 'id', 'lastUsedAt', 'name', 'prefix', 'revokedAt', 'scope', 'status'].sort(),
        );
      }
      expect(before.status).toBe(202);
      expect(revoked.status).toBe(204);
      expect(revoked.text).toBe('');
      const problem = expectProblem(after, 401);
      expect(problem.type).toBe('urn:hookline:problem:unauthorized');
      expect(problem.detail).toBe('The API key has been revoked');
      expect(revokedAgain.status).toBe(204);
      const revokedItem = relisted.body.data.find((k) => k.id === emitter.id);
      expect(revokedItem).toMatchObject({ status: 'revoked', revokedAt: (await keyRow(emitter.id))!.revokedAt });
    });

    it('lets a key revoke itself, and refuses it from the next request on', async () => {
      const manager = await workspaceKey('manage');

      const revoked = await api.request('DELETE', `/v1/api-keys/${manager.keyId}`, { key: manager.key });
      const next = await api.request('GET', '/v1/api-keys', { key: manager.key });

      expect(revoked.status).toBe(204);
      expect(expectProblem(next, 401).detail).toBe('The API key has been revoked');
    });

    it("answers 404 for another workspace's key and leaves that key working", async () => {
      const owner = await workspaceKey('emit');
      const intruder = await workspaceKey('manage');

      const res = await api.request('DELETE', `/v1/api-keys/${owner.keyId}`, { key: intruder.key });
      const list = await api.request<{ data: ApiKeyView[] }>('GET', '/v1/api-keys', { key: intruder.key });
      const stillWorks = await api.request('GET', '/v1/event-types', { key: owner.key });

      expectProblem(res, 404);
      expect(list.body.data.map((k) => k.id)).toEqual([intruder.keyId]);
      expect((await keyRow(owner.keyId))?.revokedAt).toBeNull();
      expect(stillWorks.status).toBe(200);
    });

    it('walks every page of the list once', async () => {
      const manager = await workspaceKey('manage');
      const ids = [manager.keyId];
      for (let i = 0; i < 4; i++) ids.push((await createKey(manager, { scope: 'emit', name: `key ${i}` })).id);

      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const query: string = cursor ? `?limit=2&cursor=${encodeURIComponent(cursor)}` : '?limit=2';
        const res = await api.request<{ data: ApiKeyView[]; nextCursor: string | null }>(
          'GET',
          `/v1/api-keys${query}`,
          {
            key: manager.key,
          },
        );
        expect(res.status).toBe(200);
        seen.push(...res.body.data.map((k) => k.id));
        cursor = res.body.nextCursor;
      } while (cursor);

      expect(seen).toEqual([...ids].sort());
    });
  });

  describe('authentication with a key', () => {
    it('answers 401 saying the key has expired, from its expiry on, and nothing more', async () => {
      const ws = await workspaceKey('manage');
      const inAnHour = new Date(Date.now() + 3600_000).toISOString();
      await setKey(ws.keyId, { expiresAt: inAnHour });
      const beforeExpiry = await api.request('GET', '/v1/webhooks', { key: ws.key });

      const justNow = new Date(Date.now() - 1).toISOString();
      await setKey(ws.keyId, { expiresAt: justNow });
      const expired = await api.request('GET', '/v1/webhooks', { key: ws.key });
      const emitting = await api.request('POST', '/v1/events', { key: ws.key, body: leadCreated });

      expect(beforeExpiry.status).toBe(200);
      const problem = expectProblem(expired, 401);
      expect(problem.detail).toBe('The API key has expired');
      expect(expired.text).not.toContain(ws.workspaceId);
      expect(expired.text).not.toContain(ws.keyId);
      expect(expired.text).not.toContain(justNow);
      expect(expectProblem(emitting, 401).detail).toBe('The API key has expired');
    });

    it('records when a key was last used, and does not write it again within the minute', async () => {
      const ws = await newWorkspaceWithKey(temp.db);
      const [key] = await keysOf(ws.workspaceId);
      expect(key?.lastUsedAt).toBeNull();
      const before = new Date().toISOString();

      await api.request('GET', '/v1/webhooks', { key: ws.key });
      const first = (await keyRow(key!.id))?.lastUsedAt;
      await api.request('GET', '/v1/webhooks', { key: ws.key });
      const list = await api.request<{ data: ApiKeyView[] }>('GET', '/v1/api-keys', { key: ws.key });

      expect(first).not.toBeNull();
      expect(first! >= before).toBe(true);
      expect(first! <= new Date().toISOString()).toBe(true);
      expect((await keyRow(key!.id))?.lastUsedAt).toBe(first);
      expect(list.body.data[0]?.lastUsedAt).toBe(first);
    });

    it('writes the last use again once the recorded one is a minute old', async () => {
      const ws = await newWorkspaceWithKey(temp.db);
      const [key] = await keysOf(ws.workspaceId);
      const aMinuteAgo = new Date(Date.now() - 60_000).toISOString();
      await setKey(key!.id, { lastUsedAt: aMinuteAgo });

      await api.request('GET', '/v1/webhooks', { key: ws.key });

      expect((await keyRow(key!.id))!.lastUsedAt! > aMinuteAgo).toBe(true);
    });
  });
});
