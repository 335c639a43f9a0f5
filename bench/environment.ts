import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import pino from 'pino';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { EphemeralServerExecutable } from '../src/shared/temporal-sdk';
import { openDatabase, type Db } from '../src/db/client';
import { createWebhook } from '../src/db/webhooks';
import { createWorkspace } from '../src/db/workspaces';
import { provisionTemporalCli } from '../src/temporal-server/provision';
import { EMBEDDED_SQLITE_PRAGMAS, startDevServer } from '../src/temporal-server/servers';
import { setUpEncryption } from '../src/runtime/encryption';
import { startHookline } from '../src/runtime/start-hookline';
import { loadConfig } from '../src/shared/config';
import { createBenchActivities } from './activities';
import { startBenchReceiver, type BenchReceiver } from './receiver';

export const BENCH_EVENT_TYPE = 'lead.created';
const NAMESPACE = 'default';
const TRIVIAL_WORKFLOWS_PATH = path.join(__dirname, 'workflows.ts');

export interface ServerSettings {
  cli: string;
  cliVersion: string;
  dbFilename: string;
  sqlitePragmas: readonly string[];
  namespace: string;
}

export interface BenchEnvironment {
  client: Client;
  namespace: string;
  hooklineTaskQueue: string;
  trivialTaskQueue: string;
  /** Hookline's database, handed to `startDelivery` as the API does, so subscriptions resolve at emit time. */
  db: Db;
  workspaceId: string;
  webhookId: string;
  receiver: BenchReceiver;
  /** `performance.now()` at which each trivial workflow's activity started, by workflow id. */
  trivialActivityRuns: Map<string, number>;
  server: ServerSettings;
  teardown(): Promise<void>;
}

/**
 * Everything the bench runs against, in one process: a dev server on a fresh SQLite file with the
 * embedded default's pragmas, Hookline's worker and the trivial workflow's worker, a client sharing
 * their `NativeConnection` (which eager start needs), Hookline's own SQLite file with one workspace and
 * one subscribed webhook, and the loopback receiver it points at.
 */
export async function startBenchEnvironment(
  log: (message: string) => void,
  options: { codec: boolean },
): Promise<BenchEnvironment> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hookline-bench-'));
  const cleanups: (() => Promise<void> | void)[] = [() => fs.rmSync(dir, { recursive: true, force: true })];
  const teardown = async () => {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (err) {
        log(`cleanup failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    cleanups.length = 0;
  };

  try {
    const hooklineTaskQueue = `bench-hookline-${process.pid}`;
    const config = loadConfig({
      ...process.env,
      TEMPORAL_TASK_QUEUE: hooklineTaskQueue,
      LOG_LEVEL: 'silent',
      // The bench's receiver is on loopback, which an operator allows the same way.
      HOOKLINE_ALLOWED_NETWORKS: '127.0.0.0/8',
      HOOKLINE_DATA_DIR: dir,
    });
    const encryption = setUpEncryption(config, pino({ level: 'silent' }));
    if (!options.codec) encryption.dataConverter = {};
    const cli = await provisionTemporalCli({
      explicitPath: config.temporal.provision.cliPath,
      searchPath: config.temporal.provision.searchPath,
      log,
    });
    const dbFilename = path.join(dir, 'temporal.db');
    log(`Starting the Temporal dev server (${cli.source}) …`);
    const env: TestWorkflowEnvironment = await startDevServer({ executable: cli.executable, dbFilename });
    cleanups.push(() => env.teardown());

    const location = { dialect: 'sqlite', path: path.join(dir, 'hookline.db') } as const;
    const database = await openDatabase(location, { cipher: encryption.cipher });
    cleanups.push(() => database.close());
    const receiver = await startBenchReceiver();
    cleanups.push(() => receiver.close());
    const workspace = await createWorkspace(database.db, 'bench');
    const webhook = await createWebhook(database.db, {
      workspaceId: workspace.id,
      url: receiver.url,
      events: [BENCH_EVENT_TYPE],
    });

    const trivialTaskQueue = `bench-trivial-${process.pid}`;
    const trivialActivityRuns = new Map<string, number>();

    log('Bundling workflows and starting workers …');
    const [hookline, trivialWorker] = await Promise.all([
      // The same composition as `npm start`, on the bench's own server and database.
      startHookline({
        config,
        logger: pino({ level: 'silent' }),
        db: database.db,
        encryption,
        temporal: { connection: env.nativeConnection },
        worker: {},
      }),
      Worker.create({
        connection: env.nativeConnection,
        namespace: NAMESPACE,
        taskQueue: trivialTaskQueue,
        workflowsPath: TRIVIAL_WORKFLOWS_PATH,
        activities: createBenchActivities({
          onRun: (workflowId) => trivialActivityRuns.set(workflowId, performance.now()),
        }),
      }),
    ]);
    cleanups.push(() => hookline.close());
    const trivialRun = trivialWorker.run();
    cleanups.push(async () => {
      if (trivialWorker.getState() === 'RUNNING') trivialWorker.shutdown();
      await trivialRun;
    });
    // A worker that dies mid-run would leave the bench waiting on results: say so at once.
    for (const running of [hookline.worker?.done, trivialRun]) {
      running?.catch((err: unknown) => log(`worker failed: ${err instanceof Error ? err.message : String(err)}`));
    }

    return {
      client: hookline.client,
      namespace: NAMESPACE,
      hooklineTaskQueue,
      trivialTaskQueue,
      db: database.db,
      workspaceId: workspace.id,
      webhookId: webhook.id,
      receiver,
      trivialActivityRuns,
      server: {
        cli: cli.source,
        cliVersion: cliVersion(cli.executable),
        dbFilename,
        sqlitePragmas: EMBEDDED_SQLITE_PRAGMAS,
        namespace: NAMESPACE,
      },
      teardown,
    };
  } catch (err) {
    await teardown();
    throw err;
  }
}

function cliVersion(executable: EphemeralServerExecutable): string {
  if (executable.type !== 'existing-path') return executable.type;
  const result = spawnSync(executable.path, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  return result.stdout?.trim() || 'unknown';
}
