import type { NativeConnection, Worker, WorkflowBundleOption } from '@temporalio/worker';
import { createHttpSender, type HttpSender } from '../activities/http';
import type { Db } from '../db/client';
import { createWorker } from './create-worker';

export interface StartWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  db: Db;
  /** The door to receivers; one is created (and closed with the worker) when absent. */
  http?: HttpSender;
  /** A prebuilt workflow bundle; by default the workflows are bundled at start (a few seconds). */
  workflowBundle?: WorkflowBundleOption;
  identity?: string;
}

export interface RunningWorker {
  worker: Worker;
  taskQueue: string;
  /** Settles when the worker stops: after {@link close}, or earlier if it fails. */
  done: Promise<void>;
  /** Stops polling, lets running activities finish, then releases what the worker opened. */
  close(): Promise<void>;
}

/** Creates the delivery worker and runs it in the background until `close`. */
export async function startWorker(options: StartWorkerOptions): Promise<RunningWorker> {
  const http = options.http ?? createHttpSender();
  const ownsHttp = options.http === undefined;
  let worker: Worker;
  try {
    worker = await createWorker({ ...options, http });
  } catch (err) {
    if (ownsHttp) await http.close();
    throw err;
  }
  const done = worker.run();
  let closing: Promise<void> | undefined;
  return {
    worker,
    taskQueue: options.taskQueue,
    done,
    close() {
      closing ??= (async () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        try {
          await done;
        } finally {
          if (ownsHttp) await http.close();
        }
      })();
      return closing;
    },
  };
}
