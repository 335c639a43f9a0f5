/**
 * The webhooks settings page in real Chromium, against the real API and worker on a Temporal dev server
 * (the delivery log reads Temporal's visibility, which the time-skipping server lacks) and real loopback
 * receivers. Retries are brought forward with `hurryRetries` rather than waited for.
 */
import type { Client } from '@temporalio/client';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { deliveryWorkflowId } from '../../src/contract/delivery';
import { startDevServer } from '../../src/temporal-server/servers';
import { eventually, newWorkspaceWithKey, startApiStack, type ApiStack, type TestWorkspace } from '../api/harness';
import { hurryRetries } from '../support/delivery-attempts';
import { testClient, testEncryption } from '../support/fixtures';
import { startReceiver, type Receiver, type ReceiverOptions } from '../support/receiver';
import {
  buildPage,
  expectWellBehaved,
  launchBrowser,
  openContext,
  screenshot,
  scrollsSideways,
  seriousA11yViolations,
  signIn,
  tabTo,
} from './browser';

let stack: ApiStack | undefined;
let browser: Browser | undefined;
let client: Client;
const receivers: Receiver[] = [];

beforeAll(async () => {
  const [, env, launched] = await Promise.all([
    buildPage(),
    startDevServer({ executable: inject('devServerExecutable'), dataConverter: testEncryption.dataConverter }),
    launchBrowser(),
  ]);
  browser = launched;
  stack = await startApiStack(env);
  client = testClient(env.connection);
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop(receivers);
});

function api() {
  if (!stack) throw new Error('The API stack did not start');
  return stack.api;
}

async function receiver(options: ReceiverOptions = {}): Promise<Receiver> {
  const r = await startReceiver(options);
  receivers.push(r);
  return r;
}

async function createWebhook(ws: TestWorkspace, body: Record<string, unknown>): Promise<string> {
  const res = await api().request<{ id: string }>('POST', '/v1/webhooks', { key: ws.key, body });
  expect(res.status, res.text).toBe(201);
  return res.body.id;
}

async function open(ws: TestWorkspace, viewport?: { width: number; height: number }) {
  if (!browser) throw new Error('Chromium did not start');
  const opened = await openContext(browser, api().url, viewport);
  await signIn(opened.page, api().url, ws.key);
  return opened;
}

async function expectAccessible(page: Page): Promise<void> {
  expect(await seriousA11yViolations(page)).toEqual([]);
}

/** Records every `data-status` the test result takes, from inside the page, so that no state is missed. */
async function recordTestStates(page: Page): Promise<() => Promise<string[]>> {
  await page.evaluate(`{
    const seen = (window.testStates = []);
    new MutationObserver(() => {
      const status = document.querySelector('.test-result .result')?.getAttribute('data-status');
      if (status && seen[seen.length - 1] !== status) seen.push(status);
    }).observe(document.body, { subtree: true, childList: true, attributes: true });
  }`);
  return async () => (await page.evaluate('window.testStates')) as string[];
}

describe('the webhooks settings page', () => {
  it('signs in, creates a webhook with the keyboard alone, and shows a test event arrive', async () => {
    const ws = await newWorkspaceWithKey(stack!.temp.db);
    const endpoint = await receiver();
    const { context, page, watch } = await openContext(browser!, api().url);

    await page.goto(`${api().url}/ui/`);
    await page.getByRole('heading', { name: 'Webhooks settings' }).waitFor();
    await expectAccessible(page);
    await tabTo(page, '#api-key');
    await page.keyboard.type(ws.key);
    await page.keyboard.press('Enter');
    await page.getByText('No webhooks yet').waitFor();
    await expectAccessible(page);

    await tabTo(page, 'a[href="#/new"]');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Create webhook' }).waitFor();
    await tabTo(page, '#webhook-url');
    await page.keyboard.type(endpoint.url);
    await tabTo(page, '#event-lead-created');
    await page.keyboard.press('Space');
    await tabTo(page, '#event-lead-updated');
    await page.keyboard.press('Space');
    await tabTo(page, '#webhook-description');
    await page.keyboard.type('CRM sync');
    expect(await page.locator('#event-lead-created').isChecked()).toBe(true);
    await expectAccessible(page);
    await screenshot(page, 'portal-create.png');
    await tabTo(page, 'button[type="submit"]');
    await page.keyboard.press('Enter');

    await page.getByRole('heading', { name: 'Webhook created' }).waitFor();
    const secret = await page.getByLabel('Signing secret').inputValue();
    expect(secret).toMatch(/^whsec_/);
    await expectAccessible(page);
    await tabTo(page, 'a.button.primary');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Test' }).waitFor();

    const states = await recordTestStates(page);
    await page.getByRole('button', { name: 'Send test event' }).click();
    const result = page.locator('.test-result .result[data-status="succeeded"]');
    await result.waitFor();
    expect(await result.innerText()).toMatch(/answered HTTP 200 in \d+ ms/);
    expect(await states()).toEqual(['pending', 'succeeded']);
    const [delivered] = await endpoint.waitForRequests(1);
    expect(JSON.parse(delivered!.body)).toMatchObject({ type: 'webhook.ping' });
    expect(delivered!.headers['webhook-signature']).toMatch(/^v1,/);
    await expectAccessible(page);

    expectWellBehaved(watch);
    await context.close();
  });

  it('shows a failing endpoint retrying with a countdown, then failed, and what a recovery and a redelivery send again succeeding', async () => {
    const ws = await newWorkspaceWithKey(stack!.temp.db);
    let healthy = false;
    const endpoint = await receiver({
      reply: () => (healthy ? { status: 200, body: 'ok' } : { status: 500, body: 'CRM is down for maintenance' }),
    });
    const webhookId = await createWebhook(ws, {
      url: endpoint.url,
      events: ['lead.created', 'document.received'],
      description: 'Loan origination system',
    });
    const { context, page, watch } = await open(ws);
    await page.goto(`${api().url}/ui/#/webhooks/${webhookId}`);
    await page.getByRole('heading', { name: 'Test' }).waitFor();

    const sendTest = async (type: string) => {
      await page.getByLabel('Event to send').selectOption(type);
      await page.getByRole('button', { name: 'Send test event' }).click();
      const retrying = page.locator('.test-result .result[data-status="retrying"]');
      await retrying.waitFor();
      const eventId = (await page.locator('.test-result a.mono').innerText()).trim();
      return { retrying, eventId };
    };

    const first = await sendTest('lead.created');
    const countdown = first.retrying.locator('time.countdown');
    expect(await first.retrying.innerText()).toMatch(/Attempt 1 failed: .*HTTP 500/);
    const before = await countdown.innerText();
    expect(before).toMatch(/^in (0:[3-5]\d|1:0\d)$/);
    await page.waitForTimeout(1_500);
    expect(await countdown.innerText()).not.toBe(before);
    await expectAccessible(page);

    expect(await hurryRetries(client, deliveryWorkflowId(ws.workspaceId, first.eventId))).toBe(1);
    const failed = page.locator('.test-result .result[data-status="failed"]');
    await failed.waitFor({ timeout: 30_000 });
    expect(await failed.innerText()).toMatch(/Failed after 3 attempts/);

    // A real event that fails too: a recovery sends those again (never test events).
    const catalogue = await api().request<{ data: { type: string; example: Record<string, unknown> }[] }>(
      'GET',
      '/v1/event-types',
      { key: ws.key },
    );
    const emitted = await api().request<{ id: string }>('POST', '/v1/events', {
      key: ws.key,
      body: {
        type: 'document.received',
        data: catalogue.body.data.find((t) => t.type === 'document.received')?.example,
      },
    });
    expect(emitted.status, emitted.text).toBe(202);
    const emittedWorkflow = deliveryWorkflowId(ws.workspaceId, emitted.body.id);
    await eventually(async () => (await hurryRetries(client, emittedWorkflow)) === 1, {
      what: 'the emitted event to wait for its second attempt',
    });
    await eventually(
      async () => {
        const dead = await api().request<{ data: { eventId: string }[] }>(
          'GET',
          `/v1/events?webhookId=${webhookId}&status=failed`,
          { key: ws.key },
        );
        return dead.body.data.some((d) => d.eventId === emitted.body.id);
      },
      { what: 'the emitted event among the failed deliveries', timeoutMs: 30_000 },
    );

    // Another test event stays retrying: the log then holds both kinds.
    await sendTest('action_log.completed');
    const log = page.locator('table.deliveries');
    await eventually(
      async () => {
        await page.getByRole('button', { name: 'Refresh' }).click();
        await page.waitForTimeout(300);
        const statuses = await log
          .locator('tbody tr')
          .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status')));
        return statuses.join() === 'retrying,failed,failed';
      },
      { what: 'a retrying and two failed deliveries in the log', timeoutMs: 30_000, intervalMs: 500 },
    );
    expect(await log.locator('tr[data-status="retrying"] time.countdown').innerText()).toMatch(/^in \d:\d\d$/);
    await expectAccessible(page);
    await screenshot(page, 'portal-delivery-log.png');

    healthy = true;
    await page.getByRole('button', { name: 'Recover', exact: true }).click();
    const recovery = page.locator('.recovery[data-status="completed"]');
    await recovery.waitFor({ timeout: 30_000 });
    expect(await recovery.innerText()).toMatch(/Found 1 · redelivered 1 · succeeded 1 · failed 0/);
    expect(endpoint.requests.filter((r) => r.body.includes(emitted.body.id)).at(-1)?.answeredAt).toBeDefined();

    await page.getByRole('link', { name: 'Delivery log' }).click();
    await page.getByRole('heading', { level: 1, name: 'Delivery log' }).waitFor();
    const workspaceLog = page.locator('table.deliveries');
    await workspaceLog.locator('tr[data-status="retrying"]').first().waitFor();
    await expectAccessible(page);
    await workspaceLog
      .locator('tr[data-status="failed"]', { hasText: 'lead.created' })
      .getByRole('link')
      .first()
      .click();

    await page.getByRole('heading', { level: 1, name: 'Event' }).waitFor();
    await page.getByText('CRM is down for maintenance').first().waitFor();
    expect(await page.locator('ol.attempts > li').count()).toBe(3);
    await expectAccessible(page);
    await page
      .getByRole('button', { name: /^Redeliver/ })
      .first()
      .click();
    const redelivered = page.locator('.redelivery[data-status="succeeded"]');
    await redelivered.waitFor({ timeout: 20_000 });
    expect(await redelivered.innerText()).toMatch(/HTTP 200/);
    expect(endpoint.requests.filter((r) => r.body.includes(first.eventId))).toHaveLength(4);

    expectWellBehaved(watch);
    await context.close();
  });

  it("lists each webhook's health, and fits a 390 px wide screen without sideways scrolling", async () => {
    const ws = await newWorkspaceWithKey(stack!.temp.db);
    const healthy = await receiver();
    const crm = await createWebhook(ws, {
      url: `${healthy.url}/crm`,
      events: ['lead.created', 'lead.updated', 'lead.completed'],
      description: 'CRM sync',
    });
    await createWebhook(ws, {
      url: `${healthy.url}/documents/with-a-rather-long-path-that-must-wrap-on-a-phone`,
      events: ['*'],
      description: 'Document archive',
      headers: { 'x-tenant': 'acme-lending' },
    });
    const sent = await api().request<{ eventId: string }>('POST', `/v1/webhooks/${crm}/test`, {
      key: ws.key,
      body: { type: 'lead.created' },
    });
    expect(sent.status).toBe(202);
    await healthy.waitForRequests(1);

    const { context, page, watch } = await open(ws);
    const health = page.locator('.card', { hasText: 'CRM sync' }).locator('.health');
    await eventually(
      async () => {
        await page.reload();
        await page.getByText('CRM sync').waitFor();
        await health.getByText('Succeeded').waitFor({ timeout: 3_000 });
        return true;
      },
      { what: 'the test delivery in the health of its webhook', timeoutMs: 20_000 },
    );
    expect(await health.innerText()).toMatch(/No failures in the last 24 h/);
    await expectAccessible(page);
    await screenshot(page, 'portal-list.png');

    await page.setViewportSize({ width: 390, height: 844 });
    expect(await scrollsSideways(page)).toBe(false);
    await page.goto(`${api().url}/ui/#/new`);
    await page.getByRole('heading', { level: 1, name: 'Create webhook' }).waitFor();
    await page.getByRole('button', { name: 'Add header' }).click();
    expect(await scrollsSideways(page)).toBe(false);
    await page.goto(`${api().url}/ui/#/webhooks/${crm}`);
    await page.locator('table.deliveries').waitFor();
    expect(await scrollsSideways(page)).toBe(false);
    await expectAccessible(page);

    expectWellBehaved(watch);
    await context.close();
  });

  it('edits, disables, reveals and rotates the secret of, and deletes a webhook, asking first', async () => {
    const ws = await newWorkspaceWithKey(stack!.temp.db);
    const endpoint = await receiver();
    const webhookId = await createWebhook(ws, { url: endpoint.url, events: ['lead.created'], description: 'Old name' });
    const { secret } = (
      await api().request<{ secret: string }>('GET', `/v1/webhooks/${webhookId}/secret`, { key: ws.key })
    ).body;
    const { context, page, watch } = await open(ws);
    await page.getByRole('link', { name: endpoint.url }).click();

    await page.getByRole('link', { name: 'Edit' }).click();
    await page.getByRole('heading', { level: 1, name: 'Edit webhook' }).waitFor();
    await page.getByLabel('Description').fill('CRM sync');
    await page.getByRole('checkbox', { name: 'lead.completed' }).check();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('lead.created, lead.completed').waitFor();
    await page.getByText('CRM sync').waitFor();

    await page.getByRole('button', { name: 'Disable' }).click();
    await page.locator('.badge-disabled').waitFor();
    expect(await page.getByRole('button', { name: 'Send test event' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Enable' }).click();
    await page.locator('.badge-enabled').waitFor();

    await page.getByRole('button', { name: 'Reveal secret' }).click();
    expect(await page.getByLabel('Current secret').inputValue()).toBe(secret);
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    await expectAccessible(page);
    await page.getByRole('dialog').getByRole('button', { name: 'Rotate' }).click();
    await page.getByText('The previous secret keeps signing').waitFor();
    const rotated = await page.getByLabel('Current secret').inputValue();
    expect(rotated).toMatch(/^whsec_/);
    expect(rotated).not.toBe(secret);

    await page.getByRole('button', { name: 'Delete' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete this webhook?' });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await dialog.isVisible()).toBe(false);
    await page.getByRole('button', { name: 'Delete' }).click();
    await dialog.getByRole('button', { name: 'Delete webhook' }).click();
    await page.getByText('No webhooks yet').waitFor();
    const gone = await api().request('GET', `/v1/webhooks/${webhookId}`, { key: ws.key });
    expect(gone.status).toBe(404);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You have signed out.').waitFor();
    await page.reload();
    await page.getByLabel('API key').waitFor();

    expectWellBehaved(watch);
    await context.close();
  });

  it("shows the API's validation messages next to the fields they concern", async () => {
    const ws = await newWorkspaceWithKey(stack!.temp.db);
    const { context, page, watch } = await open(ws);
    await page.goto(`${api().url}/ui/#/new`);
    await page.getByLabel('Endpoint URL').fill('ftp://example.com/hooks');
    await page.getByRole('button', { name: 'Add header' }).click();
    await page.getByLabel('Header 1 name').fill('Content-Type');
    await page.getByLabel('Header 1 value').fill('text/plain');
    await page.getByRole('button', { name: 'Create webhook' }).click();

    const url = page.getByLabel('Endpoint URL');
    await expect.poll(() => url.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#url-error').innerText()).toBe('must be an http or https URL');
    expect(await page.locator('#events-error').innerText()).toMatch(/at least one event type/);
    expect(await page.locator('.header-row .field-error').innerText()).toMatch(/set by Hookline/);
    expect(await page.evaluate('document.activeElement?.id')).toBe('webhook-url');
    await expectAccessible(page);

    expectWellBehaved(watch);
    await context.close();
  });
});
