import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium as chromiumBrowser, type Browser } from 'playwright-core';
import { EVENT_DATA_EXAMPLES } from '../src/contract/event-data';
import { createWebhook, endpointResolver } from '../src/db/webhooks';
import { createWorkspace } from '../src/db/workspaces';
import { buildEnvelope } from '../src/emit/envelope';
import { startDelivery } from '../src/emit/start-delivery';
import { bootProcess } from '../src/runtime/process';
import { startHookline } from '../src/runtime/start-hookline';
import { PROJECT_ROOT } from '../src/temporal-server/provision';

/**
 * Takes the README's screenshots of a delivery as ops see it in the Temporal UI: one waiting for its
 * third attempt after two failures, and the same once it succeeded. Needs Chromium
 * (`apt-get install chromium`, or CHROMIUM_PATH); takes about three and a half minutes, because the retries are real.
 */
async function main(): Promise<void> {
  const browser = await chromiumBrowser.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const outDir = path.join(PROJECT_ROOT, 'docs', 'images');
  fs.mkdirSync(outDir, { recursive: true });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hookline-shot-'));
  const uiPort = 18_233;
  const { config, logger } = bootProcess('hookline-screenshots', {
    ...process.env,
    HOOKLINE_DATA_DIR: dir,
    PORT: '13000',
    TEMPORAL_PORT: '17233',
    TEMPORAL_UI_PORT: String(uiPort),
    // The receiver below is on loopback, allowed the way an operator would for local development.
    HOOKLINE_ALLOWED_NETWORKS: '127.0.0.0/8',
    LOG_LEVEL: 'warn',
  });
  // The same composition as `npm start`: the UI decodes payloads through the API's codec endpoint.
  const hookline = await startHookline({ config, logger, embedded: true, worker: {}, api: {} });

  let received = 0;
  const receiver = http.createServer((req, res) => {
    req.resume();
    received += 1;
    res.writeHead(received <= 2 ? 503 : 200, { 'content-type': 'text/plain' });
    res.end(received <= 2 ? 'CRM is in maintenance' : 'ok');
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/hookline`;

  const workspace = await createWorkspace(hookline.db, 'acme-lending');
  const webhook = await createWebhook(hookline.db, {
    workspaceId: workspace.id,
    url,
    events: ['lead.created'],
    description: 'CRM sync',
  });

  try {
    const event = buildEnvelope({
      id: 'evt_lead_8f2c1a_created',
      type: 'lead.created',
      workspaceId: workspace.id,
      data: EVENT_DATA_EXAMPLES['lead.created'],
    });
    const { handle, workflowId } = await startDelivery(
      { event },
      {
        client: hookline.client,
        taskQueue: config.temporal.taskQueue,
        eagerStart: true,
        resolveEndpoints: endpointResolver(hookline.db),
      },
    );
    const page = `http://localhost:${uiPort}/namespaces/default/workflows/${encodeURIComponent(workflowId)}`;
    console.log(`Waiting for the second attempt to fail (about a minute): ${page}`);
    while (received < 2) await new Promise((resolve) => setTimeout(resolve, 1_000));
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await shoot(browser, page, path.join(outDir, 'ui-delivery-retrying.png'), 'deliverEventWorkflow', {
      name: 'Pending Activities',
      ready: 'Last Failure',
    });
    await handle.result();
    await shoot(browser, page, path.join(outDir, 'ui-delivery-succeeded.png'), 'COMPLETED');
    // The input as ops read it: decoded in the browser by the codec endpoint, although history holds
    // only ciphertext.
    await shoot(browser, page, path.join(outDir, 'ui-decoded-input.png'), EVENT_DATA_EXAMPLES['lead.created'].email!);
    const query = encodeURIComponent(`HooklineWebhookIds = "${webhook.id}"`);
    const list = `http://localhost:${uiPort}/namespaces/default/workflows?query=${query}`;
    await shoot(browser, list, path.join(outDir, 'ui-workflow-list.png'), workflowId);
  } finally {
    await browser.close();
    receiver.close();
    await hookline.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Opens a page in headless Chromium, optionally clicks a tab, and saves a screenshot. */
async function shoot(
  browser: Browser,
  url: string,
  file: string,
  waitForText: string,
  tab?: { name: string; ready: string },
): Promise<void> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  await page.getByText(waitForText).first().waitFor({ timeout: 30_000 });
  await page.waitForTimeout(2_000);
  if (tab) {
    await page
      .getByRole('tab', { name: new RegExp(tab.name) })
      .first()
      .click();
    await page.getByText(tab.ready).first().waitFor({ timeout: 30_000 });
    await page.waitForTimeout(1_000);
  }
  await page.screenshot({ path: file });
  await page.close();
  console.log(`Wrote ${path.relative(PROJECT_ROOT, file)}`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
