import type { EventEnvelope } from '../contract/delivery';
import { newId } from '../shared/ids';
import { idempotentEventId } from '../shared/event-ids';

export interface BuildEnvelopeInput {
  workspaceId: string;
  type: EventEnvelope['type'];
  /** Copied: the envelope never shares objects with the caller. */
  data: object;
  /** The caller's id for the event; wins over `idempotencyKey`. */
  id?: string;
  /** Used for the id when none is given: the same key always maps to the same event. */
  idempotencyKey?: string;
  /** When the event happened; now when absent. */
  occurredAt?: Date | string;
}

/**
 * The one place an event envelope is made, for the API, the emitters and test events alike: the id is
 * the caller's, else derived from the idempotency key, else new; the timestamp is normalised to ISO 8601
 * in UTC.
 */
export function buildEnvelope(input: BuildEnvelopeInput, now: Date = new Date()): EventEnvelope {
  const id =
    input.id ?? (input.idempotencyKey ? idempotentEventId(input.workspaceId, input.idempotencyKey) : newId('evt'));
  const occurredAt = input.occurredAt === undefined ? now : new Date(input.occurredAt);
  return {
    id,
    type: input.type,
    workspaceId: input.workspaceId,
    timestamp: occurredAt.toISOString(),
    data: { ...input.data } as Record<string, unknown>,
  };
}
