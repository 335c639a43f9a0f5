import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { eventDataIssues } from '../contract/event-data';
import {
  CATALOGUE_EVENT_TYPES,
  EVENT_GROUPS,
  EVENT_TYPES,
  PING_EVENT_TYPE,
  isOperationalEventType,
  type CatalogueEventType,
  type EventType,
} from '../contract/event-types';
import { DELIVERY_TRIGGERS } from '../contract/delivery';
import { EmittedEventSchema, EventEnvelopeSchema, EventIdSchema } from '../contract/envelope';
import { ProblemSchema } from '../contract/problem';
import { API_KEY_STATUSES, MAX_API_KEY_LIFETIME_SECONDS } from '../db/api-keys';
import { API_KEY_SCOPES } from '../db/schema';
import { ALL_EVENTS } from '../db/webhooks';
import { isWebhookSecret } from '../shared/webhook-secret';
import { nestsDeeperThan } from './json-walk';

// The request schemas below validate requests; the response schemas type what handlers return (see
// `defineRoute`) and give the domain its view types; both generate the OpenAPI document.
extendZodWithOpenApi(z);

/** The longest webhook URL accepted. */
const MAX_URL_LENGTH = 2048;
/** Entries of a webhook's `events`. The catalogue is far shorter: this bounds repeats, not choice. */
const MAX_EVENT_SELECTORS = 50;
const MAX_DESCRIPTION_LENGTH = 500;
/** Custom headers per webhook, and the size of each name and value. */
const MAX_HEADERS = 20;
const MAX_HEADER_NAME_LENGTH = 64;
const MAX_HEADER_VALUE_LENGTH = 1024;
/**
 * Levels an event's `data` may nest, `data` itself being the first. Deeper documents are refused before
 * they reach code that recurses over them (JSON.stringify in the payload converter), which would overflow.
 */
const MAX_EVENT_DATA_DEPTH = 32;

/**
 * Header names a webhook cannot set: those Hookline sets itself, and those that describe the connection
 * rather than the request (hop-by-hop, RFC 9110 section 7.6.1), which a proxy would drop or act on.
 */
const REFUSED_HEADERS = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
  'content-type',
  'expect',
  'user-agent',
]);
/** Standard Webhooks' names (`webhook-id`, `webhook-signature`, …), present and future, are Hookline's. */
const REFUSED_HEADER_PREFIX = 'webhook-';

/** RFC 9110 `token`: the characters a header name may have. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/**
 * RFC 9110 field values without obs-text: visible ASCII, with spaces or tabs only between characters
 * (leading and trailing ones are stripped by receivers). No control characters, so no CR, LF or NUL;
 * no bytes above 0x7F either, which receivers decode differently and which a JavaScript string above
 * U+00FF cannot even carry onto the wire.
 */
const HEADER_VALUE = /^(?:[\x21-\x7e](?:[\x21-\x7e \t]*[\x21-\x7e])?)?$/;

/** What `POST /v1/events` takes: the services' types; Hookline's own are refused by name. */
const EventTypeSchema = z
  .enum(EVENT_TYPES as [EventType, ...EventType[]], {
    error: ({ input }) =>
      typeof input === 'string' && (isOperationalEventType(input) || input === PING_EVENT_TYPE)
        ? 'is emitted by Hookline only'
        : `must be one of ${EVENT_TYPES.join(', ')}`,
  })
  .openapi('EventType', { description: 'An event type a service can emit.' });

/** What webhooks subscribe to and test events send: every type of the catalogue. */
const CatalogueEventTypeSchema = z
  .enum(CATALOGUE_EVENT_TYPES as [CatalogueEventType, ...CatalogueEventType[]], {
    error: `must be one of ${CATALOGUE_EVENT_TYPES.join(', ')}`,
  })
  .openapi('CatalogueEventType', {
    description: "An event type of the catalogue: a service's, or one Hookline emits itself (operational).",
  });

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
  .max(MAX_URL_LENGTH, `must be at most ${MAX_URL_LENGTH} characters`)
  .openapi({ example: 'https://example.com/hooks/hookline' });

const EventSelector = z
  .union([CatalogueEventTypeSchema, z.literal(ALL_EVENTS)], {
    error: `must be one of ${[...CATALOGUE_EVENT_TYPES, ALL_EVENTS].join(', ')}`,
  })
  .openapi({
    description:
      "An event type, or `*` for every type services emit. Hookline's operational events reach only the webhooks that name them.",
  });

const WebhookSecret = z
  .string()
  .refine(isWebhookSecret, 'must be `whsec_` followed by base64 of 24 to 64 bytes')
  .openapi({ example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' });

const Headers = z
  .record(
    z
      .string()
      .max(MAX_HEADER_NAME_LENGTH, `must be at most ${MAX_HEADER_NAME_LENGTH} characters`)
      .regex(HEADER_NAME, 'must be a valid header name')
      .refine((name) => {
        const lower = name.toLowerCase();
        return !REFUSED_HEADERS.has(lower) && !lower.startsWith(REFUSED_HEADER_PREFIX);
      }, 'is set by Hookline or concerns the connection, and cannot be set'),
    z
      .string()
      .max(MAX_HEADER_VALUE_LENGTH, `must be at most ${MAX_HEADER_VALUE_LENGTH} characters`)
      .regex(HEADER_VALUE, 'must be visible ASCII, with spaces or tabs only between characters'),
  )
  .superRefine((headers, ctx) => {
    const names = Object.keys(headers);
    if (names.length > MAX_HEADERS) ctx.addIssue({ code: 'custom', message: `must be at most ${MAX_HEADERS} headers` });
    const seen = new Set<string>();
    for (const name of names) {
      const lower = name.toLowerCase();
      if (seen.has(lower)) {
        ctx.addIssue({ code: 'custom', path: [name], message: 'repeats another name: header names ignore case' });
      }
      seen.add(lower);
    }
  })
  .openapi({
    description: `Extra headers sent with every delivery: at most ${MAX_HEADERS}, names of at most ${MAX_HEADER_NAME_LENGTH} characters other than Hookline's own (\`webhook-*\`, \`content-type\`, \`user-agent\`, …) and hop-by-hop ones, values of at most ${MAX_HEADER_VALUE_LENGTH} visible ASCII characters.`,
    example: { 'x-tenant': 'acme' },
    maxProperties: MAX_HEADERS,
  });

const webhookFields = {
  url: WebhookUrl,
  events: z
    .array(EventSelector)
    .min(1, 'must name at least one event type')
    .max(MAX_EVENT_SELECTORS, `must have at most ${MAX_EVENT_SELECTORS} entries`),
  secret: WebhookSecret.optional().openapi({ description: 'Generated when absent.' }),
  description: z
    .string()
    .max(MAX_DESCRIPTION_LENGTH, `must be at most ${MAX_DESCRIPTION_LENGTH} characters`)
    .optional(),
  enabled: z.boolean().optional(),
  headers: Headers.optional(),
  retrySchedule: z.enum(['standard', 'extended'], { error: 'must be standard or extended' }).optional().openapi({
    description:
      'How deliveries are retried. `standard` (the default): after 1 and 2 more minutes, 3 attempts. `extended`: after 1 minute, doubling, at most 6 hours apart, 13 attempts over about 26.5 hours.',
  }),
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
    failingSince: z.string().nullable().openapi({
      description:
        'When its deliveries started failing for good, while they still do; it is disabled after `HOOKLINE_AUTO_DISABLE_AFTER_HOURS` of that (24 by default) and at least `HOOKLINE_AUTO_DISABLE_MIN_FAILURES` failed deliveries (10).',
    }),
    retrySchedule: z.enum(['standard', 'extended']),
    headers: z.record(z.string(), z.string()),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Webhook');

export type WebhookView = z.infer<typeof Webhook>;

export const WebhookWithSecret = Webhook.extend({ secret: z.string() }).openapi('WebhookWithSecret');

/** Longer than any cursor the API makes; longer ones are refused before they are decoded. */
const MAX_CURSOR_LENGTH = 2048;

export const PageQuery = (max: number, fallback: number) => {
  const pageSize = `must be a whole number from 1 to ${max}`;
  return z.object({
    limit: z.coerce
      .number({ error: pageSize })
      .int(pageSize)
      .min(1, pageSize)
      .max(max, pageSize)
      .default(fallback)
      .openapi({ description: `Items per page, 1 to ${max}; default ${fallback}.` }),
    cursor: z
      .string()
      .min(1, 'must not be empty')
      .max(MAX_CURSOR_LENGTH, 'is longer than any cursor this API makes')
      .optional()
      .openapi({ description: 'The `nextCursor` of the previous page.' }),
  });
};

export const WebhookListQuery = PageQuery(250, 50);

/** One page of a list; `nextCursor` is null on the last page. */
const page = <T extends z.ZodType>(item: T) =>
  z.object({
    data: z.array(item),
    nextCursor: z.string().nullable().openapi({ description: 'Pass as `cursor` to read the next page.' }),
  });
export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export const WebhookList = page(Webhook).openapi('WebhookList');

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
export type RotatedSecretView = z.infer<typeof RotatedSecret>;

export const TestWebhookBody = z
  .strictObject({
    type: CatalogueEventTypeSchema.optional().openapi({
      description: `Sends that type's example data (see \`GET /v1/event-types\`). Default: a \`${PING_EVENT_TYPE}\` event.`,
    }),
  })
  .openapi('TestWebhookRequest');

export const TestWebhookResponse = z
  .object({ eventId: z.string(), temporalUiUrl: z.string() })
  .openapi('TestWebhookAccepted');
export type TestWebhookAccepted = z.infer<typeof TestWebhookResponse>;

const EventTypeInfo = z
  .object({
    type: CatalogueEventTypeSchema,
    description: z.string(),
    group: z.enum(EVENT_GROUPS),
    operational: z.boolean().openapi({
      description:
        'Emitted by Hookline itself: `POST /v1/events` refuses it, and only webhooks that name it receive it.',
    }),
    schema: z
      .record(z.string(), z.unknown())
      .openapi({ description: 'The JSON Schema (draft 2020-12) that `data` of this type must match.' }),
    example: z.record(z.string(), z.unknown()).openapi({ description: 'Example `data`, valid against `schema`.' }),
  })
  .openapi('EventTypeInfo');

export const EventTypeList = z.object({ data: z.array(EventTypeInfo) }).openapi('EventTypeList');

/** Checks `data` against the schema of `type`; each field that does not match is named, under `data.`. */
function checkEventData(body: { type: EventType; data: Record<string, unknown> }, ctx: z.RefinementCtx): void {
  for (const { path, message } of eventDataIssues(body.type, body.data)) {
    ctx.addIssue({ code: 'custom', path: ['data', ...path], message });
  }
}

/** Runs {@link checkEventData} only on a valid `type` and `data`, even when other fields are invalid. */
function typeAndDataValid({ value, issues }: z.core.ParsePayload): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    issues.every(({ code, path = [] }) =>
      path.length === 0 ? code === 'unrecognized_keys' : path[0] !== 'type' && path[0] !== 'data',
    )
  );
}

export const EmitEventBody = z
  .strictObject({
    id: EventIdSchema.optional().openapi({
      description: 'Your id for the event; sending the same id again is answered with the original event.',
    }),
    type: EventTypeSchema,
    data: z
      .record(z.string(), z.unknown())
      .refine((data) => !nestsDeeperThan(data, MAX_EVENT_DATA_DEPTH), {
        error: `must not nest more than ${MAX_EVENT_DATA_DEPTH} levels deep`,
      })
      .openapi({
        description: `Must match the JSON Schema of \`type\` that \`GET /v1/event-types\` publishes (a mismatch answers 400 naming each field); keys the schema does not name are kept. At most ${MAX_EVENT_DATA_DEPTH} levels deep, \`data\` included.`,
      }),
    occurredAt: z.iso.datetime({ offset: true }).optional().openapi({ description: 'Default: now.' }),
  })
  .superRefine(checkEventData, { when: typeAndDataValid })
  .openapi('EmitEventRequest');

export const EmitEventHeaders = z.object({
  'idempotency-key': z.string().min(1).max(255).optional().openapi({
    description:
      'Makes retries safe without choosing an id: the same key always maps to the same event. Ignored when the body has an `id`.',
  }),
});

// Schemas made in src/contract predate `extendZodWithOpenApi`: they are named with zod's own `.meta`.
export const EmittedEvent = EmittedEventSchema.meta({ id: 'EmittedEvent' });

export const EventEnvelope = EventEnvelopeSchema.meta({ id: 'EventEnvelope' });

export const DELIVERY_STATUSES = ['pending', 'retrying', 'succeeded', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** `terminated` means the workflow itself was stopped (terminated, cancelled, timed out), not a failed endpoint. */
export const EVENT_DELIVERY_STATUSES = ['delivering', 'completed', 'terminated'] as const;
export type EventDeliveryStatus = (typeof EVENT_DELIVERY_STATUSES)[number];

/** Failure type of an attempt that ended without a report: its worker stopped, or it timed out. */
export const UNREPORTED_ATTEMPT = 'Unreported';

export const Attempt = z
  .object({
    attempt: z.number().int().openapi({ description: 'Starts at 1 for each delivery.' }),
    trigger: z.enum(DELIVERY_TRIGGERS).openapi({
      description:
        'What started the delivery: `scheduled` (the event was emitted), `redelivery` (asked for), `recovery` (a bulk recovery) or `test`.',
    }),
    outcome: z.enum(['succeeded', 'failed']),
    startedAt: z.string().nullable(),
    durationMs: z.number().int().nullable(),
    statusCode: z.number().int().nullable(),
    failureType: z
      .string()
      .nullable()
      .openapi({
        description: `\`HttpStatus\`, \`Timeout\`, \`ConnectionError\`, \`EndpointGone\`, \`DestinationBlocked\`, \`WebhookUnavailable\`, or \`${UNREPORTED_ATTEMPT}\` for an attempt whose worker stopped before it could report.`,
      }),
    error: z.string().nullable(),
    responseExcerpt: z.string().nullable().openapi({ description: "The start of the receiver's answer." }),
    retryAfterMs: z.number().int().nullable().openapi({
      description: 'The wait the receiver asked for with `Retry-After` (429 or 503), as honoured (at most one hour).',
    }),
  })
  .openapi('Attempt');
export type AttemptView = z.infer<typeof Attempt>;

const Delivery = {
  status: z.enum(DELIVERY_STATUSES),
  attempts: z.number().int().openapi({ description: 'Attempts that have ended so far.' }),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
  completedAt: z.string().nullable(),
  attemptLog: z.array(Attempt).openapi({ description: 'Every attempt that has ended, oldest first.' }),
};

const EventDelivery = z.object({
  webhookId: z.string(),
  url: z.string().nullable().openapi({ description: 'Where attempts go now; null once the webhook is deleted.' }),
  ...Delivery,
});

/** Redeliveries an event's view reads, at most. */
export const MAX_LISTED_REDELIVERIES = 10;

const Redelivery = z
  .object({
    redeliveryId: z.string(),
    trigger: z.enum(DELIVERY_TRIGGERS),
    status: z.enum(EVENT_DELIVERY_STATUSES),
    webhookId: z.string().nullable(),
    startedAt: z.string(),
    closedAt: z.string().nullable(),
    deliveries: z.array(EventDelivery),
    temporalUiUrl: z.string(),
  })
  .openapi('Redelivery');

export const EventStatus = z
  .object({
    event: EventEnvelope,
    status: z.enum(EVENT_DELIVERY_STATUSES),
    webhookId: z.string().nullable().openapi({ description: 'Set when this delivery targets one webhook only.' }),
    redeliveryOf: z.string().nullable(),
    trigger: z.enum(DELIVERY_TRIGGERS),
    startedAt: z.string(),
    closedAt: z.string().nullable(),
    deliveries: z.array(EventDelivery),
    redeliveries: z.array(Redelivery).openapi({
      description: `The latest ${MAX_LISTED_REDELIVERIES} redeliveries of the event (asked for, or by a recovery), newest first, with their attempts. Read from Temporal visibility: one started a second ago may be missing.`,
    }),
    temporalUiUrl: z.string().openapi({ description: "Opens this event's workflow in the Temporal UI." }),
  })
  .openapi('EventStatus');
export type EventStatusView = z.infer<typeof EventStatus>;

/** What happened to the delivery of one event to one webhook, as Temporal records it. */
export type WebhookDelivery = Omit<EventStatusView['deliveries'][number], 'url'>;

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
export type RedeliveryAcceptedView = z.infer<typeof RedeliveryAccepted>;

export const DeliveryListQuery = PageQuery(100, 20).extend({
  status: z
    .enum(DELIVERY_STATUSES)
    .optional()
    .openapi({ description: "Only deliveries in this state, this webhook's own." }),
  type: EventEnvelopeSchema.shape.type.optional(),
  since: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 time, such as 2026-01-15T10:00:00Z' }).optional(),
  until: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 time, such as 2026-01-15T10:00:00Z' }).optional(),
});

const DeliveryItem = z
  .object({
    eventId: z.string(),
    eventType: z.string(),
    redeliveryId: z.string().nullable().openapi({
      description: 'Set on redeliveries: the id to read them by under `/v1/events/{id}/redeliveries/`.',
    }),
    trigger: z.enum(DELIVERY_TRIGGERS).nullable(),
    ...Delivery,
    startedAt: z.string(),
    temporalUiUrl: z.string(),
  })
  .openapi('DeliveryItem');
/** One delivery workflow as seen from one of its webhooks. */
export type DeliveryItemView = z.infer<typeof DeliveryItem>;

export const DeliveryList = page(DeliveryItem).openapi('DeliveryList');

const AttemptItem = Attempt.extend({
  eventId: z.string(),
  eventType: z.string(),
  redeliveryId: z.string().nullable(),
}).openapi('AttemptItem');
export type AttemptItemView = z.infer<typeof AttemptItem>;
export const AttemptList = page(AttemptItem).openapi('AttemptList');

const IsoTime = z.iso
  .datetime({ offset: true, error: 'must be an ISO 8601 time, such as 2026-01-15T10:00:00Z' })
  .openapi({ example: '2026-01-15T10:00:00Z' });

export const EventSearchQuery = PageQuery(100, 20).extend({
  type: EventEnvelopeSchema.shape.type.optional().openapi({ description: 'Only events of this type.' }),
  status: z.enum(DELIVERY_STATUSES).optional().openapi({
    description:
      "Only deliveries in this state; with `webhookId`, that webhook's own delivery. `failed` is the dead-letter view: what gave up and can be recovered.",
  }),
  webhookId: ResourceId.optional().openapi({ description: 'Only deliveries to this webhook.' }),
  since: IsoTime.optional().openapi({ description: 'Only deliveries started at or after this time.' }),
  until: IsoTime.optional().openapi({ description: 'Only deliveries started at or before this time.' }),
});

const EventSearchItem = z
  .object({
    eventId: z.string(),
    eventType: z.string(),
    redeliveryId: z.string().nullable(),
    trigger: z.enum(DELIVERY_TRIGGERS).nullable(),
    status: z.enum(DELIVERY_STATUSES),
    webhookIds: z.array(z.string()).openapi({
      description: 'The webhooks this workflow delivers to; empty for a fan-out past 50, listed on its batches.',
    }),
    failedWebhookIds: z.array(z.string()),
    startedAt: z.string().nullable(),
    closedAt: z.string().nullable(),
    temporalUiUrl: z.string(),
  })
  .openapi('EventSearchItem');
export type EventSearchItemView = z.infer<typeof EventSearchItem>;
export const EventSearchList = page(EventSearchItem).openapi('EventSearchList');

export const RecoverBody = z
  .strictObject({
    since: IsoTime.openapi({ description: 'Recover deliveries started at or after this time.' }),
    until: IsoTime.optional().openapi({
      description:
        'Default: the end of the current minute, so that asking again within the minute finds the same recovery.',
    }),
    includeUndelivered: z.boolean().optional().openapi({
      description:
        'Also deliver the events of the window this webhook subscribes to but was never sent, because it was disabled when they were emitted.',
    }),
  })
  .openapi('RecoverRequest');

export const WorkspaceRecoverBody = RecoverBody.omit({ includeUndelivered: true }).openapi('WorkspaceRecoverRequest');

export const RecoveryParams = z.object({ id: ResourceId });

export const Recovery = z
  .object({
    recoveryId: z.string(),
    webhookId: z.string().nullable(),
    since: z.string(),
    until: z.string(),
    includeUndelivered: z.boolean(),
    status: z.enum(['running', 'completed', 'cancelled']),
    found: z.number().int().openapi({ description: 'Failed deliveries found so far.' }),
    redelivered: z.number().int().openapi({ description: 'Redeliveries started.' }),
    succeeded: z.number().int(),
    failed: z.number().int(),
    startedAt: z.string(),
    closedAt: z.string().nullable(),
    temporalUiUrl: z.string(),
  })
  .openapi('Recovery');
export type RecoveryView = z.infer<typeof Recovery>;

export const Health = z.object({ status: z.literal('ok') }).openapi('Health');

const Check = z.enum(['ok', 'failing']);
export const Readiness = z
  .object({
    status: z.enum(['ready', 'unavailable']),
    checks: z.object({
      /** Hookline's database, SQLite or PostgreSQL. */
      database: Check,
      sqlite: Check.openapi({
        deprecated: true,
        description: 'The same as `database`, under the name it had before PostgreSQL; read `database`.',
      }),
      temporal: Check,
    }),
  })
  .openapi('Readiness');
export type ReadinessChecks = z.infer<typeof Readiness>['checks'];

export const OpenApiDocument = z.record(z.string(), z.unknown()).openapi('OpenApiDocument');

export const Problem = ProblemSchema.meta({ id: 'Problem', description: 'RFC 9457 problem details.' });

const ApiKeyScopeSchema = z
  .enum([API_KEY_SCOPES.emit, API_KEY_SCOPES.manage], { error: 'must be emit or manage' })
  .openapi({
    description:
      '`emit`: emit events and read the event types only (for services). `manage`: everything in the workspace.',
  });

export const CreateApiKeyBody = z
  .strictObject({
    name: z
      .string()
      .trim()
      .max(200)
      .optional()
      .openapi({ description: 'A label, such as the service that holds the key.' }),
    scope: ApiKeyScopeSchema,
    expiresAt: z.iso
      .datetime({ offset: true, error: 'must be an ISO 8601 date-time with a time zone' })
      .refine((value) => Date.parse(value) > Date.now(), 'must be in the future')
      .optional()
      .openapi({ description: 'When the key stops working. Default: never.', example: '2027-01-01T00:00:00Z' }),
    expiresInSeconds: z
      .number()
      .int()
      .min(1)
      .max(MAX_API_KEY_LIFETIME_SECONDS)
      .optional()
      .openapi({ description: 'Instead of `expiresAt`: how long from now the key works.' }),
  })
  .refine((body) => body.expiresAt === undefined || body.expiresInSeconds === undefined, {
    error: 'send expiresAt or expiresInSeconds, not both',
    path: ['expiresInSeconds'],
  })
  .openapi('CreateApiKeyRequest');

export const ApiKeyIdParams = z.object({ id: ResourceId.openapi({ example: 'key_mf1x2k3l4a1b2c3d4e5f6a7b8' }) });

export const ApiKeyListQuery = PageQuery(250, 50);

export const ApiKey = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string().openapi({ description: 'The first characters of the key, to tell keys apart.' }),
    scope: ApiKeyScopeSchema,
    status: z.enum([API_KEY_STATUSES.active, API_KEY_STATUSES.expired, API_KEY_STATUSES.revoked]),
    createdAt: z.string(),
    expiresAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
    lastUsedAt: z
      .string()
      .nullable()
      .openapi({ description: 'The last authenticated request, to the minute: it is recorded at most once a minute.' }),
  })
  .openapi('ApiKey');
export type ApiKeyView = z.infer<typeof ApiKey>;

export const NewApiKey = ApiKey.extend({
  key: z.string().openapi({ description: 'The key itself. It is shown only now: Hookline keeps only its hash.' }),
}).openapi('NewApiKey');
export type NewApiKeyView = z.infer<typeof NewApiKey>;

export const ApiKeyList = page(ApiKey).openapi('ApiKeyList');

export const CreatePortalSessionBody = z
  .strictObject({
    expiresInSeconds: z
      .number()
      .int()
      .min(10)
      .max(24 * 3600)
      .optional()
      .openapi({
        description:
          'How long the link may be opened, at most the server’s `HOOKLINE_PORTAL_LINK_TTL_SECONDS` (default 600).',
      }),
  })
  .openapi('CreatePortalSessionRequest');

export const PortalSessionHeaders = z.object({
  host: z
    .string()
    .max(255)
    .regex(/^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:\d{1,5})?$/, 'must be a host name or address, with an optional port')
    .optional()
    .openapi({ description: 'The link points at this host unless the server sets `HOOKLINE_PUBLIC_URL`.' }),
});

export const PortalSession = z
  .object({
    url: z.string().openapi({
      description:
        'Opens the webhooks settings page for this workspace, once. The token is in the fragment, which browsers do not send to servers or in `Referer`.',
      example: 'https://hookline.example.com/ui/#portal=pl_…',
    }),
    expiresAt: z.string().openapi({ description: 'After this the link is refused, used or not.' }),
  })
  .openapi('PortalSession');
export type PortalSessionView = z.infer<typeof PortalSession>;

export const STATS_WINDOWS = ['1h', '24h', '7d'] as const;

export const WebhookStatsQuery = z.object({
  window: z
    .enum(STATS_WINDOWS, { error: 'must be 1h, 24h or 7d' })
    .default('24h')
    .openapi({ description: 'The deliveries counted: those started within this window, up to now.' }),
});

export const WebhookStats = z
  .object({
    webhookId: z.string(),
    window: z.enum(STATS_WINDOWS),
    since: z.string().openapi({ description: 'The start of the window.' }),
    deliveries: z
      .number()
      .int()
      .openapi({ description: 'Deliveries to this webhook started in the window, ended or not.' }),
    succeeded: z.number().int(),
    failed: z.number().int().openapi({ description: 'Deliveries that failed for good (their retries exhausted).' }),
    successRate: z.number().nullable().openapi({
      description: 'succeeded / (succeeded + failed), from 0 to 1; null while none has ended.',
    }),
    latency: z
      .object({
        p50Ms: z.number().int().nullable(),
        p95Ms: z.number().int().nullable(),
      })
      .openapi({ description: "Percentiles of the attempts' durations in the sample; null without attempts." }),
    latencySample: z.number().int().openapi({
      description:
        'How many attempts the latency was computed from: those of the most recent deliveries of the window (at most 50 deliveries), not all of them.',
    }),
    lastFailure: z
      .object({
        at: z.string().nullable(),
        error: z.string().nullable(),
        statusCode: z.number().int().nullable(),
      })
      .nullable()
      .openapi({ description: 'The most recent failed attempt of the window; null when none failed.' }),
  })
  .openapi('WebhookStats', {
    description:
      'Counts come from Temporal visibility, which is eventually consistent: a delivery of the last seconds may not be counted yet.',
  });
export type WebhookStatsView = z.infer<typeof WebhookStats>;
