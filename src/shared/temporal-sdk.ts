/**
 * The one module that reaches into the Temporal SDK's `lib/*` internals, so that an SDK upgrade that
 * moves them breaks here and nowhere else. Also the small helpers built on them.
 */
import { status as grpcStatus } from '@grpc/grpc-js';
import { WorkflowNotFoundError } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';

export { msToNumber, optionalTsToDate, optionalTsToMs } from '@temporalio/common/lib/time';
export {
  encodeSearchAttributeIndexedValueType,
  type SearchAttributeKey,
} from '@temporalio/common/lib/search-attributes';
export type { EphemeralServerExecutable } from '@temporalio/testing/lib/ephemeral-server';
export { decode as decodeUtf8, encode as encodeUtf8 } from '@temporalio/common/lib/encoding';
export {
  decode as decodeWithCodecs,
  decodeFailure as decodeFailureWithCodecs,
  decodeFromPayloadsAtIndex,
  decodeOptionalSinglePayload,
  encodeToPayloads,
  loadDataConverter,
} from '@temporalio/common/lib/internal-non-workflow';

/** Decodes a payload written by the SDK's default converter (JSON, in our workflows). */
export function decodePayload<T>(payload: Payload | null | undefined): T | undefined {
  if (!payload) return undefined;
  return defaultPayloadConverter.fromPayload<T>(payload);
}

/** Walks an error's `cause` chain (a few levels) for one that matches. */
export function someCause(err: unknown, matches: (e: unknown) => boolean): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (matches(e)) return true;
  }
  return false;
}

/** True when Temporal answered that the workflow does not exist. */
export function isWorkflowNotFound(err: unknown): boolean {
  return someCause(
    err,
    (e) => e instanceof WorkflowNotFoundError || (e as { code?: unknown }).code === grpcStatus.NOT_FOUND,
  );
}
