import type { EmittedEvent as AcceptedEvent } from '../contract/envelope';
import type { EventDataMap } from '../contract/event-data';
import type { EventType } from '../contract/event-types';

export interface EmitOptions {
  /** Your id for the event: emitting the same id again delivers nothing twice. Generated when absent. */
  id?: string;
  /** When the event happened; now when absent. */
  occurredAt?: Date | string;
  /** Used for the id when none is given: the same key always maps to the same event. */
  idempotencyKey?: string;
}

/** What Hookline accepted. */
export interface EmittedEvent extends AcceptedEvent {
  /** True when the event had been emitted before: this is the original, and nothing new was started. */
  replayed: boolean;
}

/**
 * Emits events whose `data` type follows their event type: the types are inferred from the schemas that
 * `POST /v1/events` checks `data` against. Only the services' types are accepted; the operational ones
 * are Hookline's.
 */
export interface Emitter {
  emit<T extends EventType>(type: T, data: EventDataMap[T], options?: EmitOptions): Promise<EmittedEvent>;
}
