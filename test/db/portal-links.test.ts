import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/db/api-keys';
import {
  consumePortalLink,
  createPortalLink,
  deleteExpiredPortalLinks,
  findPortalLink,
} from '../../src/db/portal-links';
import { newWorkspaceId, openTempDatabase, STORES, type TempDatabase } from '../support/fixtures';

const MINUTE = 60_000;

describe.each(STORES)('portal links on %s', (store) => {
  let temp: TempDatabase;

  beforeAll(async () => {
    temp = await openTempDatabase(store);
  });

  afterAll(() => temp?.close());

  async function newLink(expiresAt: Date) {
    const workspaceId = await newWorkspaceId(temp.db);
    const { apiKey } = await createApiKey(temp.db, workspaceId);
    return createPortalLink(temp.db, { workspaceId, apiKeyId: apiKey.id, expiresAt });
  }

  it('keeps only a hash of the token, and finds the link by the token', async () => {
    const expiresAt = new Date('2031-01-01T00:00:00.000Z');
    const { link, token } = await newLink(expiresAt);

    expect(token).toMatch(/^pl_/);
    expect(JSON.stringify(link)).not.toContain(token);
    expect(link).toMatchObject({ expiresAt: expiresAt.toISOString(), usedAt: null });
    expect(await findPortalLink(temp.db, token)).toEqual(link);
    expect(await findPortalLink(temp.db, `${token}x`)).toBeUndefined();
  });

  it('is spent by its first use: of requests at once with one token, one wins', async () => {
    const { token } = await newLink(new Date(Date.now() + 10 * MINUTE));
    const now = new Date();

    const uses = await Promise.all([0, 1, 2, 3].map(() => consumePortalLink(temp.db, token, now)));

    expect(uses.filter((use) => use !== undefined)).toHaveLength(1);
    expect((await findPortalLink(temp.db, token))?.usedAt).toBe(now.toISOString());
  });

  it('is refused from its expiry on, and forgotten once expired before the given time', async () => {
    const now = new Date();
    const expired = await newLink(new Date(now.getTime() - MINUTE));
    const live = await newLink(new Date(now.getTime() + MINUTE));

    expect(await consumePortalLink(temp.db, expired.token, now)).toBeUndefined();
    expect(await deleteExpiredPortalLinks(temp.db, now)).toBeGreaterThanOrEqual(1);
    expect(await findPortalLink(temp.db, expired.token)).toBeUndefined();
    expect(await findPortalLink(temp.db, live.token)).toBeDefined();
  });
});
