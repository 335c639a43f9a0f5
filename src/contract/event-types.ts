/**
 * The event catalogue: every event type, what it means, its group, and whether services emit it or
 * Hookline does. The schemas and examples of `data` live in `event-data.ts`, which loads zod; workflow
 * code reaches this module, so it stays free of zod, I/O and Node built-ins and takes only the types
 * of `data` from there.
 */
import type { EventDataMap, OperationalEventDataMap } from './event-data';

export type {
  ActionLogCompletedData,
  ActionLogFailedData,
  ChecklistItem,
  ChecklistItemStatus,
  DeliveryExhaustedData,
  DocumentExtractedData,
  DocumentReceivedData,
  EventDataMap,
  LeadCompletedData,
  LeadCreatedData,
  LeadSource,
  LeadUpdatedData,
  OperationalEventDataMap,
  WebhookDisabledData,
  WebhookRecoveredData,
} from './event-data';

/** An event type a service can emit. */
export type EventType = keyof EventDataMap;

/**
 * An event Hookline emits itself about deliveries and webhooks. A webhook receives one only when it
 * names it: `*` stands for the services' events, and an operational event's own failure never produces
 * another.
 */
export type OperationalEventType = keyof OperationalEventDataMap;

/** Any type in the catalogue: what a webhook can subscribe to. */
export type CatalogueEventType = EventType | OperationalEventType;

/** The groups of the catalogue, as the product's documentation lists them, and Hookline's own. */
export const EVENT_GROUPS = ['Action Log', 'Document', 'Lead', 'Operational'] as const;
export type EventGroup = (typeof EVENT_GROUPS)[number];

export interface EventTypeInfo<T extends CatalogueEventType = CatalogueEventType> {
  type: T;
  description: string;
  group: EventGroup;
  /** True for the events Hookline emits itself; services cannot emit them. */
  operational: T extends OperationalEventType ? true : false;
}

export const EVENT_TYPE_CATALOGUE: { readonly [T in CatalogueEventType]: EventTypeInfo<T> } = {
  'action_log.completed': {
    type: 'action_log.completed',
    description: 'An agent action completed successfully.',
    group: 'Action Log',
    operational: false,
  },
  'action_log.failed': {
    type: 'action_log.failed',
    description: 'An agent action failed.',
    group: 'Action Log',
    operational: false,
  },
  'document.received': {
    type: 'document.received',
    description: 'A document was received.',
    group: 'Document',
    operational: false,
  },
  'document.extracted': {
    type: 'document.extracted',
    description: 'Extraction of a document completed, successfully or not.',
    group: 'Document',
    operational: false,
  },
  'lead.created': {
    type: 'lead.created',
    description: 'A lead was created.',
    group: 'Lead',
    operational: false,
  },
  'lead.updated': {
    type: 'lead.updated',
    description: 'A lead was updated; the data holds only the fields that changed.',
    group: 'Lead',
    operational: false,
  },
  'lead.completed': {
    type: 'lead.completed',
    description: 'A lead application was completed: every required checklist item is done or needs review.',
    group: 'Lead',
    operational: false,
  },
  'webhook.disabled': {
    type: 'webhook.disabled',
    description: 'Hookline disabled a webhook, which receives nothing more until it is enabled again.',
    group: 'Operational',
    operational: true,
  },
  'delivery.exhausted': {
    type: 'delivery.exhausted',
    description: 'A delivery failed its last attempt; the event did not reach the webhook.',
    group: 'Operational',
    operational: true,
  },
  'webhook.recovered': {
    type: 'webhook.recovered',
    description: 'A recovery redelivered the deliveries that failed in a time window.',
    group: 'Operational',
    operational: true,
  },
};

/** Every type of the catalogue, the services' first. */
export const CATALOGUE_EVENT_TYPES = Object.keys(EVENT_TYPE_CATALOGUE) as readonly CatalogueEventType[];

/** The types a service can emit. */
export const EVENT_TYPES = CATALOGUE_EVENT_TYPES.filter(
  (type) => !EVENT_TYPE_CATALOGUE[type].operational,
) as readonly EventType[];

/** The types Hookline emits itself; see {@link OperationalEventType}. */
export const OPERATIONAL_EVENT_TYPES = CATALOGUE_EVENT_TYPES.filter(
  (type) => EVENT_TYPE_CATALOGUE[type].operational,
) as readonly OperationalEventType[];

/** Sent by `POST /v1/webhooks/:id/test` when no type is given; never emitted by services. */
export const PING_EVENT_TYPE = 'webhook.ping';

export function isCatalogueEventType(value: string): value is CatalogueEventType {
  return Object.prototype.hasOwnProperty.call(EVENT_TYPE_CATALOGUE, value);
}

/** Whether a service may emit `value`. */
export function isEventType(value: string): value is EventType {
  return isCatalogueEventType(value) && !EVENT_TYPE_CATALOGUE[value].operational;
}

export function isOperationalEventType(value: string): value is OperationalEventType {
  return isCatalogueEventType(value) && EVENT_TYPE_CATALOGUE[value].operational;
}
