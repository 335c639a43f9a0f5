/**
 * Hookline for services that emit events: a typed HTTP emitter, a Temporal emitter for services that
 * hold a Temporal client, and the event catalogue's types. Importing it loads neither the API nor the
 * database layer.
 */
export type { EmitOptions, EmittedEvent, Emitter } from './emit/emitter';
export { createEmitter, EmitError, type HttpEmitterOptions } from './emit/http-emitter';
export { createTemporalEmitter, type TemporalEmitterOptions } from './emit/temporal-emitter';
export { buildEnvelope, type BuildEnvelopeInput } from './emit/envelope';
export {
  startDelivery,
  type EndpointResolver,
  type StartDeliveryOptions,
  type StartDeliveryResult,
} from './emit/start-delivery';
export { DeliverEventInputSchema, EventEnvelopeSchema } from './contract/envelope';
export type { Problem, Problem as ProblemDetails } from './contract/problem';
export {
  DEFAULT_TASK_QUEUE,
  deliveryWorkflowId,
  type DeliverEventInput,
  type DeliverEventResult,
  type EventEnvelope,
  type FindEndpointsInput,
} from './contract/delivery';
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
} from './contract/event-types';
