import fs from 'node:fs';
import path from 'node:path';
import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { NativeConnection, Runtime } from '@temporalio/worker';
import { createHttpSender } from './activities/http';
import { createApp } from './api/app';
import { startApiServer } from './api/server';
import { ensureDefaultWorkspace } from './db/api-keys';
import { openDatabase } from './db/client';
import { loadConfig } from './shared/config';
import { createLogger, temporalLogger } from './shared/logger';
import { provisionTemporalCli } from './temporal-server/provision';
import { registerSearchAttributes, startDevServer } from './temporal-server/servers';
import { createWorker } from './worker/create-worker';

/**
 * `npm start`: the embedded default. A Temporal dev server (unless TEMPORAL_ADDRESS names one) keeps
 * its SQLite file in the data directory, so deliveries survive restarts; the worker and the API run in
 * this process and share one connection, which lets the API start workflows eagerly.
 */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger(config.log, 'hookline');
  Runtime.install({ logger: temporalLogger(logger, 'WARN'), shutdownSignals: [] });
  const cleanups: (() => Promise<void> | void)[] = [];
  const cleanUp = async () => {
    for (const step of cleanups.reverse()) {
      await Promise.resolve()
        .then(step)
        .catch((err: unknown) => logger.warn({ err }, 'Error while stopping'));
    }
  };

  try {
    fs.mkdirSync(config.dataDir, { recursive: true });
    const { namespace, taskQueue } = config.temporal;
    let connection: NativeConnection;
    let devServer: TestWorkflowEnvironment | undefined;
    if (config.temporal.address) {
      connection = await NativeConnection.connect({ address: config.temporal.address });
      cleanups.push(() => connection.close());
      await registerSearchAttributes(connection, namespace);
    } else {
      const cli = await provisionTemporalCli({
        explicitPath: process.env.TEMPORAL_CLI_PATH,
        searchPath: process.env.PATH,
        log: (message) => logger.info(message),
      });
      logger.info({ source: cli.source }, 'Starting the Temporal dev server');
      devServer = await startDevServer({
        executable: cli.executable,
        dbFilename: path.join(config.dataDir, 'temporal.db'),
        port: config.temporal.port,
        uiPort: config.temporal.uiPort,
        namespace,
      });
      const server = devServer;
      cleanups.push(() => server.teardown());
      connection = server.nativeConnection;
    }

    const { db, close: closeDb } = openDatabase(config.databasePath);
    cleanups.push(closeDb);
    const http = createHttpSender();
    cleanups.push(() => http.close());

    const worker = await createWorker({ connection, namespace, taskQueue, db, http });
    const workerRun = worker.run();
    cleanups.push(async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await workerRun;
    });

    const client = new Client({ connection, namespace });
    const app = createApp({
      db,
      temporal: { client, taskQueue, namespace, uiUrl: config.temporal.uiUrl, eagerStart: true },
      logger,
    });
    const api = await startApiServer(app, config.http);
    cleanups.push(() => api.close());

    const { workspace, apiKey } = ensureDefaultWorkspace(db);
    printBanner({
      api: api.url,
      ui: devServer ? config.temporal.uiUrl : undefined,
      temporal: devServer?.address ?? config.temporal.address ?? '',
      namespace,
      dataDir: config.dataDir,
      workspace: workspace.name,
      apiKey,
    });

    const signal = await Promise.race([
      waitForSignal(),
      workerRun.then(() => {
        throw new Error('The worker stopped unexpectedly');
      }),
    ]);
    logger.info({ signal }, 'Stopping: finishing in-flight requests and activities');
    // A second Ctrl-C stops at once.
    process.once('SIGINT', () => process.exit(130));
  } finally {
    await cleanUp();
  }
}

function waitForSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
}

function printBanner(info: {
  api: string;
  ui?: string;
  temporal: string;
  namespace: string;
  dataDir: string;
  workspace: string;
  apiKey?: string;
}): void {
  const lines = [
    '',
    'Hookline is running',
    `  API            ${info.api}   (OpenAPI: ${info.api}/openapi.json)`,
    ...(info.ui ? [`  Temporal UI    ${info.ui}`] : []),
    `  Temporal       ${info.temporal}, namespace ${info.namespace}`,
    `  Data           ${info.dataDir}`,
    info.apiKey
      ? `  API key        ${info.apiKey}   (workspace "${info.workspace}"; shown only now, keep it)`
      : `  API key        created on first start; make another with: npm run keys -- create --workspace <name>`,
    '  Stop with Ctrl-C.',
    '',
  ];
  console.log(lines.join('\n'));
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
