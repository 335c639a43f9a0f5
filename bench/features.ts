/**
 * The parts of a delivery that the bench can switch off one at a time, to price each against the
 * trivial-workflow ceiling. Only the bench ever switches them off: every deployment runs with all on.
 */
import path from 'node:path';
import type { WorkflowClientInterceptor } from '@temporalio/client';
import { bundleWorkflowCode, type WorkflowBundleOption } from '@temporalio/worker';
import type { HttpSender, OutgoingRequest } from '../src/activities/http';
import { WORKFLOWS_PATH } from '../src/worker/create-worker';

export interface DeliveryFeatures {
  /**
   * Hookline's search attributes: the five set in the start request and the upserts of the workflow
   * (outcome at close, `retrying` at a retried attempt).
   */
  searchAttributes: boolean;
  /**
   * The markers of the workflow's `patched()` calls, each with the `TemporalChangeVersion` upsert the SDK
   * adds; off, every patch is taken without a marker, as workflows started once a patch is retired are.
   */
  patchMarkers: boolean;
  /** The workflow's static summary in the start request and each attempt's activity summary. */
  summaries: boolean;
  /**
   * The event's `data`: the documented example of its type (`example`), `{}` (`minimal`), or the example
   * padded until the event's JSON is about this many bytes.
   */
  payload: 'example' | 'minimal' | number;
  /** Payloads encrypted with Hookline's AES-256-GCM codec. */
  codec: boolean;
  /** The signed POST to the receiver; off, the attempt does everything else and is answered 200 in memory. */
  post: boolean;
}

export const ALL_ON: DeliveryFeatures = {
  searchAttributes: true,
  patchMarkers: true,
  summaries: true,
  payload: 'example',
  codec: true,
  post: true,
};

export const ALL_OFF: DeliveryFeatures = {
  searchAttributes: false,
  patchMarkers: false,
  summaries: false,
  payload: 'minimal',
  codec: false,
  post: false,
};

/** What is off, for reports: `all on` when nothing is. */
export function describeFeatures(features: DeliveryFeatures): string {
  const off = [
    features.searchAttributes ? undefined : 'search attributes',
    features.patchMarkers ? undefined : 'patch markers',
    features.summaries ? undefined : 'summaries',
    features.codec ? undefined : 'codec',
    features.post ? undefined : 'POST',
  ].filter((part): part is string => part !== undefined);
  const payload =
    features.payload === 'example'
      ? undefined
      : features.payload === 'minimal'
        ? 'payload {}'
        : `payload ${formatBytes(features.payload)}`;
  if (off.length === 0) return payload ?? 'all on';
  return [`${off.join(', ')} off`, ...(payload ? [payload] : [])].join('; ');
}

export function formatBytes(bytes: number): string {
  return bytes >= 1024 ? `${Math.round(bytes / 1024)} KiB` : `${bytes} B`;
}

/** Strips the search attributes and/or the static summary from every workflow start of a client. */
export function startStripper(features: DeliveryFeatures): WorkflowClientInterceptor | undefined {
  if (features.searchAttributes && features.summaries) return undefined;
  return {
    startWithDetails(input, next) {
      const options = { ...input.options };
      if (!features.searchAttributes) {
        delete options.searchAttributes;
        delete options.typedSearchAttributes;
      }
      if (!features.summaries) delete options.staticSummary;
      return next({ ...input, options });
    },
  };
}

/**
 * The delivery workflows bundled without what is off: a module standing in for `@temporalio/workflow`
 * in Hookline's own code (see `shims/`) makes `upsertSearchAttributes` a no-op or takes patches without
 * markers, and an interceptor drops each activity's summary. Undefined when the workflows run as deployed.
 */
export async function bundleFor(features: DeliveryFeatures): Promise<WorkflowBundleOption | undefined> {
  const shim = workflowShim(features);
  if (!shim && features.summaries) return undefined;
  const { code } = await bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    workflowInterceptorModules: features.summaries ? [] : [path.join(SHIMS, 'no-activity-summaries.ts')],
    webpackConfigHook: shim
      ? (config) => ({
          ...config,
          resolve: {
            ...config.resolve,
            alias: { ...(config.resolve?.alias as Record<string, string> | undefined), '@temporalio/workflow$': shim },
          },
        })
      : undefined,
    logger: quietBundlerLogger,
  });
  return { code };
}

const SHIMS = path.join(__dirname, 'shims');

/** The module standing in for `@temporalio/workflow` in Hookline's workflow code, if any part it serves is off. */
function workflowShim({ searchAttributes, patchMarkers }: DeliveryFeatures): string | undefined {
  if (searchAttributes && patchMarkers) return undefined;
  const name = searchAttributes ? 'without-patch-markers' : patchMarkers ? 'without-upserts' : 'without-either';
  return path.join(SHIMS, `workflow-${name}.ts`);
}

const ignore = () => undefined;
const quietBundlerLogger = {
  trace: ignore,
  debug: ignore,
  info: ignore,
  warn: ignore,
  error: console.error,
  log: ignore,
};

/**
 * Answers every attempt 200 at once, without a connection, and tells the receiver the delivery
 * arrived, so that the bench's timings still end where a request would have landed.
 */
export function inMemorySender(arrived: (webhookId: string) => void): HttpSender {
  return {
    async send(req: OutgoingRequest) {
      const id = req.headers['webhook-id'];
      if (id) arrived(id);
      return { kind: 'response', statusCode: 200, bodyExcerpt: '', bodyComplete: true, durationMs: 0 };
    },
    close: async () => undefined,
  };
}
