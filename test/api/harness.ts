import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import pino from 'pino';
import { createApp } from '../../src/api/app';
import { startApiServer, type ApiServer } from '../../src/api/server';
import { createWorkspaceKey } from '../../src/db/api-keys';
import type { Db } from '../../src/db/client';
import { openTempDatabase, startTestWorker, uniqueName, type TempDatabase } from '../support/fixtures';

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

export const TEMPORAL_UI_URL = 'http://temporal-ui.test:8233';

/** The real app on a free loopback port, with a quiet logger. */
export async function startApi(options: StartApiOptions): Promise<ApiHarness> {
  const app = createApp({
    db: options.db,
    temporal: {
      client: options.client,
      taskQueue: options.taskQueue,
      namespace: 'default',
      uiUrl: TEMPORAL_UI_URL,
      rpcTimeoutMs: options.rpcTimeoutMs,
    },
    logger: pino({ level: 'silent' }),
  });
  const server = await startApiServer(app, { host: '127.0.0.1', port: 0 });
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

export interface TestWorkspace {
  workspaceId: string;
  key: string;
}

export function newWorkspaceWithKey(db: Db): TestWorkspace {
  const { workspace, apiKey } = createWorkspaceKey(db, uniqueName('workspace'));
  return { workspaceId: workspace.id, key: apiKey };
}

/**
 * A Temporal client that leaves time alone: on the time-skipping server, time then moves only when a
 * test sleeps through `env.sleep`, so retry schedules can be observed between attempts.
 */
export function plainClient(env: TestWorkflowEnvironment): Client {
  return new Client({ connection: env.connection, namespace: 'default' });
}

/** A worker running in the background until `stop`. */
export async function runWorker(env: TestWorkflowEnvironment, db: Db) {
  const { worker, taskQueue, http } = await startTestWorker(env.nativeConnection, db);
  const running = worker.run();
  return {
    taskQueue,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await http.close();
    },
  };
}

export interface ApiStack {
  env: TestWorkflowEnvironment;
  temp: TempDatabase;
  worker: Awaited<ReturnType<typeof runWorker>>;
  api: ApiHarness;
  /** Stops the API, then `alsoClose` (receivers), the worker and the server, and removes the database. */
  stop(alsoClose?: { close(): Promise<void> }[]): Promise<void>;
}

/** The API on a temporary SQLite file, with a worker, against a Temporal server the caller started. */
export async function startApiStack(env: TestWorkflowEnvironment): Promise<ApiStack> {
  const temp = openTempDatabase();
  const worker = await runWorker(env, temp.db);
  const api = await startApi({ db: temp.db, client: plainClient(env), taskQueue: worker.taskQueue });
  return {
    env,
    temp,
    worker,
    api,
    async stop(alsoClose = []) {
      await api.close();
      await Promise.all(alsoClose.map((c) => c.close()));
      await worker.stop();
      await env.teardown();
      temp.close();
    },
  };
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
