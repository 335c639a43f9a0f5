import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@temporalio/client';
import { chromium as chromiumBrowser, type Browser } from 'playwright-core';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { createHttpSender } from '../src/activities/http';
import { openDatabase } from '../src/db/client';
import { createWebhook } from '../src/db/webhooks';
import { createWorkspace } from '../src/db/workspaces';
import { startDelivery } from '../src/emit/start-delivery';
import { EVENT_TYPE_CATALOGUE } from '../src/contract/event-types';
import { PROJECT_ROOT, provisionTemporalCli } from '../src/temporal-server/provision';
import { startDevServer } from '../src/temporal-server/servers';
import { createWorker } from '../src/worker/create-worker';

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
  Runtime.install({ logger: new DefaultLogger('WARN') });

  const cli = await provisionTemporalCli({ searchPath: process.env.PATH, log: console.log });
  const uiPort = 18_233;
  const env = await startDevServer({ executable: cli.executable, uiPort });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hookline-shot-'));
  const { db, close } = openDatabase(path.join(dir, 'hookline.db'));
  let received = 0;
  const receiver = http.createServer((req, res) => {
    req.resume();
    received += 1;
    res.writeHead(received <= 2 ? 503 : 200, { 'content-type': 'text/plain' });
    res.end(received <= 2 ? 'CRM is in maintenance' : 'ok');
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/hookline`;

  const workspace = createWorkspace(db, 'acme-lending');
  const webhook = createWebhook(db, {
    workspaceId: workspace.id,
    url,
    events: ['lead.created'],
    description: 'CRM sync',
  });
  const http2 = createHttpSender();
  const taskQueue = 'hookline-deliveries';
  const worker = await createWorker({
    connection: env.nativeConnection,
    namespace: 'default',
    taskQueue,
    db,
    http: http2,
  });
  const client = new Client({ connection: env.nativeConnection });

  await worker.runUntil(async () => {
    const event = {
      id: 'evt_lead_8f2c1a_created',
      type: 'lead.created' as const,
      workspaceId: workspace.id,
      timestamp: new Date().toISOString(),
      data: { ...EVENT_TYPE_CATALOGUE['lead.created'].example },
    };
    const { handle, workflowId } = await startDelivery({ event }, { client, taskQueue, eagerStart: true });
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
    const query = encodeURIComponent(`HooklineWebhookIds = "${webhook.id}"`);
    const list = `http://localhost:${uiPort}/namespaces/default/workflows?query=${query}`;
    await shoot(browser, list, path.join(outDir, 'ui-workflow-list.png'), workflowId);
  });

  await browser.close();
  await http2.close();
  receiver.close();
  close();
  await env.teardown();
  fs.rmSync(dir, { recursive: true, force: true });
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
