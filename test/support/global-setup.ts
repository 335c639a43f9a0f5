import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { TestProject } from 'vitest/node' with { 'resolution-mode': 'import' };
import { loadConfig } from '../../src/shared/config';
import { WORKFLOWS_PATH } from '../../src/worker/create-worker';
import { PROJECT_ROOT, provisionTemporalCli, provisionTestServer } from '../../src/temporal-server/provision';
import type { EphemeralServerExecutable } from '../../src/shared/temporal-sdk';
import { startTestPostgres } from './postgres';

declare module 'vitest' {
  export interface ProvidedContext {
    devServerExecutable: EphemeralServerExecutable;
    testServerExecutable: EphemeralServerExecutable;
    workflowBundlePath: string;
    /** The run's PostgreSQL server, as its superuser; `createTestDatabase` makes a database on it. */
    postgresAdminUrl: string;
  }
}

/**
 * Provisions both Temporal servers, bundles the workflows and starts PostgreSQL once for the whole run;
 * the returned teardown stops PostgreSQL.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const log = (message: string) => console.log(`[setup] ${message}`);
  const { provision } = loadConfig(process.env).temporal;
  const cli = await provisionTemporalCli({ explicitPath: provision.cliPath, searchPath: provision.searchPath, log });
  log(`Temporal dev server: ${cli.source}`);
  const testServer = await provisionTestServer({ explicitPath: provision.testServerPath, log });
  log(`Temporal test server: ${testServer.source}`);

  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietLogger });
  const bundlePath = path.join(PROJECT_ROOT, '.cache', 'test', 'workflow-bundle.js');
  fs.mkdirSync(path.dirname(bundlePath), { recursive: true });
  fs.writeFileSync(bundlePath, code);

  project.provide('devServerExecutable', cli.executable);
  project.provide('testServerExecutable', testServer.executable);
  project.provide('workflowBundlePath', bundlePath);

  const postgres = await startTestPostgres(log);
  project.provide('postgresAdminUrl', postgres.adminUrl);
  return () => postgres.stop();
}

const noop = () => undefined;
const quietLogger = { trace: noop, debug: noop, info: noop, warn: console.warn, error: console.error, log: noop };
