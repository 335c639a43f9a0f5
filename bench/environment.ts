import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import pino from 'pino';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { EphemeralServerExecutable } from '../src/shared/temporal-sdk';
import { openDatabase } from '../src/db/client';
import { createWebhook, endpointResolver } from '../src/db/webhooks';
import type { EndpointResolver } from '../src/emit/start-delivery';
import { createWorkspace } from '../src/db/workspaces';
import { provisionTemporalCli } from '../src/temporal-server/provision';
import { EMBEDDED_SQLITE_PRAGMAS, startDevServer } from '../src/temporal-server/servers';
import { setUpEncryption, type Encryption } from '../src/runtime/encryption';
import { startHookline } from '../src/runtime/start-hookline';
import { loadConfig, type Config } from '../src/shared/config';
import { freePort } from '../test/support/processes';
import { createBenchActivities } from './activities';
import { bundleFor, inMemorySender, startStripper, type DeliveryFeatures } from './features';
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

/** Hookline's worker and a client, with some parts of a delivery possibly off (see `features.ts`). */
export interface HooklineVariant {
  features: DeliveryFeatures;
  client: Client;
  taskQueue: string;
  close(): Promise<void>;
}

export interface BenchEnvironment {
  /** The dev server's frontend, for Hookline processes started by the bench. */
  temporalAddress: string;
  /** The dev server's Prometheus metrics, where it counts actions. */
  metricsUrl: string;
  /** The keyring every Hookline worker and process of the bench encrypts with. */
  encryption: Encryption;
  /** Starts the trivial workflows; shares the workers' connection, as eager start needs. */
  client: Client;
  namespace: string;
  /** Hookline as the options ask for: every part on, unless the command line turned some off. */
  hookline: HooklineVariant;
  /** Another Hookline worker on a task queue of its own, on the same server, database and receiver. */
  startVariant(features: DeliveryFeatures): Promise<HooklineVariant>;
  trivialTaskQueue: string;
  /** Reads subscriptions from Hookline's database, handed to `startDelivery` as the API does. */
  resolveEndpoints: EndpointResolver;
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
  features: DeliveryFeatures,
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
    const config = loadConfig({
      ...process.env,
      LOG_LEVEL: 'silent',
      // The bench's receiver is on loopback, which an operator allows the same way.
      HOOKLINE_ALLOWED_NETWORKS: '127.0.0.0/8',
      HOOKLINE_DATA_DIR: dir,
      // Several Hookline workers may run at once here; none needs a metrics listener.
      HOOKLINE_WORKER_METRICS_PORT: '0',
    });
    const encryption = setUpEncryption(config, pino({ level: 'silent' }));
    const cli = await provisionTemporalCli({
      explicitPath: config.temporal.provision.cliPath,
      searchPath: config.temporal.provision.searchPath,
      log,
    });
    const dbFilename = path.join(dir, 'temporal.db');
    log(`Starting the Temporal dev server (${cli.source}) …`);
    const metricsPort = await freePort();
    const env: TestWorkflowEnvironment = await startDevServer({ executable: cli.executable, dbFilename, metricsPort });
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

    const startVariant = async (variant: DeliveryFeatures): Promise<HooklineVariant> => {
      const taskQueue = `bench-hookline-${process.pid}-${variants++}`;
      const dataConverter = variant.codec ? encryption.dataConverter : {};
      const stripper = startStripper(variant);
      const client = new Client({
        connection: env.nativeConnection,
        namespace: NAMESPACE,
        dataConverter,
        ...(stripper ? { interceptors: { workflow: [stripper] } } : {}),
      });
      const workflowBundle = await bundleFor(variant);
      // The same composition as `npm start`, on the bench's own server and database.
      const hookline = await startHookline({
        config: withTaskQueue(config, taskQueue),
        logger: pino({ level: 'silent' }),
        db: database.db,
        encryption: { ...encryption, dataConverter },
        temporal: { connection: env.nativeConnection, client },
        worker: {
          ...(workflowBundle ? { workflowBundle } : {}),
          ...(variant.post ? {} : { http: inMemorySender(receiver.arrived) }),
        },
      });
      // A worker that dies mid-run would leave the bench waiting on results: say so at once.
      hookline.worker?.done.catch((err: unknown) =>
        log(`worker failed: ${err instanceof Error ? err.message : String(err)}`),
      );
      let closed = false;
      const close = async () => {
        if (closed) return;
        closed = true;
        await hookline.close();
      };
      cleanups.push(close);
      return { features: variant, client, taskQueue, close };
    };
    let variants = 0;

    log('Bundling workflows and starting workers …');
    const [hookline, trivialWorker] = await Promise.all([
      startVariant(features),
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
    const trivialRun = trivialWorker.run();
    cleanups.push(async () => {
      if (trivialWorker.getState() === 'RUNNING') trivialWorker.shutdown();
      await trivialRun;
    });
    trivialRun.catch((err: unknown) => log(`worker failed: ${err instanceof Error ? err.message : String(err)}`));

    return {
      temporalAddress: env.address,
      metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
      encryption,
      client: new Client({ connection: env.nativeConnection, namespace: NAMESPACE }),
      namespace: NAMESPACE,
      hookline,
      startVariant,
      trivialTaskQueue,
      resolveEndpoints: endpointResolver(database.db),
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

function withTaskQueue(config: Config, taskQueue: string): Config {
  return { ...config, temporal: { ...config.temporal, taskQueue } };
}

function cliVersion(executable: EphemeralServerExecutable): string {
  if (executable.type !== 'existing-path') return executable.type;
  const result = spawnSync(executable.path, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  return result.stdout?.trim() || 'unknown';
}
