/**
 * The event as it travels: the JSON body of every delivery, the start input of the delivery workflow
 * and what the API answers when it accepts an event. One zod schema each; the types are inferred from
 * them. Workflow code imports the types only, so its bundle carries no zod.
 */
import { z } from 'zod';
import {
  EVENT_TYPES,
  OPERATIONAL_EVENT_TYPES,
  PING_EVENT_TYPE,
  type EventType,
  type OperationalEventType,
} from './event-types';

/** Event ids double as the `webhook-id` header and part of the workflow id. */
export const EventIdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._~-]+$/, 'use letters, digits and . _ ~ - only');

export const EventTypeSchema = z.enum(EVENT_TYPES as [EventType, ...EventType[]], {
  error: `must be one of ${EVENT_TYPES.join(', ')}`,
});

/** The JSON body of every delivery. */
export const EventEnvelopeSchema = z.object({
  /** Unique within the workspace; also the `webhook-id` header, so receivers can drop duplicates. */
  id: EventIdSchema,
  /** A service's event type, or one Hookline emits itself: an operational event or a test ping. */
  type: z.union([
    EventTypeSchema,
    z.enum(OPERATIONAL_EVENT_TYPES as [OperationalEventType, ...OperationalEventType[]]),
    z.literal(PING_EVENT_TYPE),
  ]),
  workspaceId: z.string().min(1).max(128),
  /** ISO 8601 time at which the event happened. */
  timestamp: z.iso.datetime({ offset: true }),
  data: z.record(z.string(), z.unknown()),
});
export type EventEnvelope = z.infer<typeof EventEnvelopeSchema>;

/** What the API answers when it accepts an event: the envelope without its data. */
export const EmittedEventSchema = EventEnvelopeSchema.omit({ data: true });
export type EmittedEvent = z.infer<typeof EmittedEventSchema>;

/** One webhook a delivery goes to: ids and URLs only, never secrets, because it is recorded in history. */
export const EndpointSchema = z.object({
  webhookId: z.string().min(1),
  url: z.url(),
  /** Absent for the standard schedule, which every delivery from before schedules followed. */
  retrySchedule: z.enum(['standard', 'extended']).optional(),
});
export type Endpoint = z.infer<typeof EndpointSchema>;

export const DeliverEventInputSchema = z.object({
  event: EventEnvelopeSchema,
  /**
   * The endpoints, when the emitter resolved the subscriptions itself (see `startDelivery`'s
   * `resolveEndpoints` option). Without them the workflow looks them up in a local activity, which
   * costs the worker an extra workflow activation per event.
   */
  endpoints: z.array(EndpointSchema).optional(),
  /** Deliver to this webhook only (test events and redelivery to one endpoint). */
  webhookId: z.string().min(1).optional(),
  /** Workflow id of the delivery this one repeats. */
  redeliveryOf: z.string().min(1).optional(),
  /**
   * What started it, as attempts and search report it; without it, a redelivery when `redeliveryOf` is
   * set, otherwise a scheduled delivery.
   */
  trigger: z.enum(['scheduled', 'redelivery', 'recovery', 'test']).optional(),
  /** The recovery that started this redelivery. */
  recoveryId: z.string().min(1).optional(),
});
export type DeliverEventInput = z.infer<typeof DeliverEventInputSchema>;
