import path from 'node:path';
import type { DataConverter } from '@temporalio/common';
import { Worker, type NativeConnection, type WorkflowBundleOption } from '@temporalio/worker';
import { createActivities } from '../activities';
import type { HttpSender } from '../activities/http';
import type { Db } from '../db/client';

export const WORKFLOWS_PATH = path.join(__dirname, '..', 'workflows', 'index.ts');

export interface CreateWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  db: Db;
  http: HttpSender;
  /** Encrypts what the worker records in Temporal; the same as the clients'. */
  dataConverter: DataConverter;
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
    ...(options.identity ? { identity: options.identity } : {}),
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    activities: createActivities({ db: options.db, http: options.http }),
  });
}
