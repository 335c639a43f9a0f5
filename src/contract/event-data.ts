/**
 * The shape of each event type's `data`: what `POST /v1/events` checks, what the emitters' types are
 * inferred from, and what `GET /v1/event-types` publishes as JSON Schema, with an example of each.
 *
 * The services' events follow OmniAI's webhook reference field for field: a field is required where
 * OmniAI always sends it and optional where the reference marks it so. The operational events are
 * Hookline's own.
 *
 * Every object keeps keys it does not declare: producers may send more than is documented (OmniAI adds
 * fields without a new version, and `lead.updated` carries whichever fields changed), and receivers get
 * `data` as it was emitted. The fields that are declared must have their declared type.
 *
 * This module loads zod. `event-types.ts`, which workflow code reaches, imports its types only.
 */
import { z } from 'zod';

// Reused pieces. `.describe` texts end up in the published JSON Schemas.

const Id = z.string().min(1);
const Text = z.string();
const Timestamp = z.iso.datetime({ offset: true }).describe('ISO 8601 date-time');
const Count = z.number().int().min(0);

/** A schema's own message for a wrong value; a missing one is reported as required, like every field. */
const unlessMissing =
  (message: string) =>
  ({ input }: { input?: unknown }) =>
    input === undefined ? undefined : message;
const ByteSize = z.number().int().min(0).describe('Size in bytes');

// Action logs: what an agent did for a lead.

const ActionLogInput = z.looseObject({
  channel: Text,
  direction: Text,
  metadata: z
    .looseObject({
      agentMailData: z.looseObject({ to: Text, from: Text, subject: Text }).optional(),
    })
    .optional(),
});

const ActionLogMessage = z.looseObject({
  id: Id,
  body: Text,
  channel: Text,
  subject: Text.optional(),
  direction: Text,
  documents: z.array(z.unknown()).describe('Documents attached to the message'),
});

const actionLogFields = {
  id: Id,
  type: z.string().min(1).describe('What the agent did: `MESSAGE`, `TOOL_CALL`, …; more may come'),
  leadId: Id,
  summary: Text,
  input: ActionLogInput,
  output: z.unknown().optional(),
  messages: z.array(ActionLogMessage),
  completedAt: Timestamp,
};

export const ActionLogCompletedDataSchema = z.looseObject({
  actionLog: z.looseObject({ ...actionLogFields, status: z.literal('COMPLETED') }),
});

export const ActionLogFailedDataSchema = z.looseObject({
  actionLog: z.looseObject({
    ...actionLogFields,
    status: z.literal('FAILED'),
    error: Text.describe('Why the action failed'),
    agentId: Id,
    tool: z.looseObject({ id: Id, name: Text }),
  }),
});

// Documents.

export const DocumentReceivedDataSchema = z.looseObject({
  document: z.looseObject({
    id: Id,
    size: ByteSize,
    leadId: Id,
    filename: z.string().min(1),
    metadata: z.record(z.string(), z.unknown()).optional(),
    mimeType: z.string().min(1),
    createdAt: Timestamp,
    messageId: Id.optional().describe('The message the document came with'),
    signedUrl: z
      .url({ protocol: /^https?$/, error: unlessMissing('must be an http or https URL') })
      .describe('Where to download the document; the link expires one hour after the event'),
  }),
});

export const DocumentExtractedDataSchema = z
  .looseObject({
    leadId: Id,
    externalLeadId: Text.optional(),
    documentId: Id,
    externalId: Text.optional(),
    status: z.enum(['completed', 'failed']),
    parentActionId: Id.optional(),
    summary: Text.optional(),
    type: z.string().min(1).describe('The kind of document, such as "Bank Statement"'),
    classification: z.looseObject({}).optional(),
    extractionResult: z
      .looseObject({
        items: z.array(z.looseObject({ label: Text, value: z.unknown(), leadChecklistItemId: Id.optional() })),
        extractedCount: Count,
      })
      .optional(),
  })
  .describe('Sent once per document outcome, success or failure');

// Leads.

/** Where a lead came from. */
export const LEAD_SOURCES = [
  'inbound-email',
  'inbound-sms',
  'inbound-whatsapp',
  'admin-email',
  'portal',
  'api',
  'http',
  'salesforce',
] as const;
export type LeadSource = (typeof LEAD_SOURCES)[number];

export const CHECKLIST_ITEM_STATUSES = ['TODO', 'COMPLETED', 'INVALID', 'SKIPPED', 'NEEDS_REVIEW'] as const;
export type ChecklistItemStatus = (typeof CHECKLIST_ITEM_STATUSES)[number];

const LeadSourceSchema = z.enum(LEAD_SOURCES);

/** The lead's own fields, each optional; `lead.created` and `lead.completed` require `source`. */
const leadFields = {
  leadId: Id,
  externalId: Text.optional(),
  firstName: Text.optional(),
  middleName: Text.optional(),
  lastName: Text.optional(),
  phoneNumber: Text.optional(),
  email: Text.optional(),
  businessName: Text.optional(),
  website: Text.optional(),
  source: LeadSourceSchema.optional(),
};

const ChecklistValue = z.union([z.string(), z.number(), z.looseObject({}).describe('An address')], {
  error: unlessMissing('must be a string, a number or an address object'),
});

const ValidationResult = z.looseObject({
  documentId: Id,
  overallValid: z.boolean(),
  otherNotes: Text.optional(),
  validationResults: z.array(z.looseObject({ isValid: z.boolean(), ruleName: Text })),
});

const ChecklistDocument = z.looseObject({
  documentId: Id,
  externalId: Text.optional(),
  filename: z.string().min(1),
  mimeType: z.string().min(1),
  size: ByteSize,
  validationResult: ValidationResult.optional(),
});

export const ChecklistItemSchema = z.looseObject({
  checklistItemId: Id,
  checklistItemCode: z.string().min(1),
  value: ChecklistValue,
  alternateValues: z.array(ChecklistValue).optional(),
  status: z.enum(CHECKLIST_ITEM_STATUSES),
  updatedAt: Timestamp,
  documents: z.array(ChecklistDocument),
});

export const LeadCreatedDataSchema = z.looseObject({ ...leadFields, source: LeadSourceSchema });

export const LeadUpdatedDataSchema = z
  .looseObject({ ...leadFields, checklistItems: z.array(ChecklistItemSchema).optional() })
  .describe('Sparse: `leadId` and `externalId`, then only the fields that changed');

export const LeadCompletedDataSchema = z
  .looseObject({ ...leadFields, source: LeadSourceSchema, checklistItems: z.array(ChecklistItemSchema) })
  .describe('Sent once per lead, when every required checklist item is COMPLETED or NEEDS_REVIEW');

// Hookline's own events about its deliveries and webhooks.

export const DeliveryExhaustedDataSchema = z
  .looseObject({
    eventId: Id,
    eventType: z.string().min(1),
    webhookId: Id,
    attempts: z.number().int().min(1),
    failureType: Text.optional().describe('How the last attempt failed, such as `HttpStatus` or `Timeout`'),
    error: Text.optional(),
    statusCode: z.number().int().min(100).max(599).optional(),
    exhaustedAt: Timestamp,
  })
  .describe('A delivery failed its last attempt: the event did not reach this webhook');

export const WebhookDisabledDataSchema = z
  .looseObject({
    webhookId: Id,
    url: z.string().min(1),
    reason: Text,
    disabledAt: Timestamp,
    failingSince: Timestamp.optional(),
    failedDeliveries: Count.optional(),
  })
  .describe('Hookline stopped delivering to a webhook');

export const WebhookRecoveredDataSchema = z
  .looseObject({
    recoveryId: Id,
    webhookId: Id.optional().describe('Absent when the recovery covered every webhook of the workspace'),
    since: Timestamp,
    until: Timestamp,
    found: Count,
    redelivered: Count,
    succeeded: Count,
    failed: Count,
    completedAt: Timestamp,
  })
  .describe('A recovery redelivered the failed deliveries of a time window');

/** The schema of `data` for each event type a service can emit. */
export const SERVICE_EVENT_DATA_SCHEMAS = {
  'action_log.completed': ActionLogCompletedDataSchema,
  'action_log.failed': ActionLogFailedDataSchema,
  'document.received': DocumentReceivedDataSchema,
  'document.extracted': DocumentExtractedDataSchema,
  'lead.created': LeadCreatedDataSchema,
  'lead.updated': LeadUpdatedDataSchema,
  'lead.completed': LeadCompletedDataSchema,
} as const;

/** The schema of `data` for each event type Hookline emits itself. */
export const OPERATIONAL_EVENT_DATA_SCHEMAS = {
  'webhook.disabled': WebhookDisabledDataSchema,
  'delivery.exhausted': DeliveryExhaustedDataSchema,
  'webhook.recovered': WebhookRecoveredDataSchema,
} as const;

export const EVENT_DATA_SCHEMAS = { ...SERVICE_EVENT_DATA_SCHEMAS, ...OPERATIONAL_EVENT_DATA_SCHEMAS } as const;

type Schemas = typeof EVENT_DATA_SCHEMAS;

/** Maps each event type a service can emit to the type of its `data`. */
export type EventDataMap = { [T in keyof typeof SERVICE_EVENT_DATA_SCHEMAS]: z.infer<Schemas[T]> };

/** Maps each operational event type to the type of its `data`. */
export type OperationalEventDataMap = { [T in keyof typeof OPERATIONAL_EVENT_DATA_SCHEMAS]: z.infer<Schemas[T]> };

export type ActionLogCompletedData = z.infer<typeof ActionLogCompletedDataSchema>;
export type ActionLogFailedData = z.infer<typeof ActionLogFailedDataSchema>;
export type DocumentReceivedData = z.infer<typeof DocumentReceivedDataSchema>;
export type DocumentExtractedData = z.infer<typeof DocumentExtractedDataSchema>;
export type LeadCreatedData = z.infer<typeof LeadCreatedDataSchema>;
export type LeadUpdatedData = z.infer<typeof LeadUpdatedDataSchema>;
export type LeadCompletedData = z.infer<typeof LeadCompletedDataSchema>;
export type ChecklistItem = z.infer<typeof ChecklistItemSchema>;
export type DeliveryExhaustedData = z.infer<typeof DeliveryExhaustedDataSchema>;
export type WebhookDisabledData = z.infer<typeof WebhookDisabledDataSchema>;
export type WebhookRecoveredData = z.infer<typeof WebhookRecoveredDataSchema>;

/** One field of `data` that does not match its type's schema; `path` starts inside `data`. */
export interface EventDataIssue {
  path: (string | number)[];
  message: string;
}

const FORMATS: Record<string, string> = {
  datetime: 'an ISO 8601 date-time with a time zone',
  url: 'a URL',
};

/** Messages in the API's style ("must be …"), so that they read well after the field's path. */
function describeIssue(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.input === undefined) return 'is required';
  switch (issue.code) {
    case 'invalid_type':
      return issue.expected === 'int' ? 'must be an integer' : `must be ${withArticle(issue.expected)}`;
    case 'invalid_value':
      return issue.values.length === 1
        ? `must be ${JSON.stringify(issue.values[0])}`
        : `must be one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
    case 'invalid_format':
      return `must be ${FORMATS[issue.format] ?? `in the ${issue.format} format`}`;
    case 'too_small':
      if (issue.origin === 'string' && Number(issue.minimum) === 1) return 'must not be empty';
      return issue.origin === 'number' ? `must be at least ${issue.minimum}` : undefined;
    case 'too_big':
      return issue.origin === 'number' ? `must be at most ${issue.maximum}` : undefined;
    default:
      return undefined;
  }
}

function withArticle(noun: string): string {
  return /^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`;
}

/**
 * Checks `data` against the schema of `type` and names each field that does not match; empty when it
 * matches. Only checks: a caller that keeps `data` keeps what was sent.
 */
export function eventDataIssues(type: keyof Schemas, data: unknown): EventDataIssue[] {
  const result = EVENT_DATA_SCHEMAS[type].safeParse(data, { error: describeIssue });
  return result.success ? [] : result.error.issues.map(({ path, message }) => ({ path: path.map(pathKey), message }));
}

/** `data` does not match the schema of its event type; thrown by the emitters that do not go through the API. */
export class EventDataError extends Error {
  constructor(
    readonly eventType: string,
    readonly issues: readonly EventDataIssue[],
  ) {
    super(
      `The data of ${eventType} is invalid: ${issues.map(({ path, message }) => `${['data', ...path].join('.')} ${message}`).join('; ')}`,
    );
    this.name = 'EventDataError';
  }
}

function pathKey(key: PropertyKey): string | number {
  return typeof key === 'number' ? key : String(key);
}

const jsonSchemas = new Map<keyof Schemas, Record<string, unknown>>();

/** The JSON Schema (draft 2020-12) of the `data` of `type`, generated from its zod schema once. */
export function eventDataJsonSchema(type: keyof Schemas): Record<string, unknown> {
  let schema = jsonSchemas.get(type);
  if (!schema) {
    schema = z.toJSONSchema(EVENT_DATA_SCHEMAS[type], { io: 'input' }) as Record<string, unknown>;
    jsonSchemas.set(type, schema);
  }
  return schema;
}

// Examples: one lead, a bakery applying for working capital, through each event. Every one of them is
// checked against its schema by the tests.

const LEAD_ID = 'lead_8f2c1a';
const EXTERNAL_LEAD_ID = 'sf-00Q5e00000AbCdE';
const STATEMENT_ID = 'doc_5d1e7b20';

/** One month's business checking statement, as a checklist item lists it once validated. */
function statement(documentId: string, month: string, size: number) {
  return {
    documentId,
    filename: `reyes-bakery-checking-${month}.pdf`,
    mimeType: 'application/pdf',
    size,
    validationResult: {
      documentId,
      overallValid: true,
      validationResults: [
        { isValid: true, ruleName: 'Account holder matches business name' },
        { isValid: true, ruleName: 'Statement dated within the last 90 days' },
        { isValid: true, ruleName: 'No pages missing' },
      ],
    },
  };
}

const bankStatementsItem: ChecklistItem = {
  checklistItemId: 'lci_3b7f0d',
  checklistItemCode: 'BANK_STATEMENTS_3_MONTHS',
  value: 'October, November and December 2025',
  status: 'COMPLETED',
  updatedAt: '2026-01-15T10:06:31.000Z',
  documents: [
    statement('doc_5d1e7a02', '2025-10', 455902),
    statement('doc_5d1e7a11', '2025-11', 470318),
    statement(STATEMENT_ID, '2025-12', 482113),
  ],
};

const leadContact = {
  leadId: LEAD_ID,
  externalId: EXTERNAL_LEAD_ID,
  firstName: 'Dana',
  lastName: 'Reyes',
  phoneNumber: '+15125550142',
  email: 'dana@reyesbakery.example',
  businessName: 'Reyes Family Bakery LLC',
  website: 'https://reyesbakery.example',
};

const outreachEmail = {
  channel: 'EMAIL',
  direction: 'OUTBOUND',
  metadata: {
    agentMailData: {
      to: 'dana@reyesbakery.example',
      from: 'funding@northlinecapital.example',
      subject: 'Your working capital application: December bank statement',
    },
  },
};

/** An example `data` for each event type, as its producer would send it. */
export const EVENT_DATA_EXAMPLES: { readonly [T in keyof Schemas]: z.input<Schemas[T]> } = {
  'action_log.completed': {
    actionLog: {
      id: 'act_01JHF3K8Q4',
      type: 'MESSAGE',
      status: 'COMPLETED',
      leadId: LEAD_ID,
      summary: 'Asked Dana Reyes for the December 2025 business checking statement.',
      input: outreachEmail,
      output: { delivered: true },
      messages: [
        {
          id: 'msg_7c21e0',
          body: 'Hi Dana, thanks for the October and November statements. Could you send December as well? A PDF from your bank works best.',
          channel: 'EMAIL',
          subject: 'Your working capital application: December bank statement',
          direction: 'OUTBOUND',
          documents: [],
        },
      ],
      completedAt: '2026-01-15T09:31:04.000Z',
    },
  },
  'action_log.failed': {
    actionLog: {
      id: 'act_01JHF3M2X7',
      type: 'TOOL_CALL',
      status: 'FAILED',
      leadId: LEAD_ID,
      summary: 'Could not verify the business registration with the Texas Secretary of State.',
      input: { channel: 'SYSTEM', direction: 'OUTBOUND' },
      messages: [],
      completedAt: '2026-01-15T10:03:05.000Z',
      error: 'The registry lookup timed out after 30 seconds.',
      agentId: 'agent_underwriting',
      tool: { id: 'tool_sos_lookup', name: 'Business registration lookup' },
    },
  },
  'document.received': {
    document: {
      id: STATEMENT_ID,
      size: 482113,
      leadId: LEAD_ID,
      filename: 'reyes-bakery-checking-2025-12.pdf',
      metadata: { pages: 6 },
      mimeType: 'application/pdf',
      createdAt: '2026-01-15T09:58:40.000Z',
      messageId: 'msg_7c2a41',
      signedUrl: `https://files.omniai.example/documents/${STATEMENT_ID}?expires=1768474720&signature=3f9a0c6e1b`,
    },
  },
  'document.extracted': {
    leadId: LEAD_ID,
    externalLeadId: EXTERNAL_LEAD_ID,
    documentId: STATEMENT_ID,
    status: 'completed',
    parentActionId: 'act_01JHF3N5R2',
    summary: 'Business checking statement for December 2025; ending balance $18,450.12.',
    type: 'Bank Statement',
    classification: { type: 'Bank Statement', confidence: 0.98 },
    extractionResult: {
      items: [
        { label: 'Account holder', value: 'Reyes Family Bakery LLC', leadChecklistItemId: 'lci_3b7f0d' },
        { label: 'Statement period', value: '2025-12-01 to 2025-12-31' },
        { label: 'Total deposits', value: 41230.55 },
        { label: 'Ending balance', value: 18450.12 },
        { label: 'NSF returns', value: 0 },
      ],
      extractedCount: 5,
    },
  },
  'lead.created': { ...leadContact, source: 'inbound-email' },
  'lead.updated': {
    leadId: LEAD_ID,
    externalId: EXTERNAL_LEAD_ID,
    phoneNumber: '+15125550199',
    checklistItems: [bankStatementsItem],
  },
  'lead.completed': {
    ...leadContact,
    source: 'inbound-email',
    checklistItems: [
      {
        checklistItemId: 'lci_3b7e11',
        checklistItemCode: 'REQUESTED_AMOUNT',
        value: 75000,
        status: 'COMPLETED',
        updatedAt: '2026-01-15T09:46:12.000Z',
        documents: [],
      },
      {
        checklistItemId: 'lci_3b7e52',
        checklistItemCode: 'BUSINESS_ADDRESS',
        value: { street: '1801 E Cesar Chavez St', city: 'Austin', state: 'TX', postalCode: '78702', country: 'US' },
        status: 'COMPLETED',
        updatedAt: '2026-01-15T09:46:12.000Z',
        documents: [],
      },
      {
        checklistItemId: 'lci_3b7e9a',
        checklistItemCode: 'EIN',
        value: '74-3318205',
        alternateValues: ['743318205'],
        status: 'NEEDS_REVIEW',
        updatedAt: '2026-01-15T10:12:40.000Z',
        documents: [],
      },
      bankStatementsItem,
    ],
  },
  'webhook.disabled': {
    webhookId: 'wh_mf1x2k3l4a1b2c3d4e5f6a7b8',
    url: 'https://crm.reyesbakery.example/hooks/hookline',
    reason: 'Every delivery failed for 5 days',
    disabledAt: '2026-01-20T10:00:00.000Z',
    failingSince: '2026-01-15T09:58:41.000Z',
    failedDeliveries: 212,
  },
  'delivery.exhausted': {
    eventId: 'evt_lead_8f2c1a_updated',
    eventType: 'lead.updated',
    webhookId: 'wh_mf1x2k3l4a1b2c3d4e5f6a7b8',
    attempts: 3,
    failureType: 'HttpStatus',
    error: 'HTTP 503: Service Unavailable',
    statusCode: 503,
    exhaustedAt: '2026-01-15T10:09:32.000Z',
  },
  'webhook.recovered': {
    recoveryId: 'rcv_01JHG0A4B6',
    webhookId: 'wh_mf1x2k3l4a1b2c3d4e5f6a7b8',
    since: '2026-01-15T09:58:41.000Z',
    until: '2026-01-20T10:00:00.000Z',
    found: 212,
    redelivered: 212,
    succeeded: 210,
    failed: 2,
    completedAt: '2026-01-20T11:42:17.000Z',
  },
};
