/**
 * Who may use the settings page and how: sessions from an API key or a one-time portal link, CSRF
 * tokens, the Content-Security-Policy, workspace isolation, and what ends a session. Real API processes
 * on a time-skipping server; the browser parts in real Chromium.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app';
import { startApiServer, type ApiServer } from '../../src/api/server';
import { CONTENT_SECURITY_POLICY } from '../../src/api/ui/router';
import { createSessionSealer } from '../../src/api/ui/session-token';
import { CSRF_HEADER, SESSION_COOKIE } from '../../src/api/ui/sessions';
import { createPortalLink } from '../../src/db/portal-links';
import { createKeyring, generateKey } from '../../src/security/keyring';
import {
  newWorkspaceWithKey,
  plainClient,
  startApi,
  startTimeSkippingApiStack,
  type ApiHarness,
  type ApiStack,
  type TestWorkspace,
} from '../api/harness';
import { testConfig, testEncryption, testGuard } from '../support/fixtures';
import { buildPage, expectWellBehaved, launchBrowser, openContext } from './browser';

let stack: ApiStack | undefined;
let browser: Browser | undefined;
const closers: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  const [, started, launched] = await Promise.all([buildPage(), startTimeSkippingApiStack(), launchBrowser()]);
  stack = started;
  browser = launched;
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop(closers);
});

const api = (): ApiHarness => {
  if (!stack) throw new Error('The API stack did not start');
  return stack.api;
};

interface Session {
  cookie: string;
  csrf: string;
  setCookie: string;
}

async function signIn(key: string, on: ApiHarness = api(), cookieName = SESSION_COOKIE): Promise<Session> {
  const res = await fetch(`${on.url}/ui/session`, { method: 'POST', headers: { authorization: `Bearer ${key}` } });
  expect(res.status, await res.clone().text()).toBe(201);
  const body = (await res.json()) as { csrfToken: string };
  const setCookie = res.headers.getSetCookie().find((c) => c.startsWith(`${cookieName}=`)) ?? '';
  return { cookie: setCookie.split(';')[0] ?? '', csrf: body.csrfToken, setCookie };
}

/** A request the way the page makes it: the cookie, and the CSRF token where given. */
async function asPage(
  session: Pick<Session, 'cookie'> & { csrf?: string },
  method: string,
  route: string,
  options: { body?: unknown; headers?: Record<string, string>; on?: ApiHarness } = {},
) {
  const headers: Record<string, string> = { cookie: session.cookie, ...options.headers };
  if (session.csrf) headers[CSRF_HEADER] = session.csrf;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${(options.on ?? api()).url}${route}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: text ? (JSON.parse(text) as unknown) : undefined };
}

async function webhookOf(ws: TestWorkspace): Promise<string> {
  const res = await api().request<{ id: string }>('POST', '/v1/webhooks', {
    key: ws.key,
    body: { url: 'http://127.0.0.1:9/hooks', events: ['lead.created'] },
  });
  expect(res.status).toBe(201);
  return res.body.id;
}

async function portalLink(ws: TestWorkspace, body: Record<string, unknown> = {}) {
  const res = await api().request<{ url: string; expiresAt: string }>('POST', '/v1/portal-sessions', {
    key: ws.key,
    body,
  });
  expect(res.status, res.text).toBe(201);
  return res.body;
}

describe('the settings page', () => {
  it('is served with a strict Content-Security-Policy that allows nothing from elsewhere and no framing', async () => {
    const page = await fetch(`${api().url}/ui/`);
    const html = await page.text();
    const script = /src="(\/ui\/assets\/app-[^"]+\.js)"/.exec(html)?.[1];
    const asset = await fetch(`${api().url}${script}`);

    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toMatch(/default-src 'self'/);
    expect(CONTENT_SECURITY_POLICY).toMatch(/frame-ancestors 'none'/);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(html).not.toMatch(/<script>|<style|style=|https?:\/\//);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toMatch(/immutable/);
  });

  it('answers a clear error instead of a page when the page has not been built', async () => {
    const { server, stop } = await separateApp({ bundleDir: fs.mkdtempSync(path.join(os.tmpdir(), 'hookline-ui-')) });
    try {
      const res = await fetch(`${server.url}/ui/`);
      const problem = (await res.json()) as { detail: string };
      expect(res.status).toBe(503);
      expect(problem.detail).toMatch(/npm run build:ui/);
    } finally {
      await stop();
    }
  });
});

describe('sessions', () => {
  it('are HttpOnly, SameSite=Strict cookies that an emit key cannot get', async () => {
    const ws = await newWorkspaceWithKey(stack!.temp.db);
    const emitKey = await api().request<{ key: string }>('POST', '/v1/api-keys', {
      key: ws.key,
      body: { scope: 'emit' },
    });

    const session = await signIn(ws.key);
    const refused = await fetch(`${api().url}/ui/session`, {
      method: 'POST',
      headers: { authorization: `Bearer ${emitKey.body.key}` },
    });

    expect(session.setCookie).toMatch(/; HttpOnly/);
    expect(session.setCookie).toMatch(/; SameSite=Strict/);
    expect(session.setCookie).toMatch(/; Path=\//);
    expect(session.setCookie).not.toMatch(/; Secure/); // plain HTTP, with no public https:// address
    expect(refused.status).toBe(403);
    expect(refused.headers.getSetCookie()).toEqual([]);

    const { server, stop } = await separateApp({ publicUrl: 'https://hooks.example.com' });
    try {
      const overHttps = await signIn(ws.key, { url: server.url } as ApiHarness, `__Host-${SESSION_COOKIE}`);
      expect(overHttps.setCookie).toMatch(/; Secure/);
      expect(overHttps.setCookie).toMatch(/; HttpOnly/);
    } finally {
      await stop();
    }
  });

  it('refuse every change without the CSRF token, and requests from other sites even with it', async () => {
    const ws = await newWorkspaceWithKey(stack!.temp.db);
    const session = await signIn(ws.key);
    const body = { url: 'http://127.0.0.1:9/hooks', events: ['lead.created'] };

    const read = await asPage({ cookie: session.cookie }, 'GET', '/v1/webhooks');
    const withoutToken = await asPage({ cookie: session.cookie }, 'POST', '/v1/webhooks', { body });
    const wrongToken = await asPage(
      { cookie: session.cookie, csrf: `${session.csrf.slice(1)}x` },
      'POST',
      '/v1/webhooks',
      {
        body,
      },
    );
    const crossSite = await asPage(session, 'POST', '/v1/webhooks', {
      body,
      headers: { 'sec-fetch-site': 'cross-site' },
    });
    const created = await asPage(session, 'POST', '/v1/webhooks', { body });
    const id = (created.body as { id: string }).id;
    const deleteWithoutToken = await asPage({ cookie: session.cookie }, 'DELETE', `/v1/webhooks/${id}`);

    expect(read.status).toBe(200);
    expect(withoutToken.status).toBe(403);
    expect(withoutToken.text).toMatch(/CSRF token/);
    expect(wrongToken.status).toBe(403);
    expect(crossSite.status).toBe(403);
    expect(created.status).toBe(201);
    expect(deleteWithoutToken.status).toBe(403);
    const list = await api().request<{ data: unknown[] }>('GET', '/v1/webhooks', { key: ws.key });
    expect(list.body.data).toHaveLength(1);
  });

  it('refuse a form posted by another site in the browser that is signed in', async () => {
    const ws = await newWorkspaceWithKey(stack!.temp.db);
    const { context, page } = await openContext(browser!, api().url);
    await page.goto(`${api().url}/ui/`);
    await page.getByLabel('API key').fill(ws.key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('No webhooks yet').waitFor();

    const target = `${api().url}/v1/webhooks`;
    const attacker = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      // A classic CSRF: a JSON body smuggled through a text/plain form, submitted on load.
      res.end(`<form method="post" action="${target}" enctype="text/plain">
        <input name='{"url":"http://127.0.0.1:9/evil","events":["*"],"x":"' value='"}'></form>
        <script>document.forms[0].submit()</script>`);
    });
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    closers.push({ close: () => new Promise<void>((resolve) => attacker.close(() => resolve())) });
    // `localhost` and `127.0.0.1` are different sites to the browser.
    const attackerUrl = `http://localhost:${(attacker.address() as AddressInfo).port}/`;
    const [answer] = await Promise.all([
      page.waitForResponse((res) => res.url() === target && res.request().method() === 'POST'),
      page.goto(attackerUrl),
    ]);

    expect([401, 403, 415]).toContain(answer.status());
    const list = await api().request<{ data: unknown[] }>('GET', '/v1/webhooks', { key: ws.key });
    expect(list.body.data).toEqual([]);
    await context.close();
  });

  it("of one workspace cannot read or change another workspace's webhooks", async () => {
    const a = await newWorkspaceWithKey(stack!.temp.db);
    const b = await newWorkspaceWithKey(stack!.temp.db);
    const own = await webhookOf(a);
    const foreign = await webhookOf(b);
    const session = await signIn(a.key);

    const list = await asPage(session, 'GET', '/v1/webhooks');
    const read = await asPage(session, 'GET', `/v1/webhooks/${foreign}`);
    const secret = await asPage(session, 'GET', `/v1/webhooks/${foreign}/secret`);
    const change = await asPage(session, 'PATCH', `/v1/webhooks/${foreign}`, { body: { enabled: false } });
    const remove = await asPage(session, 'DELETE', `/v1/webhooks/${foreign}`);

    expect((list.body as { data: { id: string }[] }).data.map((w) => w.id)).toEqual([own]);
    expect([read.status, secret.status, change.status, remove.status]).toEqual([404, 404, 404, 404]);
    const still = await api().request<{ enabled: boolean }>('GET', `/v1/webhooks/${foreign}`, { key: b.key });
    expect(still.body.enabled).toBe(true);
  });

  it('reach webhooks, deliveries and events, never API keys, portal links or emitting', async () => {
    const ws = await newWorkspaceWithKey(stack!.temp.db);
    const session = await signIn(ws.key);

    const keys = await asPage(session, 'GET', '/v1/api-keys');
    const newKey = await asPage(session, 'POST', '/v1/api-keys', { body: { scope: 'manage' } });
    const emit = await asPage(session, 'POST', '/v1/events', {
      body: { type: 'lead.created', data: { leadId: 'lead_1' } },
    });
    const link = await asPage(session, 'POST', '/v1/portal-sessions', { body: {} });
    const types = await asPage(session, 'GET', '/v1/event-types');

    expect([keys.status, newKey.status, emit.status, link.status]).toEqual([403, 403, 403, 403]);
    expect(types.status).toBe(200);
  });

  it('end when their key is revoked, portal sessions of that key included', async () => {
    const ws = await newWorkspaceWithKey(stack!.temp.db);
    const other = await api().request<{ key: string; id: string }>('POST', '/v1/api-keys', {
      key: ws.key,
      body: { scope: 'manage', name: 'to revoke' },
    });
    const session = await signIn(other.body.key);
    const { url } = await portalLinkAs(other.body.key);
    const portal = await exchange(url);
    expect(portal.status).toBe(201);
    expect((await asPage(session, 'GET', '/v1/webhooks')).status).toBe(200);

    const revoked = await api().request('DELETE', `/v1/api-keys/${other.body.id}`, { key: ws.key });
    expect(revoked.status).toBe(204);

    const afterwards = await asPage(session, 'GET', '/v1/webhooks');
    const portalAfterwards = await asPage({ cookie: portal.cookie }, 'GET', '/v1/webhooks');
    const sessionView = await asPage(session, 'GET', '/ui/session');
    expect(afterwards.status).toBe(401);
    expect(afterwards.text).toMatch(/revoked/);
    expect(portalAfterwards.status).toBe(401);
    expect(sessionView.status).toBe(401);
    expect(sessionView.headers.getSetCookie().join()).toMatch(
      new RegExp(`${SESSION_COOKIE}=;.*Expires=Thu, 01 Jan 1970`),
    );
  });

  it('are refused when the cookie was altered or signed with another keyring', async () => {
    const ws = await newWorkspaceWithKey(stack!.temp.db);
    const session = await signIn(ws.key);
    const value = session.cookie.slice(SESSION_COOKIE.length + 1);
    const [format, keyId, claims, mac] = value.split('.');
    const forged = JSON.parse(Buffer.from(claims!, 'base64url').toString()) as Record<string, unknown>;
    const otherWorkspace = await newWorkspaceWithKey(stack!.temp.db);
    forged.workspaceId = otherWorkspace.workspaceId;
    const altered = `${format}.${keyId}.${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${mac}`;
    const otherKeyring = createSessionSealer(createKeyring([[keyId!, generateKey()]]));
    const foreign = otherKeyring.seal({
      workspaceId: ws.workspaceId,
      apiKeyId: 'key_whatever',
      csrfToken: 'x'.repeat(32),
      expiresAt: Date.now() + 60_000,
      origin: 'api-key',
    });

    for (const cookie of [altered, foreign, `${value}x`, 'garbage']) {
      const res = await asPage({ cookie: `${SESSION_COOKIE}=${cookie}` }, 'GET', '/v1/webhooks');
      expect(res.status, cookie).toBe(401);
    }
  });

  it('work on every API process that shares the keyring, as behind a load balancer', async () => {
    const ws = await newWorkspaceWithKey(stack!.temp.db);
    const session = await signIn(ws.key);
    const second = await startApi({
      db: stack!.temp.db,
      client: plainClient(stack!.env),
      taskQueue: stack!.worker.taskQueue,
    });
    closers.push(second);

    const res = await asPage(session, 'POST', '/v1/webhooks', {
      body: { url: 'http://127.0.0.1:9/hooks', events: ['*'] },
      on: second,
    });
    expect(res.status).toBe(201);
  });

  it("expire, end with their key's expiry, and sign out clears the cookie", async () => {
    const ws = await newWorkspaceWithKey(stack!.temp.db);
    const shortKey = await api().request<{ key: string }>('POST', '/v1/api-keys', {
      key: ws.key,
      body: { scope: 'manage', expiresInSeconds: 1 },
    });
    const { server, stop } = await separateApp({ sessionTtlSeconds: 1 });
    const on = { url: server.url } as ApiHarness;
    try {
      const short = await signIn(ws.key, on);
      const ofShortKey = await signIn(shortKey.body.key);
      expect((await asPage(short, 'GET', '/v1/event-types', { on })).status).toBe(200);
      expect((await asPage(ofShortKey, 'GET', '/v1/event-types')).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      const expired = await asPage(short, 'GET', '/v1/event-types', { on });
      const keyExpired = await asPage(ofShortKey, 'GET', '/v1/event-types');
      expect(expired.status).toBe(401);
      expect(expired.text).toMatch(/The session has expired/);
      expect(keyExpired.status).toBe(401);
      expect(keyExpired.text).toMatch(/The API key behind this session has expired/);
    } finally {
      await stop();
    }

    const session = await signIn(ws.key);
    const withoutToken = await asPage({ cookie: session.cookie }, 'DELETE', '/ui/session');
    const signedOut = await asPage(session, 'DELETE', '/ui/session');
    expect(withoutToken.status).toBe(403);
    expect(signedOut.status).toBe(204);
    expect(signedOut.headers.getSetCookie().join()).toMatch(new RegExp(`${SESSION_COOKIE}=;`));
  });
});

describe('portal links', () => {
  it('open the page for their workspace once; opening one again is refused', async () => {
    const ws = await newWorkspaceWithKey(stack!.temp.db);
    await webhookOf(ws);
    const link = await portalLink(ws);
    expect(link.url).toMatch(new RegExp(`^${api().url}/ui/#portal=pl_`));
    expect(Date.parse(link.expiresAt) - Date.now()).toBeGreaterThan(9 * 60_000);
    expect(Date.parse(link.expiresAt) - Date.now()).toBeLessThanOrEqual(10 * 60_000);

    const first = await openContext(browser!, api().url);
    await first.page.goto(link.url);
    await first.page.getByRole('heading', { level: 1, name: 'Webhooks' }).waitFor();
    await first.page.locator('.card').first().waitFor();
    expect(await first.page.locator('.workspace').innerText()).not.toBe('');
    expect(new URL(first.page.url()).hash).toBe('#/');
    expectWellBehaved(first.watch);
    await first.context.close();

    const second = await openContext(browser!, api().url);
    const [answer] = await Promise.all([
      second.page.waitForResponse((res) => res.url().endsWith('/ui/portal-session')),
      second.page.goto(link.url),
    ]);
    expect(answer.status()).toBe(410);
    await second.page.getByText('This link has already been used').waitFor();
    await second.page.getByLabel('API key').waitFor();
    await second.context.close();
  });

  it('are refused once expired, and cannot be asked for longer than the server allows', async () => {
    const ws = await newWorkspaceWithKey(stack!.temp.db);
    const keys = await api().request<{ data: { id: string }[] }>('GET', '/v1/api-keys', { key: ws.key });
    const { token } = await createPortalLink(stack!.temp.db, {
      workspaceId: ws.workspaceId,
      apiKeyId: keys.body.data[0]!.id,
      expiresAt: new Date(Date.now() - 1_000),
    });

    const expired = await exchange(`${api().url}/ui/#portal=${token}`);
    const unknown = await exchange(`${api().url}/ui/#portal=pl_${'A'.repeat(43)}`);
    const tooLong = await api().request('POST', '/v1/portal-sessions', {
      key: ws.key,
      body: { expiresInSeconds: 3600 },
    });

    expect(expired.status).toBe(410);
    expect(expired.text).toMatch(/expired/);
    expect(unknown.status).toBe(404);
    expect(tooLong.status).toBe(400);
    expect(tooLong.text).toMatch(/expiresInSeconds/);
  });

  it('are documented in the OpenAPI document', async () => {
    const doc = await api().request<{ paths: Record<string, Record<string, { operationId: string }>> }>(
      'GET',
      '/openapi.json',
    );
    expect(doc.body.paths['/v1/portal-sessions']?.post?.operationId).toBe('createPortalSession');
  });
});

async function portalLinkAs(key: string) {
  const res = await api().request<{ url: string }>('POST', '/v1/portal-sessions', { key, body: {} });
  expect(res.status).toBe(201);
  return res.body;
}

/** What the page does with a portal link: sends the token in its fragment to `/ui/portal-session`. */
async function exchange(url: string) {
  const token = new URL(url).hash.replace(/^#portal=/, '');
  const res = await fetch(`${api().url}/ui/portal-session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
  });
  return {
    status: res.status,
    text: await res.text(),
    cookie: res.headers.getSetCookie()[0]?.split(';')[0] ?? '',
  };
}

/** The app of another API process on the stack's database, with settings of its own. */
async function separateApp(ui: { bundleDir?: string; sessionTtlSeconds?: number; publicUrl?: string }): Promise<{
  server: ApiServer;
  stop: () => Promise<void>;
}> {
  const config = testConfig();
  const app = createApp({
    db: stack!.temp.db,
    temporal: {
      client: plainClient(stack!.env),
      taskQueue: stack!.worker.taskQueue,
      namespace: 'default',
      uiUrl: 'http://temporal-ui.test:8233',
    },
    guard: testGuard,
    limits: config.http.limits,
    logger: pino({ level: 'silent' }),
    ui: { ...config.ui, keyring: testEncryption.keyring, ...ui },
  });
  const server = await startApiServer(app, { host: '127.0.0.1', port: 0 });
  return { server, stop: () => server.close() };
}
