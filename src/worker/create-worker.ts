import fs from 'node:fs';
import path from 'node:path';
import type { DataConverter } from '@temporalio/common';
import { Worker, type NativeConnection, type WorkflowBundleOption } from '@temporalio/worker';
import { Client } from '@temporalio/client';
import { createActivities } from '../activities';
import { createEventLoader } from '../activities/event-loader';
import { createHealthActivities } from '../activities/health';
import { tracedSender, type HttpSender } from '../activities/http';
import { createDeliveryNotifier } from '../activities/notifier';
import { createRecoveryActivities } from '../activities/recovery';
import { DEFAULT_AUTO_DISABLE_POLICY, type AutoDisablePolicy } from '../contract/health';
import type { Db } from '../db/client';
import { endpointResolver } from '../db/webhooks';
import type { HooklineMetrics } from '../shared/metrics';
import type { Tracing } from '../shared/tracing';

/** The workflows' entry: the sources under tsx and the tests, the compiled files in `dist/`. */
export const WORKFLOWS_PATH = path.join(
  __dirname,
  '..',
  'workflows',
  __filename.endsWith('.ts') ? 'index.ts' : 'index.js',
);

/**
 * The bundle `npm run build` writes next to the compiled code (`dist/workflow-bundle.js`); a worker
 * started from `dist/` loads it instead of bundling at start. Never present beside the sources.
 */
export const PREBUILT_WORKFLOW_BUNDLE = path.join(__dirname, '..', 'workflow-bundle.js');

/** The same with the workflow tracing interceptors (`WORKFLOW_TRACING_MODULE`), for workers that trace. */
export const PREBUILT_TRACED_WORKFLOW_BUNDLE = path.join(__dirname, '..', 'workflow-bundle-traced.js');

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
  /**
   * A prebuilt workflow bundle; by default the workflows are bundled at start (a few seconds). With
   * `tracing`, it must have been bundled with `workflowInterceptorModules: [WORKFLOW_TRACING_MODULE]` (`src/shared/tracing.ts`).
   */
  workflowBundle?: WorkflowBundleOption;
  identity?: string;
  /** When failing webhooks are disabled (`HOOKLINE_AUTO_DISABLE_*`); null: never. */
  autoDisable?: AutoDisablePolicy | null;
  /** The process's metrics, which attempts and redeliveries are counted in. */
  metrics?: HooklineMetrics;
  /** Traces workflows, activities and the POSTs to receivers; absent: no interceptor is installed. */
  tracing?: Tracing;
}

export async function createWorker(options: CreateWorkerOptions): Promise<Worker> {
  const { tracing } = options;
  const http = tracing ? tracedSender(options.http, tracing.tracer) : options.http;
  const source = workflowSource(options.workflowBundle, tracing !== undefined);
  // The worker's own connection and keys: it reads what its workflows recorded and signals them.
  const client = new Client({
    connection: options.connection,
    namespace: options.namespace,
    dataConverter: options.dataConverter,
    ...(tracing ? { interceptors: tracing.clientInterceptors } : {}),
  });
  const events = createEventLoader(client);
  const resolveEndpoints = endpointResolver(options.db);
  const notifier = createDeliveryNotifier({
    client,
    taskQueue: options.taskQueue,
    policy: options.autoDisable === undefined ? DEFAULT_AUTO_DISABLE_POLICY : options.autoDisable,
    resolveEndpoints,
  });
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
    ...source,
    ...(tracing?.workerOptions({ bundleAtStart: 'workflowsPath' in source }) ?? {}),
    activities: {
      ...createActivities({ db: options.db, http, events, notifier, metrics: options.metrics }),
      ...createHealthActivities({ db: options.db, notifier }),
      ...createRecoveryActivities({
        client,
        namespace: options.namespace,
        taskQueue: options.taskQueue,
        db: options.db,
        events,
        notifier,
        resolveEndpoints,
        metrics: options.metrics,
      }),
    },
  });
}

/**
 * The bundle a worker that traces runs includes the workflow tracing interceptors; one that does not
 * runs a bundle without them, so that tracing off costs nothing in workflows.
 */
function workflowSource(bundle: WorkflowBundleOption | undefined, traced: boolean) {
  if (bundle) return { workflowBundle: bundle };
  const prebuilt = traced ? PREBUILT_TRACED_WORKFLOW_BUNDLE : PREBUILT_WORKFLOW_BUNDLE;
  if (fs.existsSync(prebuilt)) return { workflowBundle: { codePath: prebuilt } };
  return { workflowsPath: WORKFLOWS_PATH };
}
