/**
 * The event catalogue: every type a service can emit, what it means and the shape of its `data`.
 * Workflow code imports this module, so it stays free of I/O and Node built-ins.
 */

export type LeadData = {
  leadId: string;
  status: 'new' | 'in_progress' | 'completed';
  firstName?: string;
  lastName?: string;
  email?: string;
  phone?: string;
  businessName?: string;
  loanAmount?: number;
  source?: string;
  /** Names of the fields that changed; present on `lead.updated`. */
  changedFields?: string[];
  createdAt?: string;
  updatedAt?: string;
  completedAt?: string;
};

export type DocumentData = {
  documentId: string;
  leadId?: string;
  fileName: string;
  mimeType: string;
  sizeBytes?: number;
  documentType?: string;
  source?: string;
  receivedAt?: string;
  /** Fields read from the document; present on `document.extracted`. */
  extracted?: Record<string, unknown>;
  extractedAt?: string;
};

export type ActionLogData = {
  actionLogId: string;
  leadId?: string;
  agentId?: string;
  action: string;
  status: 'completed' | 'failed';
  startedAt?: string;
  completedAt?: string;
  output?: Record<string, unknown>;
  /** Why the action failed; present on `action_log.failed`. */
  error?: { code: string; message: string };
};

// Type aliases rather than interfaces: they are assignable to `Record<string, unknown>`, the shape of
// `data` in the envelope.

/** Maps each event type to the type of its `data`. */
export interface EventDataMap {
  'action_log.completed': ActionLogData;
  'action_log.failed': ActionLogData;
  'document.received': DocumentData;
  'document.extracted': DocumentData;
  'lead.created': LeadData;
  'lead.updated': LeadData;
  'lead.completed': LeadData;
}

export type EventType = keyof EventDataMap;

/**
 * Events Hookline emits itself about deliveries and webhooks. A webhook receives them only when it
 * names them: `*` stands for the services' events, and an operational event's own failure never
 * produces another.
 */
export const OPERATIONAL_EVENT_TYPES = ['webhook.disabled', 'delivery.exhausted', 'webhook.recovered'] as const;
export type OperationalEventType = (typeof OPERATIONAL_EVENT_TYPES)[number];

export function isOperationalEventType(value: string): value is OperationalEventType {
  return (OPERATIONAL_EVENT_TYPES as readonly string[]).includes(value);
}

/** Sent by `POST /v1/webhooks/:id/test` when no type is given; never emitted by services. */
export const PING_EVENT_TYPE = 'webhook.ping';

export interface EventTypeInfo<T extends EventType = EventType> {
  type: T;
  description: string;
  example: EventDataMap[T];
}

export const EVENT_TYPE_CATALOGUE: { readonly [T in EventType]: EventTypeInfo<T> } = {
  'action_log.completed': {
    type: 'action_log.completed',
    description: 'An agent action completed successfully.',
    example: {
      actionLogId: 'al_01J9Z3K8Q4',
      leadId: 'lead_8f2c1a',
      agentId: 'agent_underwriting',
      action: 'verify_bank_statements',
      status: 'completed',
      startedAt: '2026-01-15T10:02:11.000Z',
      completedAt: '2026-01-15T10:02:19.000Z',
      output: { verified: true, monthsCovered: 6 },
    },
  },
  'action_log.failed': {
    type: 'action_log.failed',
    description: 'An agent action failed.',
    example: {
      actionLogId: 'al_01J9Z3M2X7',
      leadId: 'lead_8f2c1a',
      agentId: 'agent_underwriting',
      action: 'pull_credit_report',
      status: 'failed',
      startedAt: '2026-01-15T10:03:00.000Z',
      completedAt: '2026-01-15T10:03:05.000Z',
      error: { code: 'bureau_unavailable', message: 'The credit bureau did not answer.' },
    },
  },
  'document.received': {
    type: 'document.received',
    description: 'A document was received.',
    example: {
      documentId: 'doc_5d1e7b',
      leadId: 'lead_8f2c1a',
      fileName: 'bank-statement-2025-12.pdf',
      mimeType: 'application/pdf',
      sizeBytes: 482113,
      documentType: 'bank_statement',
      source: 'email',
      receivedAt: '2026-01-15T09:58:40.000Z',
    },
  },
  'document.extracted': {
    type: 'document.extracted',
    description: 'Extraction of a document completed.',
    example: {
      documentId: 'doc_5d1e7b',
      leadId: 'lead_8f2c1a',
      fileName: 'bank-statement-2025-12.pdf',
      mimeType: 'application/pdf',
      documentType: 'bank_statement',
      extracted: {
        accountHolder: 'Acme Bakery LLC',
        statementPeriod: '2025-12',
        endingBalance: 18450.12,
        averageDailyBalance: 15210.4,
      },
      extractedAt: '2026-01-15T09:59:12.000Z',
    },
  },
  'lead.created': {
    type: 'lead.created',
    description: 'A lead was created.',
    example: {
      leadId: 'lead_8f2c1a',
      status: 'new',
      firstName: 'Dana',
      lastName: 'Reyes',
      email: 'dana@acmebakery.example',
      phone: '+15555550142',
      businessName: 'Acme Bakery LLC',
      loanAmount: 75000,
      source: 'web_form',
      createdAt: '2026-01-15T09:45:00.000Z',
    },
  },
  'lead.updated': {
    type: 'lead.updated',
    description: 'A lead was updated.',
    example: {
      leadId: 'lead_8f2c1a',
      status: 'in_progress',
      loanAmount: 90000,
      changedFields: ['loanAmount', 'status'],
      updatedAt: '2026-01-15T10:10:00.000Z',
    },
  },
  'lead.completed': {
    type: 'lead.completed',
    description: 'A lead application was completed.',
    example: {
      leadId: 'lead_8f2c1a',
      status: 'completed',
      firstName: 'Dana',
      lastName: 'Reyes',
      businessName: 'Acme Bakery LLC',
      loanAmount: 90000,
      completedAt: '2026-01-15T11:30:00.000Z',
    },
  },
};

export const EVENT_TYPES = Object.keys(EVENT_TYPE_CATALOGUE) as readonly EventType[];

export function isEventType(value: string): value is EventType {
  return Object.prototype.hasOwnProperty.call(EVENT_TYPE_CATALOGUE, value);
}
