import type { DataConverter } from '@temporalio/common';
import type { NativeConnection, Worker, WorkflowBundleOption } from '@temporalio/worker';
import { createHttpSender, type HttpSender } from '../activities/http';
import type { Db } from '../db/client';
import type { AutoDisablePolicy } from '../contract/health';
import type { GuardOptions } from '../security/network-guard';
import type { HooklineMetrics } from '../shared/metrics';
import type { Tracing } from '../shared/tracing';
import { createWorker } from './create-worker';

export interface StartWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  db: Db;
  /** Encrypts what the worker records in Temporal; the same as the clients'. */
  dataConverter: DataConverter;
  /** Which networks receivers may be in; see `HOOKLINE_ALLOWED_NETWORKS`. */
  guard: GuardOptions;
  /** The door to receivers; one is created from `guard` (and closed with the worker) when absent. */
  http?: HttpSender;
  /** Attempts run at once (`HOOKLINE_WORKER_MAX_ACTIVITIES`). */
  maxConcurrentActivities?: number;
  /** A prebuilt workflow bundle; by default the workflows are bundled at start (a few seconds). */
  workflowBundle?: WorkflowBundleOption;
  identity?: string;
  /** When failing webhooks are disabled (`HOOKLINE_AUTO_DISABLE_*`); null: never. */
  autoDisable?: AutoDisablePolicy | null;
  /** The process's metrics, which attempts and redeliveries are counted in. */
  metrics?: HooklineMetrics;
  /** Traces workflows, activities and the POSTs to receivers; absent: no interceptor is installed. */
  tracing?: Tracing;
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
  const http = options.http ?? createHttpSender(options.guard);
  const ownsHttp = options.http === undefined;
  let worker: Worker;
  try {
    const { guard: _guard, ...workerOptions } = options;
    worker = await createWorker({ ...workerOptions, http });
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
