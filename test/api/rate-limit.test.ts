import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Problem } from '../../src/contract/problem';
import { createApiKey } from '../../src/db/api-keys';
import type { TempDatabase } from '../support/fixtures';
import {
  newWorkspaceWithKey,
  startTimeSkippingApiStack,
  type ApiHarness,
  type ApiResponse,
  type ApiStack,
} from './harness';

const LIMIT = 5;

let temp: TempDatabase;
let api: ApiHarness;
let stack: ApiStack | undefined;

beforeAll(async () => {
  stack = await startTimeSkippingApiStack({ settings: { HOOKLINE_RATE_LIMIT_PER_MINUTE: String(LIMIT) } });
  ({ temp, api } = stack);
});

afterAll(() => stack?.stop());

/** `r=` of the IETF `RateLimit` header (draft 8): requests left in the window. */
function remaining(res: ApiResponse): number {
  const match = /;\s*r=(\d+)/.exec(res.headers.get('ratelimit') ?? '');
  if (!match) throw new Error(`No RateLimit header in ${res.status} answer`);
  return Number(match[1]);
}

function expectRateLimited(res: ApiResponse<unknown>): void {
  expect(res.status, res.text).toBe(429);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({
    status: 429,
    type: 'urn:hookline:problem:rate-limited',
    title: 'Too Many Requests',
  });
  const retryAfter = Number(res.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(remaining(res)).toBe(0);
}

describe('rate limits', () => {
  it(`answers the key's request number ${LIMIT + 1} in a minute with 429, whatever the route, leaving other keys alone`, async () => {
    const ws = await newWorkspaceWithKey(temp.db);
    const other = await newWorkspaceWithKey(temp.db);
    const sameWorkspace = (await createApiKey(temp.db, ws.workspaceId)).key;
    const key = ws.key;

    const allowed = [
      await api.request('GET', '/v1/webhooks', { key }),
      await api.request('GET', '/v1/event-types', { key }),
      await api.request('POST', '/v1/webhooks', { key, body: { url: 'not a url', events: ['*'] } }),
      await api.request('GET', '/v1/webhooks/wh_unknown', { key }),
      await api.request('GET', '/v1/api-keys', { key }),
    ];
    const emitted = await api.request<Problem>('POST', '/v1/events', {
      key,
      body: { id: 'evt_over_the_limit', type: 'lead.created', data: { leadId: 'lead_1' } },
    });
    const listed = await api.request('GET', '/v1/webhooks', { key });
    const otherWorkspace = await api.request('GET', '/v1/webhooks', { key: other.key });
    const otherKey = await api.request('GET', '/v1/webhooks', { key: sameWorkspace });

    expect(allowed.map((res) => res.status)).toEqual([200, 200, 400, 404, 200]);
    expect(allowed.map(remaining)).toEqual([4, 3, 2, 1, 0]);
    for (const res of allowed) {
      expect(res.headers.get('ratelimit-policy')).toMatch(new RegExp(`^"${LIMIT}-in-1min"; q=${LIMIT}; w=60; pk=:`));
    }
    expectRateLimited(emitted);
    expectRateLimited(listed);
    expect(otherWorkspace.status).toBe(200);
    expect(remaining(otherWorkspace)).toBe(LIMIT - 1);
    expect(otherKey.status).toBe(200);
    // Nothing was accepted past the limit.
    const event = await api.request('GET', '/v1/events/evt_over_the_limit', { key: sameWorkspace });
    expect(event.status).toBe(404);
  });

  it('counts requests without a valid key per client address, apart from the keys', async () => {
    const ws = await newWorkspaceWithKey(temp.db);

    const anonymous = [
      await api.request('GET', '/healthz'),
      await api.request('GET', '/v1/webhooks'),
      await api.request('GET', '/v1/webhooks', { key: 'hk_not-a-key' }),
      await api.request('PUT', '/v1/webhooks'),
      await api.request('GET', '/v1/nothing-here'),
    ];
    const health = await api.request('GET', '/healthz');
    const guessing = await api.request('GET', '/v1/webhooks', { key: 'hk_another-guess' });
    const withKey = await api.request('GET', '/v1/webhooks', { key: ws.key });

    expect(anonymous.map((res) => res.status)).toEqual([200, 401, 401, 405, 404]);
    expect(anonymous.map(remaining)).toEqual([4, 3, 2, 1, 0]);
    expectRateLimited(health);
    expectRateLimited(guessing);
    expect(withKey.status).toBe(200);
  });
});
