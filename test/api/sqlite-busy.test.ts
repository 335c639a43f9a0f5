import { monitorEventLoopDelay } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Problem } from '../../src/contract/problem';
import { countWebhooks } from '../../src/db/webhooks';
import type { TempDatabase } from '../support/fixtures';
import { newWorkspaceWithKey, startTimeSkippingApiStack, type ApiHarness, type ApiStack } from './harness';

let temp: TempDatabase;
let api: ApiHarness;
let stack: ApiStack | undefined;

beforeAll(async () => {
  stack = await startTimeSkippingApiStack();
  ({ temp, api } = stack);
});

afterAll(() => stack?.stop());

/** Another process's connection to the same file, holding its write lock until released. */
function holdWriteLock(file: string): { release(): void } {
  const other = new Database(file);
  other.exec('BEGIN IMMEDIATE');
  return {
    release() {
      other.exec('ROLLBACK');
      other.close();
    },
  };
}

describe('when another connection holds the write lock', () => {
  it('answers writes with 503 and Retry-After within a fraction of a second, changing nothing', async () => {
    const ws = await newWorkspaceWithKey(temp.db);
    const webhook = await api.request<{ id: string }>('POST', '/v1/webhooks', {
      key: ws.key,
      body: { url: 'https://example.com/hooks', events: ['*'] },
    });
    const before = await api.request('GET', `/v1/webhooks/${webhook.body.id}`, { key: ws.key });
    const writes: [string, string, unknown][] = [
      ['POST', '/v1/webhooks', { url: 'https://example.com/other', events: ['*'] }],
      ['PATCH', `/v1/webhooks/${webhook.body.id}`, { description: 'changed' }],
      ['POST', `/v1/webhooks/${webhook.body.id}/rotate-secret`, {}],
      ['DELETE', `/v1/webhooks/${webhook.body.id}`, undefined],
      ['POST', '/v1/api-keys', { scope: 'emit' }],
    ];
    const delay = monitorEventLoopDelay({ resolution: 10 });

    const lock = holdWriteLock(temp.file);
    delay.enable();
    const answers = [];
    try {
      for (const [method, path, body] of writes) {
        const started = performance.now();
        const res = await api.request<Problem>(method, path, { key: ws.key, body });
        answers.push({ res, ms: performance.now() - started });
      }
    } finally {
      delay.disable();
      lock.release();
    }

    for (const { res, ms } of answers) {
      expect(res.status, res.text).toBe(503);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(res.body).toMatchObject({ status: 503, type: 'urn:hookline:problem:database-busy' });
      expect(ms).toBeLessThan(1_500);
    }
    // Each refused write stalls the process for the busy timeout, 250 ms, and no longer.
    expect(delay.max / 1e6).toBeLessThan(1_000);
    expect(await countWebhooks(temp.db, ws.workspaceId)).toBe(1);
    expect((await api.request('GET', `/v1/webhooks/${webhook.body.id}`, { key: ws.key })).body).toEqual(before.body);
    const retried = await api.request('POST', '/v1/webhooks', { key: ws.key, body: writes[0]![2] });
    expect(retried.status).toBe(201);
  });

  it('keeps serving reads and other requests meanwhile', async () => {
    const ws = await newWorkspaceWithKey(temp.db);
    // The key's first use is a write (its last use is recorded); make it before the lock is taken.
    await api.request('GET', '/v1/webhooks', { key: ws.key });
    let ticks = 0;
    const timer = setInterval(() => ticks++, 20);

    const lock = holdWriteLock(temp.file);
    const started = performance.now();
    try {
      const [refused, list, health] = await Promise.all([
        api.request('POST', '/v1/webhooks', {
          key: ws.key,
          body: { url: 'https://example.com/hooks', events: ['*'] },
        }),
        api.request('GET', '/v1/webhooks', { key: ws.key }),
        api.request('GET', '/healthz'),
      ]);
      await new Promise((resolve) => setTimeout(resolve, 500));

      expect(refused.status).toBe(503);
      expect(list.status).toBe(200);
      expect(health.status).toBe(200);
    } finally {
      clearInterval(timer);
      lock.release();
    }
    // A timer every 20 ms kept firing: the 250 ms of waiting cost it a dozen ticks at most.
    const elapsed = performance.now() - started;
    expect(ticks).toBeGreaterThan(elapsed / 20 - 20);
  });
});
