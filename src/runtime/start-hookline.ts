import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type WorkflowBundleOption } from '@temporalio/worker';
import type { Logger } from 'pino';
import type { HttpSender } from '../activities/http';
import type { TemporalDeps } from '../api/domain/temporal';
import type { ApiServer } from '../api/server';
import { keyringCursorSigner } from '../api/domain/cursor';
import { startApi } from '../api/start-api';
import { openDatabase, type Db } from '../db/client';
import type { GuardOptions, Resolver } from '../security/network-guard';
import type { Config } from '../shared/config';
import { createMetrics, startMetricsServer, type HooklineMetrics, type MetricsServer } from '../shared/metrics';
import { startTracing, type TracingOptions } from '../shared/tracing';
import { provisionTemporalCli } from '../temporal-server/provision';
import { startEmbeddedServer, type EmbeddedServer } from '../temporal-server/embedded-server';
import { registerSearchAttributes, startDevServer } from '../temporal-server/servers';
import { startWorker, type RunningWorker } from '../worker/start-worker';
import { CleanupStack } from './cleanup-stack';
import { setUpEncryption, type Encryption } from './encryption';

export interface StartHooklineOptions {
  config: Config;
  logger: Logger;
  /** Run the delivery worker in this process. */
  worker?: { workflowBundle?: WorkflowBundleOption; identity?: string; http?: HttpSender };
  /** Serve the API in this process. */
  api?: { rpcTimeoutMs?: number };
  /** Resolves receivers' names, for the worker and the API's URL checks; tests inject one. @default DNS */
  resolve?: Resolver;
  /**
   * A Temporal server the caller started and owns (tests, the bench). Without it: the server at
   * `TEMPORAL_ADDRESS`, or, for `npm start` without one, an embedded dev server.
   */
  temporal?: { connection?: NativeConnection; client?: Client };
  /** Hookline's database, when the caller owns it; otherwise the configured one is opened. */
  db?: Db;
  /** What the process encrypts with; by default from the configuration (see `setUpEncryption`). */
  encryption?: Encryption;
  /** `npm start`: with no `TEMPORAL_ADDRESS`, start a dev server whose SQLite file is in the data directory. */
  embedded?: boolean;
  /** The process's metrics; by default a registry created here, one per Hookline. */
  metrics?: HooklineMetrics;
  /**
   * Where spans go when traces are on (`OTEL_TRACES_EXPORTER`); tests inject an exporter. A `client`
   * passed in `temporal` is used as is: give it `Tracing.clientInterceptors` for its starts to be traced.
   */
  tracing?: TracingOptions;
}

export interface Hookline {
  db: Db;
  encryption: Encryption;
  client: Client;
  /** The address of the Temporal frontend in use. */
  temporalAddress: string;
  /** The dev server `npm start` runs when no `TEMPORAL_ADDRESS` is set. */
  devServer?: EmbeddedServer;
  worker?: RunningWorker;
  api?: ApiServer;
  /** What the worker and the API count; the API serves it at `/metrics`. */
  metrics: HooklineMetrics;
  /** The `/metrics` listener of a worker without the API (`HOOKLINE_WORKER_METRICS_PORT`). */
  metricsServer?: MetricsServer;
  /** Stops everything this started, the API first and the server last. */
  close(): Promise<void>;
}

/**
 * The one composition of Hookline's parts, used by every entry point, the bench and the tests: the
 * database, the Temporal connection, the worker and the API, with one cleanup stack. An API alone
 * connects lazily, so it starts (and answers 503) while Temporal is down; a process with a worker
 * shares one native connection between worker and client, which lets the API start workflows eagerly.
 */
export async function startHookline(options: StartHooklineOptions): Promise<Hookline> {
  const { config, logger } = options;
  const cleanup = new CleanupStack((name, err) => logger.warn({ err, step: name }, 'Error while stopping'));
  try {
    const { namespace, taskQueue } = config.temporal;
    const encryption = options.encryption ?? setUpEncryption(config, logger);
    const { dataConverter } = encryption;
    const guard: GuardOptions = { allowedNetworks: config.network.allowedNetworks, resolve: options.resolve };
    const metrics = options.metrics ?? createMetrics();
    const tracing = config.tracing ? await startTracing(config.tracing, options.tracing) : undefined;
    if (tracing) cleanup.defer('tracing', () => tracing.shutdown());
    const interceptors = tracing ? { interceptors: tracing.clientInterceptors } : {};
    let db = options.db;
    if (!db) {
      const database = await openDatabase(config.database, { cipher: encryption.cipher });
      cleanup.defer('database', database.close);
      db = database.db;
    }

    let nativeConnection = options.temporal?.connection;
    let client = options.temporal?.client;
    let devServer: EmbeddedServer | undefined;
    let temporalAddress = config.temporal.remoteAddress;
    if (!nativeConnection && options.embedded && !config.temporal.address) {
      const server = await startDevServerOfDataDir(config, logger, encryption);
      devServer = server;
      cleanup.defer('Temporal dev server', () => server.stop());
      cleanup.defer('Temporal connection', () => server.env.teardown());
      nativeConnection = server.env.nativeConnection;
      temporalAddress = server.address;
    } else if (!nativeConnection && options.worker) {
      const connection = await NativeConnection.connect({ address: temporalAddress });
      cleanup.defer('Temporal connection', () => connection.close());
      nativeConnection = connection;
      await declareSearchAttributes(connection, namespace, logger);
    }
    if (!client) {
      if (nativeConnection) {
        client = new Client({ connection: nativeConnection, namespace, dataConverter, ...interceptors });
      } else {
        const connection = Connection.lazy({ address: temporalAddress });
        cleanup.defer('Temporal client connection', () => connection.close());
        await connection.ensureConnected().catch((err: unknown) => {
          logger.warn(
            { err, address: temporalAddress },
            'Temporal does not answer yet; requests that need it answer 503',
          );
        });
        client = new Client({ connection, namespace, dataConverter, ...interceptors });
      }
    }

    let worker: RunningWorker | undefined;
    if (options.worker) {
      if (!nativeConnection) throw new Error('A worker needs a native Temporal connection');
      worker = await startWorker({
        connection: nativeConnection,
        namespace,
        taskQueue,
        db,
        guard,
        dataConverter,
        maxConcurrentActivities: config.worker.maxConcurrentActivities,
        autoDisable: config.worker.autoDisable,
        metrics,
        tracing,
        ...options.worker,
      });
      cleanup.defer('worker', () => worker?.close());
    }

    let api: ApiServer | undefined;
    if (options.api) {
      const temporal: TemporalDeps = {
        client,
        taskQueue,
        namespace,
        uiUrl: config.temporal.uiUrl,
        // Eager start hands the first task to a worker sharing the client's connection.
        eagerStart: worker !== undefined && options.temporal?.client === undefined,
        rpcTimeoutMs: options.api.rpcTimeoutMs,
        // Every API process with the keyring accepts the others' cursors (several behind one address).
        cursors: keyringCursorSigner(encryption.keyring),
      };
      const codec = {
        codec: encryption.codec,
        token: encryption.codecToken,
        allowedOrigins: uiOrigins(config.temporal.uiUrl),
      };
      const ui = { keyring: encryption.keyring, ...config.ui };
      api = await startApi({
        db,
        temporal,
        logger,
        guard,
        codec,
        ui,
        metrics,
        tracer: tracing?.tracer,
        ...config.http,
      });
      cleanup.defer('API', () => api?.close());
    }

    let metricsServer: MetricsServer | undefined;
    if (worker && !api && config.metrics.workerPort !== 0) {
      metricsServer = await serveWorkerMetrics(metrics, config, logger);
      const server = metricsServer;
      if (server) cleanup.defer('metrics listener', () => server.close());
    }

    return {
      db,
      encryption,
      client,
      temporalAddress,
      devServer,
      worker,
      api,
      metrics,
      metricsServer,
      close: () => cleanup.close(),
    };
  } catch (err) {
    await cleanup.close();
    throw err;
  }
}

/**
 * Metrics are not worth stopping deliveries for: a port already taken (a second worker on the host) is
 * reported, and the worker runs without its listener.
 */
async function serveWorkerMetrics(
  metrics: HooklineMetrics,
  config: Config,
  logger: Logger,
): Promise<MetricsServer | undefined> {
  const { host } = config.http;
  const port = config.metrics.workerPort;
  try {
    const server = await startMetricsServer(metrics, { host, port });
    logger.info({ url: `${server.url}/metrics` }, 'Serving worker metrics');
    return server;
  } catch (err) {
    logger.warn({ err, host, port }, 'Could not serve worker metrics; set HOOKLINE_WORKER_METRICS_PORT');
    return undefined;
  }
}

async function startDevServerOfDataDir(
  config: Config,
  logger: Logger,
  encryption: Encryption,
): Promise<EmbeddedServer> {
  fs.mkdirSync(config.dataDir, { recursive: true });
  const cli = await provisionTemporalCli({
    explicitPath: config.temporal.provision.cliPath,
    searchPath: config.temporal.provision.searchPath,
    log: (message) => logger.info(message),
  });
  logger.info({ source: cli.source }, 'Starting the Temporal dev server');
  const settings = {
    dbFilename: path.join(config.dataDir, 'temporal.db'),
    port: config.temporal.port,
    uiPort: config.temporal.uiPort,
    namespace: config.temporal.namespace,
    dataConverter: encryption.dataConverter,
    // The UI decodes event data in the browser through the API's codec endpoint.
    uiCodecEndpoint: `${localUrl(config.http)}/codec/${encryption.codecToken}`,
  };
  if (cli.executable.type !== 'existing-path') {
    // Only the SDK can run a server it downloads itself; that server shares Hookline's process group.
    const env = await startDevServer({ executable: cli.executable, ...settings });
    return { env, address: env.address, stop: async () => undefined };
  }
  return startEmbeddedServer({ cliPath: cli.executable.path, ...settings });
}

/** The API's address as the browser on this machine reaches it. */
function localUrl({ host, port }: Config['http']): string {
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}

/** The UI's origin, and its twin on the other loopback name, since browsers treat them as different origins. */
function uiOrigins(uiUrl: string): string[] {
  const origin = new URL(uiUrl).origin;
  const twin = origin.includes('//localhost:')
    ? origin.replace('//localhost:', '//127.0.0.1:')
    : origin.replace('//127.0.0.1:', '//localhost:');
  return [...new Set([origin, twin])];
}

/**
 * Declares Hookline's search attributes on a server that lacks them. A server that refuses (a managed
 * cluster where only operators may) is told about once, and the worker runs anyway.
 */
async function declareSearchAttributes(connection: NativeConnection, namespace: string, logger: Logger) {
  const added = await registerSearchAttributes(connection, namespace).catch((err: unknown) => {
    logger.warn({ err }, 'Could not register search attributes; declare them on the server yourself');
    return [];
  });
  if (added.length > 0) logger.info({ added }, 'Registered search attributes');
}
