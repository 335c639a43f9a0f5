import { type Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import pino from 'pino';
import { inject } from 'vitest';
import type { ApiServer } from '../../src/api/server';
import { createWorkspaceKey } from '../../src/db/api-keys';
import type { Db } from '../../src/db/client';
import type { Dialect } from '../../src/db/handle';
import { startHookline } from '../../src/runtime/start-hookline';
import { startTimeSkippingServer } from '../../src/temporal-server/servers';
import type { Resolver } from '../../src/security/network-guard';
import { DNS, tableResolver } from '../support/hostile-urls';
import {
  openTempDatabase,
  TEMPORAL_UI_URL,
  testClient,
  testConfig,
  testEncryption,
  uniqueName,
  type TempDatabase,
} from '../support/fixtures';

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface RequestOptions {
  key?: string;
  body?: unknown;
  /** Sent as is, instead of `body` as JSON. */
  rawBody?: string;
  headers?: Record<string, string>;
}

export interface ApiHarness extends ApiServer {
  request<T = unknown>(method: string, path: string, options?: RequestOptions): Promise<ApiResponse<T>>;
}

export interface StartApiOptions {
  db: Db;
  client: Client;
  taskQueue: string;
  rpcTimeoutMs?: number;
}

export { TEMPORAL_UI_URL };

const silentLogger = pino({ level: 'silent' });

/** Adds a `request` helper to a running API. */
function harness(server: ApiServer): ApiHarness {
  return {
    ...server,
    async request<T>(method: string, path: string, request: RequestOptions = {}): Promise<ApiResponse<T>> {
      const headers: Record<string, string> = { ...request.headers };
      if (request.key) headers.authorization = `Bearer ${request.key}`;
      let body: string | undefined = request.rawBody;
      if (request.body !== undefined) {
        body = JSON.stringify(request.body);
        headers['content-type'] ??= 'application/json';
      }
      const response = await fetch(server.url + path, { method, headers, body });
      const text = await response.text();
      const parsed: unknown = text && /json/.test(response.headers.get('content-type') ?? '') ? JSON.parse(text) : text;
      return { status: response.status, headers: response.headers, body: parsed as T, text };
    },
  };
}

/** The real API alone on a free loopback port, through the same composition as `npm run api`. */
export async function startApi(options: StartApiOptions): Promise<ApiHarness> {
  const hookline = await startHookline({
    config: testConfig({ TEMPORAL_TASK_QUEUE: options.taskQueue }),
    encryption: testEncryption,
    logger: silentLogger,
    db: options.db,
    temporal: { client: options.client },
    api: { rpcTimeoutMs: options.rpcTimeoutMs },
  });
  if (!hookline.api) throw new Error('The API did not start');
  return harness({ url: hookline.api.url, close: () => hookline.close() });
}

export interface TestWorkspace {
  workspaceId: string;
  key: string;
}

export async function newWorkspaceWithKey(db: Db): Promise<TestWorkspace> {
  const { workspace, apiKey } = await createWorkspaceKey(db, uniqueName('workspace'));
  return { workspaceId: workspace.id, key: apiKey };
}

/**
 * A Temporal client that leaves time alone: on the time-skipping server, time then moves only when a
 * test sleeps through `env.sleep`, so retry schedules can be observed between attempts.
 */
export function plainClient(env: TestWorkflowEnvironment): Client {
  return testClient(env.connection);
}

export interface ApiStackOptions {
  /** Settings on top of the tests' own (see `testConfig`), as an operator would set them. */
  settings?: Record<string, string>;
  /**
   * Resolves receivers' names for the API's checks and the worker's connections. By default a fixed
   * table (see `test/support/hostile-urls.ts`), so no test depends on real DNS.
   */
  resolve?: Resolver;
  /** The store the API and the worker keep webhooks, workspaces and keys in. @default 'sqlite' */
  store?: Dialect;
}

export interface ApiStack {
  env: TestWorkflowEnvironment;
  /** Every line the API and the worker logged, as JSON, at level info and above. */
  logs: string[];
  temp: TempDatabase;
  worker: { taskQueue: string };
  api: ApiHarness;
  /** Stops the API, then `alsoClose` (receivers), the worker and the server, and removes the database. */
  stop(alsoClose?: { close(): Promise<void> }[]): Promise<void>;
}

/**
 * The API and a worker on a temporary database (SQLite unless `store` says otherwise), through the same
 * composition as `npm start`, against a Temporal server the caller started.
 */
export async function startApiStack(env: TestWorkflowEnvironment, options: ApiStackOptions = {}): Promise<ApiStack> {
  const temp = await openTempDatabase(options.store);
  const taskQueue = uniqueName('queue');
  const logs: string[] = [];
  const hookline = await startHookline({
    config: testConfig({ TEMPORAL_TASK_QUEUE: taskQueue, ...options.settings }),
    encryption: testEncryption,
    logger: pino({ level: 'info' }, { write: (line: string) => logs.push(line) }),
    resolve: options.resolve ?? tableResolver(DNS),
    db: temp.db,
    temporal: { connection: env.nativeConnection, client: plainClient(env) },
    worker: { workflowBundle: { codePath: inject('workflowBundlePath') } },
    api: {},
  });
  if (!hookline.api) throw new Error('The API did not start');
  const api = harness(hookline.api);
  return {
    env,
    logs,
    temp,
    worker: { taskQueue },
    api,
    async stop(alsoClose = []) {
      await api.close();
      await Promise.all(alsoClose.map((c) => c.close()));
      await hookline.close();
      await env.teardown();
      await temp.close();
    },
  };
}

/** {@link startApiStack} on a time-skipping test server of its own. */
export async function startTimeSkippingApiStack(options: ApiStackOptions = {}): Promise<ApiStack> {
  const env = await startTimeSkippingServer({
    executable: inject('testServerExecutable'),
    dataConverter: testEncryption.dataConverter,
  });
  return startApiStack(env, options);
}

/** Polls until `check` returns a value, or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false>,
  { timeoutMs = 20_000, intervalMs = 100, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`, { cause: last });
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
