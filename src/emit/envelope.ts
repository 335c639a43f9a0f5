import { z } from 'zod';
import { EVENT_TYPES, PING_EVENT_TYPE } from '../shared/event-types';

/** Event ids double as the `webhook-id` header and part of the workflow id. */
export const EventIdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._~-]+$/, 'use letters, digits and . _ ~ - only');

export const EventTypeSchema = z.enum(EVENT_TYPES as [string, ...string[]]);

export const EventEnvelopeSchema = z.object({
  id: EventIdSchema,
  type: z.union([EventTypeSchema, z.literal(PING_EVENT_TYPE)]),
  workspaceId: z.string().min(1).max(128),
  timestamp: z.iso.datetime({ offset: true }),
  data: z.record(z.string(), z.unknown()),
});

export const EndpointSchema = z.object({ webhookId: z.string().min(1), url: z.url() });

export const DeliverEventInputSchema = z.object({
  event: EventEnvelopeSchema,
  endpoints: z.array(EndpointSchema).optional(),
  webhookId: z.string().min(1).optional(),
  redeliveryOf: z.string().min(1).optional(),
});
