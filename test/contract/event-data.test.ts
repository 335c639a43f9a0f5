import { Ajv2020 } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import {
  EVENT_DATA_EXAMPLES,
  EVENT_DATA_SCHEMAS,
  EventDataError,
  eventDataIssues,
  eventDataJsonSchema,
} from '../../src/contract/event-data';
import { CATALOGUE_EVENT_TYPES, type CatalogueEventType } from '../../src/contract/event-types';

type Json = Record<string, unknown>;

/** A deep copy of the example of `type`, changed by `edit`. */
function exampleWith(type: CatalogueEventType, edit: (data: Json) => void = () => {}): Json {
  const data = structuredClone(EVENT_DATA_EXAMPLES[type]) as Json;
  edit(data);
  return data;
}

/** The object at `path` (dot separated, numbers for array items) inside `data`. */
function at(data: Json, path: string): Json {
  return path.split('.').reduce<Json>((value, key) => value[key] as Json, data);
}

/** `data` without the field at `path`. */
function without(type: CatalogueEventType, path: string): Json {
  return exampleWith(type, (data) => {
    const keys = path.split('.');
    const last = keys.pop()!;
    delete (keys.length > 0 ? at(data, keys.join('.')) : data)[last];
  });
}

const fields = (type: CatalogueEventType, data: unknown) =>
  eventDataIssues(type, data).map(({ path, message }) => (path.length > 0 ? `${path.join('.')} ${message}` : message));

describe('the examples', () => {
  it('exist for exactly the types of the catalogue, with a schema each', () => {
    expect(Object.keys(EVENT_DATA_EXAMPLES).sort()).toEqual([...CATALOGUE_EVENT_TYPES].sort());
    expect(Object.keys(EVENT_DATA_SCHEMAS).sort()).toEqual([...CATALOGUE_EVENT_TYPES].sort());
  });

  it.each(CATALOGUE_EVENT_TYPES)('of %s parse with its schema, unchanged', (type) => {
    const example = EVENT_DATA_EXAMPLES[type];

    expect(fields(type, example)).toEqual([]);
    expect(EVENT_DATA_SCHEMAS[type].parse(example)).toEqual(example);
  });
});

/**
 * Per type: the fields OmniAI always sends (and the operational events always carry), and those it
 * marks optional. Paths are inside `data`.
 */
const FIELDS: Record<CatalogueEventType, { required: string[]; optional: string[] }> = {
  'action_log.completed': {
    required: [
      'actionLog',
      'actionLog.id',
      'actionLog.type',
      'actionLog.status',
      'actionLog.leadId',
      'actionLog.summary',
      'actionLog.input',
      'actionLog.input.channel',
      'actionLog.input.direction',
      'actionLog.messages',
      'actionLog.messages.0.id',
      'actionLog.messages.0.body',
      'actionLog.messages.0.channel',
      'actionLog.messages.0.direction',
      'actionLog.messages.0.documents',
      'actionLog.completedAt',
      'actionLog.input.metadata.agentMailData.to',
      'actionLog.input.metadata.agentMailData.from',
      'actionLog.input.metadata.agentMailData.subject',
    ],
    optional: [
      'actionLog.output',
      'actionLog.input.metadata.agentMailData',
      'actionLog.input.metadata',
      'actionLog.messages.0.subject',
    ],
  },
  'action_log.failed': {
    required: ['actionLog.status', 'actionLog.error', 'actionLog.agentId', 'actionLog.tool.id', 'actionLog.tool.name'],
    optional: [],
  },
  'document.received': {
    required: [
      'document.id',
      'document.size',
      'document.leadId',
      'document.filename',
      'document.mimeType',
      'document.createdAt',
      'document.signedUrl',
    ],
    optional: ['document.metadata', 'document.messageId'],
  },
  'document.extracted': {
    required: [
      'leadId',
      'documentId',
      'status',
      'type',
      'extractionResult.items',
      'extractionResult.extractedCount',
      'extractionResult.items.0.label',
      'extractionResult.items.0.value',
    ],
    optional: [
      'externalLeadId',
      'parentActionId',
      'summary',
      'classification',
      'extractionResult',
      'extractionResult.items.0.leadChecklistItemId',
    ],
  },
  'lead.created': {
    required: ['leadId', 'source'],
    optional: ['externalId', 'firstName', 'lastName', 'phoneNumber', 'email', 'businessName', 'website'],
  },
  'lead.updated': {
    required: ['leadId'],
    optional: ['externalId', 'phoneNumber', 'checklistItems'],
  },
  'lead.completed': {
    required: [
      'leadId',
      'source',
      'checklistItems',
      'checklistItems.0.checklistItemId',
      'checklistItems.0.checklistItemCode',
      'checklistItems.0.value',
      'checklistItems.0.status',
      'checklistItems.0.updatedAt',
      'checklistItems.0.documents',
      'checklistItems.3.documents.0.documentId',
      'checklistItems.3.documents.0.filename',
      'checklistItems.3.documents.0.mimeType',
      'checklistItems.3.documents.0.size',
      'checklistItems.3.documents.0.validationResult.documentId',
      'checklistItems.3.documents.0.validationResult.overallValid',
      'checklistItems.3.documents.0.validationResult.validationResults',
      'checklistItems.3.documents.0.validationResult.validationResults.0.isValid',
      'checklistItems.3.documents.0.validationResult.validationResults.0.ruleName',
    ],
    optional: [
      'externalId',
      'firstName',
      'email',
      'website',
      'checklistItems.2.alternateValues',
      'checklistItems.3.documents.0.validationResult',
    ],
  },
  'webhook.disabled': {
    required: ['webhookId', 'url', 'reason', 'disabledAt'],
    optional: ['failingSince', 'failedDeliveries'],
  },
  'delivery.exhausted': {
    required: ['eventId', 'eventType', 'webhookId', 'attempts', 'exhaustedAt'],
    optional: ['failureType', 'error', 'statusCode'],
  },
  'webhook.recovered': {
    required: ['recoveryId', 'since', 'until', 'found', 'redelivered', 'succeeded', 'failed', 'completedAt'],
    optional: ['webhookId'],
  },
};

const requiredCases = CATALOGUE_EVENT_TYPES.flatMap((type) => FIELDS[type].required.map((path) => ({ type, path })));
const optionalCases = CATALOGUE_EVENT_TYPES.flatMap((type) => FIELDS[type].optional.map((path) => ({ type, path })));

describe('the schemas', () => {
  it.each(requiredCases)('of $type require $path', ({ type, path }) => {
    expect(fields(type, without(type, path))).toEqual([`${path} is required`]);
  });

  it.each(optionalCases)('of $type take data without $path', ({ type, path }) => {
    expect(fields(type, without(type, path))).toEqual([]);
  });

  it('take a lead.updated that carries only the lead id', () => {
    expect(fields('lead.updated', { leadId: 'lead_8f2c1a' })).toEqual([]);
    expect(fields('lead.updated', { leadId: 'lead_8f2c1a', email: 'dana@reyesbakery.example' })).toEqual([]);
  });

  it('hold the action log status to COMPLETED or FAILED by type, and take any action type', () => {
    const failed = exampleWith('action_log.completed', (data) => (at(data, 'actionLog').status = 'FAILED'));
    const completed = exampleWith('action_log.failed', (data) => (at(data, 'actionLog').status = 'COMPLETED'));
    const newKind = exampleWith('action_log.completed', (data) => (at(data, 'actionLog').type = 'CALENDAR_INVITE'));

    expect(fields('action_log.completed', failed)).toEqual(['actionLog.status must be "COMPLETED"']);
    expect(fields('action_log.failed', completed)).toEqual(['actionLog.status must be "FAILED"']);
    expect(fields('action_log.completed', newKind)).toEqual([]);
  });

  it('take only the documented checklist statuses, lead sources and extraction statuses', () => {
    const status = exampleWith('lead.completed', (data) => (at(data, 'checklistItems.1').status = 'DONE'));
    const source = exampleWith('lead.completed', (data) => (data.source = 'web_form'));
    const extraction = exampleWith('document.extracted', (data) => (data.status = 'COMPLETED'));

    expect(fields('lead.completed', status)).toEqual([
      'checklistItems.1.status must be one of "TODO", "COMPLETED", "INVALID", "SKIPPED", "NEEDS_REVIEW"',
    ]);
    expect(fields('lead.completed', source)).toEqual([
      'source must be one of "inbound-email", "inbound-sms", "inbound-whatsapp", "admin-email", "portal", "api", "http", "salesforce"',
    ]);
    expect(fields('document.extracted', extraction)).toEqual(['status must be one of "completed", "failed"']);
  });

  it('take a checklist value as a string, a number or an address, and nothing else', () => {
    const values = ['74-3318205', 75000, { street: '1801 E Cesar Chavez St', city: 'Austin' }, true, null, ['a']];
    const outcome = values.map((value) =>
      fields(
        'lead.completed',
        exampleWith('lead.completed', (data) => (at(data, 'checklistItems.0').value = value)),
      ),
    );

    expect(outcome).toEqual([
      [],
      [],
      [],
      ['checklistItems.0.value must be a string, a number or an address object'],
      ['checklistItems.0.value must be a string, a number or an address object'],
      ['checklistItems.0.value must be a string, a number or an address object'],
    ]);
  });

  it('hold documented fields to their types and name each one that differs', () => {
    const data = exampleWith('document.received', (d) => {
      const document = at(d, 'document');
      Object.assign(document, { size: 12.5, leadId: 42, createdAt: 'yesterday', signedUrl: 'javascript:alert(1)' });
    });

    expect(fields('document.received', data)).toEqual([
      'document.size must be an integer',
      'document.leadId must be a string',
      'document.createdAt must be an ISO 8601 date-time with a time zone',
      'document.signedUrl must be an http or https URL',
    ]);
    expect(fields('delivery.exhausted', { ...EVENT_DATA_EXAMPLES['delivery.exhausted'], attempts: 0 })).toEqual([
      'attempts must be at least 1',
    ]);
    expect(fields('webhook.recovered', { ...EVENT_DATA_EXAMPLES['webhook.recovered'], found: -1 })).toEqual([
      'found must be at least 0',
    ]);
    expect(fields('lead.created', [])).toEqual(['must be an object']);
  });

  it('keep keys they do not declare, at the top and inside, where the reference leaves objects open', () => {
    const data = exampleWith('lead.completed', (d) => {
      d.loanAmount = 75000;
      at(d, 'checklistItems.3.documents.0.validationResult.validationResults.0').confidence = 0.97;
      at(d, 'checklistItems.1.value').county = 'Travis';
    });
    const extracted = exampleWith('document.extracted', (d) => {
      d.classification = { type: 'Bank Statement', bank: 'Hill Country Credit Union', pages: [1, 2, 3] };
    });

    expect(EVENT_DATA_SCHEMAS['lead.completed'].parse(data)).toEqual(data);
    expect(EVENT_DATA_SCHEMAS['document.extracted'].parse(extracted)).toEqual(extracted);
  });

  it('describe every mismatch in one error for the emitters that do not go through the API', () => {
    const error = new EventDataError('lead.created', eventDataIssues('lead.created', { leadId: '', firstName: 1 }));

    expect(error.message).toBe(
      'The data of lead.created is invalid: data.leadId must not be empty; data.firstName must be a string; data.source is required',
    );
  });
});

describe('the generated JSON Schemas', () => {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  const validators = new Map(CATALOGUE_EVENT_TYPES.map((type) => [type, ajv.compile(eventDataJsonSchema(type))]));
  const valid = (type: CatalogueEventType, data: unknown) => validators.get(type)!(data);

  it.each(CATALOGUE_EVENT_TYPES)('of %s compile under strict draft 2020-12 and take its example', (type) => {
    expect(eventDataJsonSchema(type)).toMatchObject({ $schema: 'https://json-schema.org/draft/2020-12/schema' });
    expect(valid(type, EVENT_DATA_EXAMPLES[type])).toBe(true);
  });

  it('refuse what the zod schemas refuse', () => {
    const refused: [CatalogueEventType, Json][] = [
      ...requiredCases.map(({ type, path }): [CatalogueEventType, Json] => [type, without(type, path)]),
      ['lead.completed', exampleWith('lead.completed', (d) => (at(d, 'checklistItems.1').status = 'DONE'))],
      ['lead.created', exampleWith('lead.created', (d) => (d.source = 'web_form'))],
      ['lead.created', exampleWith('lead.created', (d) => (d.firstName = 42))],
      ['action_log.failed', exampleWith('action_log.failed', (d) => (at(d, 'actionLog').status = 'COMPLETED'))],
      ['document.received', exampleWith('document.received', (d) => (at(d, 'document').size = 1.5))],
      ['document.received', exampleWith('document.received', (d) => (at(d, 'document').createdAt = 'yesterday'))],
      ['webhook.recovered', { ...EVENT_DATA_EXAMPLES['webhook.recovered'], failed: -1 }],
    ];

    for (const [type, data] of refused) {
      expect(fields(type, data), type).not.toEqual([]);
      expect(valid(type, data), `${type} ${JSON.stringify(data)}`).toBe(false);
    }
  });
});
