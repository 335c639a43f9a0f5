import { createHash } from 'node:crypto';

/**
 * The event id for an `Idempotency-Key`: derived from the workspace and the key, so that a repeated
 * request maps onto the same delivery workflow id and Temporal refuses the duplicate, with no table of
 * keys to keep.
 */
export function idempotentEventId(workspaceId: string, idempotencyKey: string): string {
  const digest = createHash('sha256').update(`${workspaceId}\n${idempotencyKey}`).digest('hex');
  return `evt_${digest.slice(0, 32)}`;
}
