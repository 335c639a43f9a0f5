import path from 'node:path';
import type { DataConverter } from '@temporalio/common';
import { Worker, type NativeConnection, type WorkflowBundleOption } from '@temporalio/worker';
import { Client } from '@temporalio/client';
import { createActivities } from '../activities';
import { createEventLoader } from '../activities/event-loader';
import type { HttpSender } from '../activities/http';
import type { Db } from '../db/client';

export const WORKFLOWS_PATH = path.join(__dirname, '..', 'workflows', 'index.ts');

/**
 * How long a stopping worker lets running attempts finish before cancelling them: longer than the 5 s a
 * receiver has to answer plus signing, so a routine restart never records an attempt as failed.
 */
export const WORKER_SHUTDOWN_GRACE = '10 seconds';

export interface CreateWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  db: Db;
  http: HttpSender;
  /** Encrypts what the worker records in Temporal; the same as the clients'. */
  dataConverter: DataConverter;
  /** Attempts run at once (`HOOKLINE_WORKER_MAX_ACTIVITIES`). */
  maxConcurrentActivities?: number;
  /** A prebuilt workflow bundle; by default the workflows are bundled at start (a few seconds). */
  workflowBundle?: WorkflowBundleOption;
  identity?: string;
}

export async function createWorker(options: CreateWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    dataConverter: options.dataConverter,
    shutdownGraceTime: WORKER_SHUTDOWN_GRACE,
    ...(options.maxConcurrentActivities
      ? { maxConcurrentActivityTaskExecutions: options.maxConcurrentActivities }
      : {}),
    ...(options.identity ? { identity: options.identity } : {}),
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    activities: createActivities({
      db: options.db,
      http: options.http,
      // The worker's own connection and keys: it reads what its workflows recorded.
      events: createEventLoader(
        new Client({
          connection: options.connection,
          namespace: options.namespace,
          dataConverter: options.dataConverter,
        }),
      ),
    }),
  });
}
