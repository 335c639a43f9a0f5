/**
 * Hookline for services that emit events: a typed HTTP emitter, a Temporal emitter for services that
 * hold a Temporal client, and the event catalogue's types.
 */
export {
  createEmitter,
  createTemporalEmitter,
  EmitError,
  type EmitOptions,
  type EmittedEvent,
  type Emitter,
  type HttpEmitterOptions,
  type ProblemDetails,
  type TemporalEmitterOptions,
} from './emitter';
export { startDelivery, type StartDeliveryOptions, type StartDeliveryResult } from './emit/start-delivery';
export { DeliverEventInputSchema, EventEnvelopeSchema } from './emit/envelope';
export {
  DEFAULT_TASK_QUEUE,
  deliveryWorkflowId,
  type DeliverEventInput,
  type DeliverEventResult,
  type EventEnvelope,
} from './shared/contract';
export { idempotentEventId } from './shared/event-ids';
export {
  EVENT_TYPE_CATALOGUE,
  EVENT_TYPES,
  PING_EVENT_TYPE,
  isEventType,
  type ActionLogData,
  type DocumentData,
  type EventDataMap,
  type EventType,
  type EventTypeInfo,
  type LeadData,
} from './shared/event-types';
