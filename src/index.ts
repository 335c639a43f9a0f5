/**
 * Hookline for services that emit events: a typed HTTP emitter, a Temporal emitter for services that
 * hold a Temporal client, a typed client for the whole API, and the event catalogue with the schema and
 * an example of each type's data. Importing it loads neither the API nor the database layer.
 */
export type { EmitOptions, EmittedEvent, Emitter } from './emit/emitter';
export { createEmitter, EmitError, type HttpEmitterOptions } from './emit/http-emitter';
export {
  createHooklineClient,
  type ApiResponse,
  type CallOptions,
  type HooklineClient,
  type HooklineClientOptions,
  type OperationId,
  type OperationInput,
  type OperationResult,
} from './client/client';
export {
  HooklineApiError,
  HooklineConnectionError,
  HooklineTimeoutError,
  type ApiInvalidField,
  type ApiProblem,
} from './client/errors';
export type { RetryOptions } from './client/retry';
export type {
  components as HooklineApiComponents,
  operations as HooklineApiOperations,
  paths as HooklineApiPaths,
} from './client/api-types';
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
  CATALOGUE_EVENT_TYPES,
  EVENT_GROUPS,
  EVENT_TYPE_CATALOGUE,
  EVENT_TYPES,
  OPERATIONAL_EVENT_TYPES,
  PING_EVENT_TYPE,
  isCatalogueEventType,
  isEventType,
  isOperationalEventType,
  type CatalogueEventType,
  type EventGroup,
  type EventType,
  type EventTypeInfo,
  type OperationalEventType,
} from './contract/event-types';
export {
  CHECKLIST_ITEM_STATUSES,
  EVENT_DATA_EXAMPLES,
  EVENT_DATA_SCHEMAS,
  LEAD_SOURCES,
  EventDataError,
  eventDataIssues,
  eventDataJsonSchema,
  type ActionLogCompletedData,
  type ActionLogFailedData,
  type ChecklistItem,
  type ChecklistItemStatus,
  type DeliveryExhaustedData,
  type DocumentExtractedData,
  type DocumentReceivedData,
  type EventDataIssue,
  type EventDataMap,
  type LeadCompletedData,
  type LeadCreatedData,
  type LeadSource,
  type LeadUpdatedData,
  type OperationalEventDataMap,
  type WebhookDisabledData,
  type WebhookRecoveredData,
} from './contract/event-data';
