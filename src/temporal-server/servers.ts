import { status } from '@grpc/grpc-js';
import type { Connection } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import type { DataConverter, SearchAttributeType } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  encodeSearchAttributeIndexedValueType,
  type EphemeralServerExecutable,
  type SearchAttributeKey,
} from '../shared/temporal-sdk';
import { ALL_SEARCH_ATTRIBUTES } from '../contract/delivery';

/**
 * SQLite settings of the embedded dev server. WAL with `synchronous=normal` roughly doubles workflow
 * throughput over the defaults; the price is that an operating-system crash or power cut may lose the
 * last transactions (never corrupt the file). A crash of the server process itself loses nothing.
 */
export const EMBEDDED_SQLITE_PRAGMAS = ['journal_mode=wal', 'synchronous=normal'] as const;

/**
 * Turns on task-queue fairness, which Hookline's deliveries use with the workspace as the key: a
 * workspace with a backlog of slow endpoints cannot hold back another's deliveries. Migration lets
 * tasks queued before it was on drain. A cluster of your own needs the same dynamic config.
 */
export const FAIRNESS_DYNAMIC_CONFIG = [
  'matching.useNewMatcher=true',
  'matching.enableFairness=true',
  'matching.enableMigration=true',
] as const;

export interface DevServerOptions {
  executable: EphemeralServerExecutable;
  /** SQLite file kept across restarts; in memory when absent. */
  dbFilename?: string;
  /** gRPC port; a free one when absent. */
  port?: number;
  /** Serve the Temporal UI on this port. */
  uiPort?: number;
  /** A remote codec the UI decodes payloads with (the codec-server protocol). */
  uiCodecEndpoint?: string;
  namespace?: string;
  /** Turn on task-queue fairness ({@link FAIRNESS_DYNAMIC_CONFIG}). @default true; off only to price it. */
  fairness?: boolean;
  /** Extra `--sqlite-pragma` values; defaults to {@link EMBEDDED_SQLITE_PRAGMAS}. */
  sqlitePragmas?: readonly string[];
  /** Attempts at starting before giving up; a busy 2-core machine can miss the SDK's start-up window. */
  startAttempts?: number;
  /** Serve the server's Prometheus metrics on this port (the CLI picks one otherwise). */
  metricsPort?: number;
  /** For the environment's own client (`env.client`), so it reads what encrypting workers write. */
  dataConverter?: DataConverter;
}

/** A Temporal dev server (the CLI's `server start-dev`) with Hookline's search attributes registered. */
export async function startDevServer(options: DevServerOptions): Promise<TestWorkflowEnvironment> {
  const pragmas = options.sqlitePragmas ?? EMBEDDED_SQLITE_PRAGMAS;
  return withStartAttempts(options.startAttempts, () =>
    TestWorkflowEnvironment.createLocal({
      server: {
        executable: options.executable,
        dbFilename: options.dbFilename,
        port: options.port,
        ui: options.uiPort !== undefined,
        uiPort: options.uiPort,
        namespace: options.namespace,
        searchAttributes: ALL_SEARCH_ATTRIBUTES as SearchAttributeKey<SearchAttributeType>[],
        extraArgs: [
          ...pragmas.flatMap((pragma) => ['--sqlite-pragma', pragma]),
          ...(options.fairness === false ? [] : FAIRNESS_DYNAMIC_CONFIG).flatMap((setting) => [
            '--dynamic-config-value',
            setting,
          ]),
          ...(options.uiCodecEndpoint ? ['--ui-codec-endpoint', options.uiCodecEndpoint] : []),
          ...(options.metricsPort === undefined ? [] : ['--metrics-port', String(options.metricsPort)]),
        ],
      },
      client: { dataConverter: options.dataConverter },
    }),
  );
}

export interface TimeSkippingServerOptions {
  executable: EphemeralServerExecutable;
  /** For the environment's own client (`env.client`), so it reads what encrypting workers write. */
  dataConverter?: DataConverter;
  startAttempts?: number;
}

/** The time-skipping test server, with Hookline's search attributes registered (it rejects undeclared ones). */
export async function startTimeSkippingServer(options: TimeSkippingServerOptions): Promise<TestWorkflowEnvironment> {
  const env = await withStartAttempts(options.startAttempts, () =>
    TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: options.executable },
      client: { dataConverter: options.dataConverter },
    }),
  );
  await registerSearchAttributes(env.connection, env.namespace ?? 'default');
  return env;
}

/**
 * Declares the search attributes that are not yet known to the namespace. Safe to call at every start
 * of a worker against a self-hosted server.
 */
export async function registerSearchAttributes(
  connection: Pick<Connection | NativeConnection, 'operatorService'>,
  namespace: string,
): Promise<string[]> {
  const known = new Set(await listSearchAttributeNames(connection, namespace));
  const missing = ALL_SEARCH_ATTRIBUTES.filter((key) => !known.has(key.name));
  if (missing.length === 0) return [];
  const searchAttributes: Record<string, NonNullable<ReturnType<typeof encodeSearchAttributeIndexedValueType>>> = {};
  for (const key of missing) {
    const type = encodeSearchAttributeIndexedValueType(key.type);
    if (type === undefined) throw new Error(`No indexed value type for search attribute ${key.name} (${key.type})`);
    searchAttributes[key.name] = type;
  }
  await connection.operatorService.addSearchAttributes({ namespace, searchAttributes });
  return missing.map((key) => key.name);
}

async function listSearchAttributeNames(
  connection: Pick<Connection | NativeConnection, 'operatorService'>,
  namespace: string,
): Promise<string[]> {
  try {
    const existing = await connection.operatorService.listSearchAttributes({ namespace });
    return [...Object.keys(existing.customAttributes ?? {}), ...Object.keys(existing.systemAttributes ?? {})];
  } catch (err) {
    // The time-skipping test server cannot list, but accepts additions.
    if ((err as { code?: unknown }).code === status.UNIMPLEMENTED) return [];
    throw err;
  }
}

async function withStartAttempts<T>(attempts = 3, start: () => Promise<T>): Promise<T> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      return await start();
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError;
}
