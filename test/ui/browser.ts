import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect, onTestFailed } from 'vitest';
import { buildUiBundle } from '../../src/api/ui/build-bundle';
import { PROJECT_ROOT } from '../../src/temporal-server/provision';

/** Debian's Chromium, which CI installs (`.ci/run`); CHROMIUM_PATH points to another. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const SCREENSHOT_DIR = path.join(PROJECT_ROOT, 'docs', 'images');

/** Builds the page from the sources under test, so that no test runs against a stale bundle. */
export async function buildPage(): Promise<void> {
  await buildUiBundle();
}

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`No Chromium at ${CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** What a page did that it must not: load from another origin, break its CSP, throw. */
export interface PageWatch {
  offsite: string[];
  cspViolations: string[];
  errors: string[];
}

/** A fresh browser profile (no cookies) with its pages watched; see {@link expectWellBehaved}. */
export async function openContext(
  browser: Browser,
  origin: string,
  viewport = { width: 1280, height: 900 },
): Promise<{ context: BrowserContext; page: Page; watch: PageWatch }> {
  const context = await browser.newContext({ viewport, reducedMotion: 'reduce' });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
  const page = await context.newPage();
  const watch: PageWatch = { offsite: [], cspViolations: [], errors: [] };
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.origin !== origin && url.protocol !== 'data:') watch.offsite.push(request.url());
  });
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) watch.cspViolations.push(message.text());
  });
  page.on('pageerror', (error) => watch.errors.push(error.message));
  // What the page showed when a test failed, to read after the run.
  onTestFailed(async ({ task }) => {
    const file = path.join(os.tmpdir(), `hookline-ui-failure-${task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`);
    await page.screenshot({ path: `${file}.png`, fullPage: true }).catch(() => undefined);
    const text = await page.evaluate('document.body.innerText').catch(() => '');
    fs.writeFileSync(`${file}.txt`, `${page.url()}\n\n${String(text)}`);
    console.warn(`The page at failure: ${file}.png, ${file}.txt`);
  });
  return { context, page, watch };
}

export function expectWellBehaved(watch: PageWatch): void {
  expect(watch.offsite, 'requests to other origins').toEqual([]);
  expect(watch.cspViolations, 'Content-Security-Policy violations').toEqual([]);
  expect(watch.errors, 'uncaught errors').toEqual([]);
}

const AXE_SOURCE = fs.readFileSync(path.join(PROJECT_ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/**
 * Runs axe-core in the page, through the DevTools protocol (the page's CSP forbids injected scripts,
 * and is left on), and returns the serious and critical violations.
 */
export async function seriousA11yViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  // Expressions as strings: they run in the page, whose DOM types this program does not load.
  const violations = (await page.evaluate('axe.run(document).then((result) => result.violations)')) as AxeViolation[];
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
}

/** Whether the page is wider than the viewport, which would make the reader scroll sideways. */
export async function scrollsSideways(page: Page): Promise<boolean> {
  return (await page.evaluate(
    'document.documentElement.scrollWidth > document.documentElement.clientWidth',
  )) as boolean;
}

/** Presses Tab until the focused element matches `selector`; fails after `max` presses. */
export async function tabTo(page: Page, selector: string, max = 60): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(`document.activeElement?.matches(${JSON.stringify(selector)}) ?? false`)) return;
  }
  throw new Error(`Tab never reached ${selector}`);
}

/** Signs in on the page with an API key, as a person pastes it. */
export async function signIn(page: Page, apiUrl: string, key: string): Promise<void> {
  await page.goto(`${apiUrl}/ui/`);
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Webhooks' }).waitFor();
}

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, name), fullPage: true });
}
