import { status as grpcStatus } from '@grpc/grpc-js';
import type { Client } from '@temporalio/client';
import { someCause } from '../../shared/temporal-sdk';
import { TemporalUnavailableError } from './errors';

import type { CursorSigner } from './cursor';

/** The API's view of Temporal: one long-lived client per process, passed in by the entry point. */
export interface TemporalDeps {
  client: Client;
  taskQueue: string;
  namespace: string;
  /** Base URL of the Temporal UI, for the `temporalUiUrl` links. */
  uiUrl: string;
  /** Ask for eager workflow start; useful only when client and worker share a connection. */
  eagerStart?: boolean;
  /**
   * Budget of one API request's calls to Temporal, retries of the SDK included; past it the request
   * answers 503. Defaults to {@link DEFAULT_TEMPORAL_RPC_TIMEOUT_MS}.
   */
  rpcTimeoutMs?: number;
  /** Signs every page cursor the API hands out; by default with a key of this process alone. */
  cursors?: CursorSigner;
}

export const DEFAULT_TEMPORAL_RPC_TIMEOUT_MS = 5_000;

const UNAVAILABLE_CODES: ReadonlySet<number> = new Set([
  grpcStatus.UNAVAILABLE,
  grpcStatus.DEADLINE_EXCEEDED,
  grpcStatus.CANCELLED,
]);

/**
 * Runs calls to Temporal under one deadline and turns "cannot reach the server" into
 * {@link TemporalUnavailableError}. Without a deadline the SDK retries an unreachable server for
 * half a minute, far longer than an HTTP caller waits.
 */
export async function callTemporal<T>(
  temporal: Pick<TemporalDeps, 'client' | 'rpcTimeoutMs'>,
  fn: () => Promise<T>,
): Promise<T> {
  const deadline = Date.now() + (temporal.rpcTimeoutMs ?? DEFAULT_TEMPORAL_RPC_TIMEOUT_MS);
  try {
    return await temporal.client.withDeadline(deadline, fn);
  } catch (err) {
    if (isUnavailable(err)) throw new TemporalUnavailableError({ cause: err });
    throw err;
  }
}

function isUnavailable(err: unknown): boolean {
  return someCause(err, (e) => {
    const code = (e as { code?: unknown }).code;
    return typeof code === 'number' && UNAVAILABLE_CODES.has(code);
  });
}

export function temporalUiUrl(temporal: TemporalDeps, workflowId: string): string {
  const base = temporal.uiUrl.replace(/\/+$/, '');
  return `${base}/namespaces/${encodeURIComponent(temporal.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}
