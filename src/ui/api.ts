/**
 * Everything the page asks the server, in one place. The shapes are the API's own: `z.infer` of the
 * response schemas in src/api/schemas.ts, imported as types only, so a field that changes there breaks
 * this build rather than the page. Requests carry the session cookie (HttpOnly, sent by the browser) and,
 * for changes, the session's CSRF token.
 */
import type { z } from 'zod';
import type {
  CreateWebhookBody,
  DeliveryList,
  DeliveryStatus,
  EventSearchList,
  EventStatus,
  EventTypeList,
  RecoverBody,
  Recovery,
  RedeliveryAccepted,
  RotatedSecret,
  SecretResponse,
  TestWebhookResponse,
  UpdateWebhookBody,
  Webhook,
  WebhookList,
  WebhookWithSecret,
} from '../api/schemas';
import type { SessionView } from '../api/ui/sessions';
import type { PING_EVENT_TYPE } from '../contract/event-types';
import type { InvalidField, Problem } from '../contract/problem';

export type { DeliveryStatus, SessionView };

export type WebhookView = z.infer<typeof Webhook>;
export type RetrySchedule = WebhookView['retrySchedule'];
export type NewWebhook = z.infer<typeof WebhookWithSecret>;
export type CreateWebhookRequest = z.input<typeof CreateWebhookBody>;
export type UpdateWebhookRequest = z.input<typeof UpdateWebhookBody>;
export type EventStatusView = z.infer<typeof EventStatus>;
export type EventDelivery = EventStatusView['deliveries'][number];
export type Attempt = EventDelivery['attemptLog'][number];
/** One delivery to one webhook, with its attempts. */
export type DeliveryItem = z.infer<typeof DeliveryList>['data'][number];
/** One delivery workflow of the workspace, as the search finds it. */
export type SearchItem = z.infer<typeof EventSearchList>['data'][number];
export type RecoveryView = z.infer<typeof Recovery>;
export type RecoverRequest = z.input<typeof RecoverBody>;
export type Page<T> = { data: T[]; nextCursor: string | null };
type CatalogueEntry = z.infer<typeof EventTypeList>['data'][number];
/** What a webhook's `events` may hold: a type of the catalogue, or `*`. */
export type EventSelector = CreateWebhookRequest['events'][number];

/** One event type as the form offers it. */
export interface EventTypeOption {
  type: CatalogueEntry['type'];
  description: string;
  group: string;
  operational: boolean;
}

export const PING: typeof PING_EVENT_TYPE = 'webhook.ping';

/** An answer outside 2xx, as the API describes it (RFC 9457). */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Partial<Problem>;
  constructor(status: number, problem: Partial<Problem>) {
    super(problem.detail ?? problem.title ?? `The server answered ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
  }

  /** The fields a 400 names, `events.0` and such. */
  get fields(): InvalidField[] {
    return this.problem.errors ?? [];
  }
}

let csrfToken: string | undefined;
let onSignedOut: ((reason: string) => void) | undefined;

/** Called when a request finds the session gone (expired, its key revoked). */
export function whenSignedOut(listener: (reason: string) => void): void {
  onSignedOut = listener;
}

async function call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const sent: Record<string, string> = { accept: 'application/json', ...headers };
  if (body !== undefined) sent['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) sent['x-csrf-token'] = csrfToken;
  const response = await fetch(path, {
    method,
    headers: sent,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
    cache: 'no-store',
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    const problem = (parsed && typeof parsed === 'object' ? parsed : { detail: text }) as Partial<Problem>;
    const error = new ApiError(response.status, problem);
    if (response.status === 401 && csrfToken && !path.startsWith('/ui/')) {
      csrfToken = undefined;
      onSignedOut?.(error.message);
    }
    throw error;
  }
  return parsed as T;
}

const query = (params: Record<string, string | number | undefined>) => {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params))
    if (value !== undefined && value !== '') search.set(name, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
};
const id = encodeURIComponent;

function remember(view: SessionView): SessionView {
  csrfToken = view.csrfToken;
  return view;
}

// Sessions

export const session = async () => remember(await call<SessionView>('GET', '/ui/session'));
export const signIn = async (apiKey: string) =>
  remember(await call<SessionView>('POST', '/ui/session', undefined, { authorization: `Bearer ${apiKey}` }));
export const openPortalLink = async (token: string) =>
  remember(await call<SessionView>('POST', '/ui/portal-session', { token }));
export async function signOut(): Promise<void> {
  await call<void>('DELETE', '/ui/session');
  csrfToken = undefined;
}

// What the server offers

/** Parts of the API that not every server has yet; the page shows them only where they exist. */
export interface Features {
  /** `POST /v1/webhooks/{id}/recover` and `GET /v1/recoveries/{id}`. */
  recovery: boolean;
  /** `POST /v1/recoveries`: every webhook of the workspace at once. */
  workspaceRecovery: boolean;
  /** `GET /v1/events`: deliveries across the workspace, with filters. */
  eventSearch: boolean;
  /** Webhooks take `retrySchedule`. */
  retrySchedule: boolean;
}

type OpenApi = {
  paths?: Record<string, Record<string, unknown> | undefined>;
  components?: { schemas?: Record<string, { properties?: Record<string, unknown> } | undefined> };
};

export async function features(): Promise<Features> {
  const document = await call<OpenApi>('GET', '/openapi.json');
  const paths = document.paths ?? {};
  const create = document.components?.schemas?.CreateWebhookRequest?.properties ?? {};
  return {
    recovery: Boolean(paths['/v1/webhooks/{id}/recover']?.post && paths['/v1/recoveries/{id}']?.get),
    workspaceRecovery: Boolean(paths['/v1/recoveries']?.post && paths['/v1/recoveries/{id}']?.get),
    eventSearch: Boolean(paths['/v1/events']?.get),
    retrySchedule: 'retrySchedule' in create,
  };
}

const GROUP_BY_PREFIX: Record<string, string> = { action_log: 'Action Log', document: 'Document', lead: 'Lead' };
const OPERATIONAL_PREFIXES = ['webhook.', 'delivery.'];

/** The catalogue, each type with its group: the API's own where it says, else from the type's prefix. */
export async function eventTypes(): Promise<EventTypeOption[]> {
  const { data } = await call<{ data: (Omit<CatalogueEntry, 'group' | 'operational'> & Partial<CatalogueEntry>)[] }>(
    'GET',
    '/v1/event-types',
  );
  return data.map((entry) => {
    const operational = entry.operational ?? OPERATIONAL_PREFIXES.some((prefix) => entry.type.startsWith(prefix));
    const prefix = entry.type.slice(0, entry.type.indexOf('.'));
    return {
      type: entry.type,
      description: entry.description,
      operational,
      group: entry.group ?? (operational ? 'Operational' : (GROUP_BY_PREFIX[prefix] ?? prefix)),
    };
  });
}

// Webhooks

export const listWebhooks = (cursor?: string) =>
  call<z.infer<typeof WebhookList>>('GET', `/v1/webhooks${query({ limit: 100, cursor })}`) as Promise<
    Page<WebhookView>
  >;
export const getWebhook = (webhookId: string) => call<WebhookView>('GET', `/v1/webhooks/${id(webhookId)}`);
export const createWebhook = (body: CreateWebhookRequest) => call<NewWebhook>('POST', '/v1/webhooks', body);
export const updateWebhook = (webhookId: string, body: UpdateWebhookRequest) =>
  call<WebhookView>('PATCH', `/v1/webhooks/${id(webhookId)}`, body);
export const deleteWebhook = (webhookId: string) => call<void>('DELETE', `/v1/webhooks/${id(webhookId)}`);
export const revealSecret = (webhookId: string) =>
  call<z.infer<typeof SecretResponse>>('GET', `/v1/webhooks/${id(webhookId)}/secret`);
export const rotateSecret = (webhookId: string) =>
  call<z.infer<typeof RotatedSecret>>('POST', `/v1/webhooks/${id(webhookId)}/rotate-secret`, {});
export const sendTestEvent = (webhookId: string, type?: string) =>
  call<z.infer<typeof TestWebhookResponse>>('POST', `/v1/webhooks/${id(webhookId)}/test`, type ? { type } : {});

// Deliveries and events

export interface DeliveryFilter {
  status?: DeliveryStatus;
  type?: string;
  since?: string;
  cursor?: string;
  limit?: number;
}

/** The deliveries to one webhook, newest first, each with its attempts. */
export const listDeliveries = (webhookId: string, filter: DeliveryFilter = {}) =>
  call<z.infer<typeof DeliveryList>>(
    'GET',
    `/v1/webhooks/${id(webhookId)}/deliveries${query({
      status: filter.status,
      type: filter.type,
      since: filter.since,
      cursor: filter.cursor,
      limit: filter.limit ?? 25,
    })}`,
  );

/** The workspace-wide search (see {@link Features.eventSearch}). */
export const searchDeliveries = (filter: DeliveryFilter & { webhookId?: string; until?: string }) =>
  call<z.infer<typeof EventSearchList>>(
    'GET',
    `/v1/events${query({
      status: filter.status,
      type: filter.type,
      webhookId: filter.webhookId,
      since: filter.since,
      until: filter.until,
      cursor: filter.cursor,
      limit: filter.limit ?? 25,
    })}`,
  );

export const getEvent = (eventId: string, redeliveryId?: string) =>
  call<EventStatusView>(
    'GET',
    redeliveryId ? `/v1/events/${id(eventId)}/redeliveries/${id(redeliveryId)}` : `/v1/events/${id(eventId)}`,
  );
export const redeliver = (eventId: string, webhookId?: string) =>
  call<z.infer<typeof RedeliveryAccepted>>(
    'POST',
    `/v1/events/${id(eventId)}/redeliver`,
    webhookId ? { webhookId } : {},
  );

// Recovery

/** Starts a recovery, or finds the one already asked for with the same window. */
export const recover = (webhookId: string | undefined, window: RecoverRequest) =>
  call<RecoveryView>(
    'POST',
    webhookId ? `/v1/webhooks/${id(webhookId)}/recover` : '/v1/recoveries',
    webhookId ? window : { since: window.since, until: window.until },
  );
export const getRecovery = (recoveryId: string) => call<RecoveryView>('GET', `/v1/recoveries/${id(recoveryId)}`);
export const cancelRecovery = (recoveryId: string) =>
  call<RecoveryView>('POST', `/v1/recoveries/${id(recoveryId)}/cancel`);
