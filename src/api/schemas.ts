import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { ALL_EVENTS } from '../db/webhooks';
import { EventIdSchema } from '../emit/envelope';
import { DELIVERY_STATUSES, EVENT_DELIVERY_STATUSES } from './domain/delivery-status';
import { EVENT_TYPES, PING_EVENT_TYPE, type EventType } from '../shared/event-types';
import { isWebhookSecret } from '../shared/webhook-secret';

// The request schemas below both validate requests and generate the OpenAPI document.
extendZodWithOpenApi(z);

/** Header names Hookline sets itself; a webhook cannot override them. */
const RESERVED_HEADERS = new Set([
  'content-type',
  'content-length',
  'host',
  'user-agent',
  'connection',
  'transfer-encoding',
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
]);

const EventTypeSchema = z
  .enum(EVENT_TYPES as [EventType, ...EventType[]], { error: `must be one of ${EVENT_TYPES.join(', ')}` })
  .openapi('EventType');

const ResourceId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._~-]+$/, 'use letters, digits and . _ ~ - only');

export const WebhookIdParams = z.object({ id: ResourceId.openapi({ example: 'wh_mf1x2k3l4a1b2c3d4e5f6a7b8' }) });
export const EventIdParams = z.object({ id: EventIdSchema.clone().openapi({ example: 'evt_lead_8f2c1a_created' }) });
export const RedeliveryParams = z.object({ id: EventIdSchema, redeliveryId: ResourceId });

const WebhookUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http or https URL' })
  .max(2048)
  .openapi({ example: 'https://example.com/hooks/hookline' });

const EventSelector = z
  .union([EventTypeSchema, z.literal(ALL_EVENTS)], {
    error: `must be one of ${[...EVENT_TYPES, ALL_EVENTS].join(', ')}`,
  })
  .openapi({ description: 'An event type, or `*` for all.' });

const WebhookSecret = z
  .string()
  .refine(isWebhookSecret, 'must be `whsec_` followed by base64 of 24 to 64 bytes')
  .openapi({ example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' });

const Headers = z
  .record(
    z
      .string()
      .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be a valid header name')
      .refine((name) => !RESERVED_HEADERS.has(name.toLowerCase()), 'is set by Hookline and cannot be overridden'),
    z
      .string()
      .max(1024)
      .regex(/^[^\r\n]*$/, 'must not contain line breaks'),
  )
  .refine((headers) => Object.keys(headers).length <= 20, 'at most 20 headers')
  .openapi({ description: 'Extra headers sent with every delivery.', example: { 'x-tenant': 'acme' } });

const webhookFields = {
  url: WebhookUrl,
  events: z.array(EventSelector).min(1, 'must name at least one event type').max(50),
  secret: WebhookSecret.optional().openapi({ description: 'Generated when absent.' }),
  description: z.string().max(500).optional(),
  enabled: z.boolean().optional(),
  headers: Headers.optional(),
};

export const CreateWebhookBody = z.strictObject(webhookFields).openapi('CreateWebhookRequest');

export const UpdateWebhookBody = z
  .strictObject({
    ...webhookFields,
    url: WebhookUrl.optional(),
    events: webhookFields.events.optional(),
    secret: WebhookSecret.optional().openapi({
      description: 'Replaces the secret at once; use rotate-secret to keep the old one valid for a while.',
    }),
  })
  .refine((body) => Object.keys(body).length > 0, 'send at least one field to change')
  .openapi('UpdateWebhookRequest');

export const Webhook = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.array(z.string()),
    description: z.string(),
    enabled: z.boolean(),
    disabledReason: z.string().nullable(),
    headers: z.record(z.string(), z.string()),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Webhook');

export const WebhookWithSecret = Webhook.extend({ secret: z.string() }).openapi('WebhookWithSecret');

export const PageQuery = (max: number, fallback: number) =>
  z.object({
    limit: z.coerce.number().int().min(1).max(max).default(fallback),
    cursor: z.string().min(1).max(2048).optional(),
  });

export const WebhookListQuery = PageQuery(250, 50);

export const WebhookList = z
  .object({ data: z.array(Webhook), nextCursor: z.string().nullable() })
  .openapi('WebhookList');

export const SecretResponse = z.object({ secret: z.string() }).openapi('WebhookSecret');

export const RotateSecretBody = z
  .strictObject({
    secret: WebhookSecret.optional(),
    gracePeriodSeconds: z
      .number()
      .int()
      .min(0)
      .max(7 * 24 * 3600)
      .optional()
      .openapi({ description: 'How long the previous secret keeps signing deliveries. Default 86400 (24 h).' }),
  })
  .openapi('RotateSecretRequest');

export const RotatedSecret = z
  .object({ secret: z.string(), previousSecretExpiresAt: z.string() })
  .openapi('RotatedSecret');

export const TestWebhookBody = z
  .strictObject({
    type: EventTypeSchema.optional().openapi({ description: `Default: a \`${PING_EVENT_TYPE}\` event.` }),
  })
  .openapi('TestWebhookRequest');

export const TestWebhookResponse = z
  .object({ eventId: z.string(), temporalUiUrl: z.string() })
  .openapi('TestWebhookAccepted');

export const EventTypeList = z
  .object({
    data: z.array(z.object({ type: z.string(), description: z.string(), example: z.record(z.string(), z.unknown()) })),
  })
  .openapi('EventTypeList');

export const EmitEventBody = z
  .strictObject({
    id: EventIdSchema.optional().openapi({
      description: 'Your id for the event; sending the same id again is answered with the original event.',
    }),
    type: EventTypeSchema,
    data: z.record(z.string(), z.unknown()).openapi({ description: 'Shaped as the example of `type`.' }),
    occurredAt: z.iso.datetime({ offset: true }).optional().openapi({ description: 'Default: now.' }),
  })
  .openapi('EmitEventRequest');

export const EmitEventHeaders = z.object({
  'idempotency-key': z.string().min(1).max(255).optional().openapi({
    description:
      'Makes retries safe without choosing an id: the same key always maps to the same event. Ignored when the body has an `id`.',
  }),
});

export const EmittedEvent = z
  .object({ id: z.string(), type: z.string(), workspaceId: z.string(), timestamp: z.string() })
  .openapi('EmittedEvent');

export const EventEnvelope = z
  .object({
    id: z.string(),
    type: z.string(),
    workspaceId: z.string(),
    timestamp: z.string(),
    data: z.record(z.string(), z.unknown()),
  })
  .openapi('EventEnvelope');

const Delivery = {
  status: z.enum(DELIVERY_STATUSES),
  attempts: z.number().int().openapi({ description: 'Attempts that have ended so far.' }),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
  completedAt: z.string().nullable(),
};

export const EventStatus = z
  .object({
    event: EventEnvelope,
    status: z.enum(EVENT_DELIVERY_STATUSES),
    webhookId: z.string().nullable().openapi({ description: 'Set when this delivery targets one webhook only.' }),
    redeliveryOf: z.string().nullable(),
    startedAt: z.string(),
    closedAt: z.string().nullable(),
    deliveries: z.array(z.object({ webhookId: z.string(), url: z.string().nullable(), ...Delivery })),
    temporalUiUrl: z.string().openapi({ description: "Opens this event's workflow in the Temporal UI." }),
  })
  .openapi('EventStatus');

export const RedeliverBody = z
  .strictObject({ webhookId: ResourceId.optional().openapi({ description: 'Default: every endpoint.' }) })
  .openapi('RedeliverRequest');

export const RedeliveryAccepted = z
  .object({
    eventId: z.string(),
    redeliveryId: z.string(),
    webhookId: z.string().nullable(),
    temporalUiUrl: z.string(),
  })
  .openapi('RedeliveryAccepted');

export const DeliveryListQuery = PageQuery(100, 20).extend({ status: z.enum(DELIVERY_STATUSES).optional() });

export const DeliveryList = z
  .object({
    data: z.array(
      z.object({
        eventId: z.string(),
        eventType: z.string(),
        redeliveryId: z.string().nullable(),
        ...Delivery,
        startedAt: z.string(),
        temporalUiUrl: z.string(),
      }),
    ),
    nextCursor: z.string().nullable(),
  })
  .openapi('DeliveryList');

export const Health = z.object({ status: z.literal('ok') }).openapi('Health');

export const Readiness = z
  .object({
    status: z.enum(['ready', 'unavailable']),
    checks: z.object({ sqlite: z.enum(['ok', 'failing']), temporal: z.enum(['ok', 'failing']) }),
  })
  .openapi('Readiness');

export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .openapi('Problem', { description: 'RFC 9457 problem details.' });
