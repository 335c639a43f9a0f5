/**
 * The Hookline API as TypeScript types, generated from its OpenAPI document (`GET /openapi.json`) by
 * `npm run client:generate` with openapi-typescript. Do not edit: regenerate.
 */
export interface paths {
  '/healthz': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The process is up */
    get: operations['health'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/openapi.json': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** This OpenAPI 3.1 document */
    get: operations['openApiDocument'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/readyz': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** SQLite and Temporal both answer */
    get: operations['readiness'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/api-keys': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * List the API keys of this workspace, revoked and expired ones included, oldest first
     * @description Needs an API key with the `manage` scope (accepted: `manage`).
     */
    get: operations['listApiKeys'];
    put?: never;
    /**
     * Create an API key for this workspace; the answer holds the key, shown only this once
     * @description Needs an API key with the `manage` scope (accepted: `manage`).
     */
    post: operations['createApiKey'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/api-keys/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /**
     * Revoke an API key, this one included; it is refused from the next request on
     * @description Needs an API key with the `manage` scope (accepted: `manage`).
     */
    delete: operations['revokeApiKey'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/event-types': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The event catalogue: each type with its group, a description, the JSON Schema of its data and an example
     * @description Needs an API key with the `emit` scope (accepted: `emit`, `manage`).
     */
    get: operations['listEventTypes'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/events': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Search the workspace's deliveries by type, status, webhook and time; `status=failed` is the dead letters
     * @description Needs an API key with the `manage` scope (accepted: `manage`).
     */
    get: operations['searchEvents'];
    put?: never;
    /**
     * Emit an event to every webhook of the workspace that subscribes to its type
     * @description Needs an API key with the `emit` scope (accepted: `emit`, `manage`).
     */
    post: operations['emitEvent'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/events/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * An event and each endpoint's delivery, read from its workflow
     * @description Needs an API key with the `manage` scope (accepted: `manage`).
     */
    get: operations['getEvent'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/events/{id}/redeliver': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Deliver an event again, to all its endpoints or to one, in a new linked workflow
     * @description Needs an API key with the `manage` scope (accepted: `manage`).
     */
    post: operations['redeliverEvent'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/events/{id}/redeliveries/{redeliveryId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Where a redelivery stands
     * @description Needs an API key with the `manage` scope (accepted: `manage`).
     */
    get: operations['getRedelivery'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/portal-sessions': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Make a one-time link that opens this workspace's webhooks settings page without an API key, for a customer to manage their endpoints
     * @description Needs an API key with the `manage` scope (accepted: `manage`).
     */
    post: operations['createPortalSession'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/recoveries': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Redeliver every failed delivery of the workspace in a window
     * @description Needs an API key with the `manage` scope (accepted: `manage`).
     */
    post: operations['recoverWorkspace'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/recoveries/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Where a recovery stands: found, redelivered, succeeded, failed
     * @description Needs an API key with the `manage` scope (accepted: `manage`).
     */
    get: operations['getRecovery'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/recoveries/{id}/cancel': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Stop a recovery from starting more redeliveries; those under way finish
     * @description Needs an API key with the `manage` scope (accepted: `manage`).
     */
    post: operations['cancelRecovery'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/webhooks': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * List webhooks, oldest first, a page at a time
     * @description Needs an API key with the `manage` scope (accepted: `manage`).
     */
    get: operations['listWebhooks'];
    put?: never;
    /**
     * Create a webhook; the answer holds its secret
     * @description Needs an API key with the `manage` scope (accepted: `manage`).
     */
    post: operations['createWebhook'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/webhooks/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Read a webhook
     * @description Needs an API key with the `manage` scope (accepted: `manage`).
     */
    get: operations['getWebhook'];
    put?: never;
    post?: never;
    /**
     * Delete a webhook; deliveries still retrying to it end as failed
     * @description Needs an API key with the `manage` scope (accepted: `manage`).
     */
    delete: operations['deleteWebhook'];
    options?: never;
    head?: never;
    /**
     * Change any of the fields given at creation
     * @description Needs an API key with the `manage` scope (accepted: `manage`).
     */
    patch: operations['updateWebhook'];
    trace?: never;
  };
  '/v1/webhooks/{id}/attempts': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Every attempt to this webhook: the deliveries of one page, newest first, and their attempts
     * @description Needs an API key with the `manage` scope (accepted: `manage`).
     */
    get: operations['listWebhookAttempts'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/webhooks/{id}/deliveries': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Recent deliveries to this webhook, newest first, from Temporal visibility
     * @description Needs an API key with the `manage` scope (accepted: `manage`).
     */
    get: operations['listWebhookDeliveries'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/webhooks/{id}/recover': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Redeliver every delivery to this webhook that failed in a window, as a durable, throttled recovery
     * @description Needs an API key with the `manage` scope (accepted: `manage`).
     */
    post: operations['recoverWebhook'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/webhooks/{id}/rotate-secret': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Replace the secret; the previous one keeps signing for a grace period (24 h by default)
     * @description Needs an API key with the `manage` scope (accepted: `manage`).
     */
    post: operations['rotateWebhookSecret'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/webhooks/{id}/secret': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Read the current signing secret
     * @description Needs an API key with the `manage` scope (accepted: `manage`).
     */
    get: operations['getWebhookSecret'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/webhooks/{id}/stats': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * How this webhook fared over the last hour, day or week: counts, success rate, latency, last failure
     * @description Needs an API key with the `manage` scope (accepted: `manage`).
     */
    get: operations['getWebhookStats'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/webhooks/{id}/test': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Send an example event (a ping by default) to this webhook only, through the delivery workflow
     * @description Needs an API key with the `manage` scope (accepted: `manage`).
     */
    post: operations['testWebhook'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
}
export type webhooks = Record<string, never>;
export interface components {
  schemas: {
    ApiKey: {
      createdAt: string;
      expiresAt: string | null;
      id: string;
      /** @description The last authenticated request, to the minute: it is recorded at most once a minute. */
      lastUsedAt: string | null;
      name: string;
      /** @description The first characters of the key, to tell keys apart. */
      prefix: string;
      revokedAt: string | null;
      /**
       * @description `emit`: emit events and read the event types only (for services). `manage`: everything in the workspace.
       * @enum {string}
       */
      scope: 'emit' | 'manage';
      /** @enum {string} */
      status: 'active' | 'expired' | 'revoked';
    };
    ApiKeyList: {
      data: components['schemas']['ApiKey'][];
      /** @description Pass as `cursor` to read the next page. */
      nextCursor: string | null;
    };
    Attempt: {
      /** @description Starts at 1 for each delivery. */
      attempt: number;
      durationMs: number | null;
      error: string | null;
      /** @description `HttpStatus`, `Timeout`, `ConnectionError`, `EndpointGone`, `DestinationBlocked`, `WebhookUnavailable`, or `Unreported` for an attempt whose worker stopped before it could report. */
      failureType: string | null;
      /** @enum {string} */
      outcome: 'succeeded' | 'failed';
      /** @description The start of the receiver's answer. */
      responseExcerpt: string | null;
      /** @description The wait the receiver asked for with `Retry-After` (429 or 503), as honoured (at most one hour). */
      retryAfterMs: number | null;
      startedAt: string | null;
      statusCode: number | null;
      /**
       * @description What started the delivery: `scheduled` (the event was emitted), `redelivery` (asked for), `recovery` (a bulk recovery) or `test`.
       * @enum {string}
       */
      trigger: 'scheduled' | 'redelivery' | 'recovery' | 'test';
    };
    AttemptItem: components['schemas']['Attempt'] & {
      eventId: string;
      eventType: string;
      redeliveryId: string | null;
    };
    AttemptList: {
      data: components['schemas']['AttemptItem'][];
      /** @description Pass as `cursor` to read the next page. */
      nextCursor: string | null;
    };
    /**
     * @description An event type of the catalogue: a service's, or one Hookline emits itself (operational).
     * @enum {string}
     */
    CatalogueEventType:
      | 'action_log.completed'
      | 'action_log.failed'
      | 'document.received'
      | 'document.extracted'
      | 'lead.created'
      | 'lead.updated'
      | 'lead.completed'
      | 'webhook.disabled'
      | 'delivery.exhausted'
      | 'webhook.recovered';
    CreateApiKeyRequest: {
      /**
       * Format: date-time
       * @description When the key stops working. Default: never.
       * @example 2027-01-01T00:00:00Z
       */
      expiresAt?: string;
      /** @description Instead of `expiresAt`: how long from now the key works. */
      expiresInSeconds?: number;
      /** @description A label, such as the service that holds the key. */
      name?: string;
      /**
       * @description `emit`: emit events and read the event types only (for services). `manage`: everything in the workspace.
       * @enum {string}
       */
      scope: 'emit' | 'manage';
    };
    CreatePortalSessionRequest: {
      /** @description How long the link may be opened, at most the server’s `HOOKLINE_PORTAL_LINK_TTL_SECONDS` (default 600). */
      expiresInSeconds?: number;
    };
    CreateWebhookRequest: {
      description?: string;
      enabled?: boolean;
      events: (components['schemas']['CatalogueEventType'] | '*')[];
      /**
       * @description Extra headers sent with every delivery: at most 20, names of at most 64 characters other than Hookline's own (`webhook-*`, `content-type`, `user-agent`, …) and hop-by-hop ones, values of at most 1024 visible ASCII characters.
       * @example {
       *       "x-tenant": "acme"
       *     }
       */
      headers?: {
        [key: string]: string;
      };
      /**
       * @description How deliveries are retried. `standard` (the default): after 1 and 2 more minutes, 3 attempts. `extended`: after 1 minute, doubling, at most 6 hours apart, 13 attempts over about 26.5 hours.
       * @enum {string}
       */
      retrySchedule?: 'standard' | 'extended';
      /**
       * @description Generated when absent.
       * @example whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
       */
      secret?: string;
      /**
       * Format: uri
       * @example https://example.com/hooks/hookline
       */
      url: string;
    };
    DeliveryItem: {
      /** @description Every attempt that has ended, oldest first. */
      attemptLog: components['schemas']['Attempt'][];
      /** @description Attempts that have ended so far. */
      attempts: number;
      completedAt: string | null;
      eventId: string;
      eventType: string;
      lastError: string | null;
      lastStatusCode: number | null;
      nextAttemptAt: string | null;
      /** @description Set on redeliveries: the id to read them by under `/v1/events/{id}/redeliveries/`. */
      redeliveryId: string | null;
      startedAt: string;
      /** @enum {string} */
      status: 'pending' | 'retrying' | 'succeeded' | 'failed';
      temporalUiUrl: string;
      /** @enum {string|null} */
      trigger: 'scheduled' | 'redelivery' | 'recovery' | 'test' | null;
    };
    DeliveryList: {
      data: components['schemas']['DeliveryItem'][];
      /** @description Pass as `cursor` to read the next page. */
      nextCursor: string | null;
    };
    EmitEventRequest: {
      /** @description Must match the JSON Schema of `type` that `GET /v1/event-types` publishes (a mismatch answers 400 naming each field); keys the schema does not name are kept. At most 32 levels deep, `data` included. */
      data: {
        [key: string]: unknown;
      };
      /** @description Your id for the event; sending the same id again is answered with the original event. */
      id?: string;
      /**
       * Format: date-time
       * @description Default: now.
       */
      occurredAt?: string;
      type: components['schemas']['EventType'];
    };
    EmittedEvent: {
      id: string;
      /** Format: date-time */
      timestamp: string;
      type:
        | (
            | 'action_log.completed'
            | 'action_log.failed'
            | 'document.received'
            | 'document.extracted'
            | 'lead.created'
            | 'lead.updated'
            | 'lead.completed'
          )
        | ('webhook.disabled' | 'delivery.exhausted' | 'webhook.recovered')
        | 'webhook.ping';
      workspaceId: string;
    };
    EventEnvelope: {
      data: {
        [key: string]: unknown;
      };
      id: string;
      /** Format: date-time */
      timestamp: string;
      type:
        | (
            | 'action_log.completed'
            | 'action_log.failed'
            | 'document.received'
            | 'document.extracted'
            | 'lead.created'
            | 'lead.updated'
            | 'lead.completed'
          )
        | ('webhook.disabled' | 'delivery.exhausted' | 'webhook.recovered')
        | 'webhook.ping';
      workspaceId: string;
    };
    EventSearchItem: {
      closedAt: string | null;
      eventId: string;
      eventType: string;
      failedWebhookIds: string[];
      redeliveryId: string | null;
      startedAt: string | null;
      /** @enum {string} */
      status: 'pending' | 'retrying' | 'succeeded' | 'failed';
      temporalUiUrl: string;
      /** @enum {string|null} */
      trigger: 'scheduled' | 'redelivery' | 'recovery' | 'test' | null;
      /** @description The webhooks this workflow delivers to; empty for a fan-out past 50, listed on its batches. */
      webhookIds: string[];
    };
    EventSearchList: {
      data: components['schemas']['EventSearchItem'][];
      /** @description Pass as `cursor` to read the next page. */
      nextCursor: string | null;
    };
    EventStatus: {
      closedAt: string | null;
      deliveries: {
        /** @description Every attempt that has ended, oldest first. */
        attemptLog: components['schemas']['Attempt'][];
        /** @description Attempts that have ended so far. */
        attempts: number;
        completedAt: string | null;
        lastError: string | null;
        lastStatusCode: number | null;
        nextAttemptAt: string | null;
        /** @enum {string} */
        status: 'pending' | 'retrying' | 'succeeded' | 'failed';
        /** @description Where attempts go now; null once the webhook is deleted. */
        url: string | null;
        webhookId: string;
      }[];
      event: components['schemas']['EventEnvelope'];
      /** @description The latest 10 redeliveries of the event (asked for, or by a recovery), newest first, with their attempts. Read from Temporal visibility: one started a second ago may be missing. */
      redeliveries: components['schemas']['Redelivery'][];
      redeliveryOf: string | null;
      startedAt: string;
      /** @enum {string} */
      status: 'delivering' | 'completed' | 'terminated';
      /** @description Opens this event's workflow in the Temporal UI. */
      temporalUiUrl: string;
      /** @enum {string} */
      trigger: 'scheduled' | 'redelivery' | 'recovery' | 'test';
      /** @description Set when this delivery targets one webhook only. */
      webhookId: string | null;
    };
    /**
     * @description An event type a service can emit.
     * @enum {string}
     */
    EventType:
      | 'action_log.completed'
      | 'action_log.failed'
      | 'document.received'
      | 'document.extracted'
      | 'lead.created'
      | 'lead.updated'
      | 'lead.completed';
    EventTypeInfo: {
      description: string;
      /** @description Example `data`, valid against `schema`. */
      example: {
        [key: string]: unknown;
      };
      /** @enum {string} */
      group: 'Action Log' | 'Document' | 'Lead' | 'Operational';
      /** @description Emitted by Hookline itself: `POST /v1/events` refuses it, and only webhooks that name it receive it. */
      operational: boolean;
      /** @description The JSON Schema (draft 2020-12) that `data` of this type must match. */
      schema: {
        [key: string]: unknown;
      };
      type: components['schemas']['CatalogueEventType'];
    };
    EventTypeList: {
      data: components['schemas']['EventTypeInfo'][];
    };
    Health: {
      /** @enum {string} */
      status: 'ok';
    };
    NewApiKey: components['schemas']['ApiKey'] & {
      /** @description The key itself. It is shown only now: Hookline keeps only its hash. */
      key: string;
    };
    OpenApiDocument: {
      [key: string]: unknown;
    };
    PortalSession: {
      /** @description After this the link is refused, used or not. */
      expiresAt: string;
      /**
       * @description Opens the webhooks settings page for this workspace, once. The token is in the fragment, which browsers do not send to servers or in `Referer`.
       * @example https://hookline.example.com/ui/#portal=pl_…
       */
      url: string;
    };
    /** @description RFC 9457 problem details. */
    Problem: {
      detail: string;
      errors?: {
        field: string;
        message: string;
      }[];
      eventId?: string;
      instance?: string;
      status: number;
      title: string;
      type: string;
    };
    Readiness: {
      checks: {
        /** @enum {string} */
        database: 'ok' | 'failing';
        /**
         * @deprecated
         * @description The same as `database`, under the name it had before PostgreSQL; read `database`.
         * @enum {string}
         */
        sqlite: 'ok' | 'failing';
        /** @enum {string} */
        temporal: 'ok' | 'failing';
      };
      /** @enum {string} */
      status: 'ready' | 'unavailable';
    };
    RecoverRequest: {
      /** @description Also deliver the events of the window this webhook subscribes to but was never sent, because it was disabled when they were emitted. */
      includeUndelivered?: boolean;
      /**
       * Format: date-time
       * @description Recover deliveries started at or after this time.
       * @example 2026-01-15T10:00:00Z
       */
      since: string;
      /**
       * Format: date-time
       * @description Default: the end of the current minute, so that asking again within the minute finds the same recovery.
       * @example 2026-01-15T10:00:00Z
       */
      until?: string;
    };
    Recovery: {
      closedAt: string | null;
      failed: number;
      /** @description Failed deliveries found so far. */
      found: number;
      includeUndelivered: boolean;
      recoveryId: string;
      /** @description Redeliveries started. */
      redelivered: number;
      since: string;
      startedAt: string;
      /** @enum {string} */
      status: 'running' | 'completed' | 'cancelled';
      succeeded: number;
      temporalUiUrl: string;
      until: string;
      webhookId: string | null;
    };
    RedeliverRequest: {
      /** @description Default: every endpoint. */
      webhookId?: string;
    };
    Redelivery: {
      closedAt: string | null;
      deliveries: {
        /** @description Every attempt that has ended, oldest first. */
        attemptLog: components['schemas']['Attempt'][];
        /** @description Attempts that have ended so far. */
        attempts: number;
        completedAt: string | null;
        lastError: string | null;
        lastStatusCode: number | null;
        nextAttemptAt: string | null;
        /** @enum {string} */
        status: 'pending' | 'retrying' | 'succeeded' | 'failed';
        /** @description Where attempts go now; null once the webhook is deleted. */
        url: string | null;
        webhookId: string;
      }[];
      redeliveryId: string;
      startedAt: string;
      /** @enum {string} */
      status: 'delivering' | 'completed' | 'terminated';
      temporalUiUrl: string;
      /** @enum {string} */
      trigger: 'scheduled' | 'redelivery' | 'recovery' | 'test';
      webhookId: string | null;
    };
    RedeliveryAccepted: {
      eventId: string;
      redeliveryId: string;
      temporalUiUrl: string;
      webhookId: string | null;
    };
    RotatedSecret: {
      previousSecretExpiresAt: string;
      secret: string;
    };
    RotateSecretRequest: {
      /** @description How long the previous secret keeps signing deliveries. Default 86400 (24 h). */
      gracePeriodSeconds?: number;
      /** @example whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw */
      secret?: string;
    };
    TestWebhookAccepted: {
      eventId: string;
      temporalUiUrl: string;
    };
    TestWebhookRequest: {
      type?: components['schemas']['CatalogueEventType'] & unknown;
    };
    UpdateWebhookRequest: {
      description?: string;
      enabled?: boolean;
      events?: (components['schemas']['CatalogueEventType'] | '*')[];
      /**
       * @description Extra headers sent with every delivery: at most 20, names of at most 64 characters other than Hookline's own (`webhook-*`, `content-type`, `user-agent`, …) and hop-by-hop ones, values of at most 1024 visible ASCII characters.
       * @example {
       *       "x-tenant": "acme"
       *     }
       */
      headers?: {
        [key: string]: string;
      };
      /**
       * @description How deliveries are retried. `standard` (the default): after 1 and 2 more minutes, 3 attempts. `extended`: after 1 minute, doubling, at most 6 hours apart, 13 attempts over about 26.5 hours.
       * @enum {string}
       */
      retrySchedule?: 'standard' | 'extended';
      /**
       * @description Replaces the secret at once; use rotate-secret to keep the old one valid for a while.
       * @example whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
       */
      secret?: string;
      /**
       * Format: uri
       * @example https://example.com/hooks/hookline
       */
      url?: string;
    };
    Webhook: {
      createdAt: string;
      description: string;
      disabledReason: string | null;
      enabled: boolean;
      events: string[];
      /** @description When its deliveries started failing for good, while they still do; it is disabled after `HOOKLINE_AUTO_DISABLE_AFTER_HOURS` of that (24 by default) and at least `HOOKLINE_AUTO_DISABLE_MIN_FAILURES` failed deliveries (10). */
      failingSince: string | null;
      headers: {
        [key: string]: string;
      };
      id: string;
      /** @enum {string} */
      retrySchedule: 'standard' | 'extended';
      updatedAt: string;
      url: string;
    };
    WebhookList: {
      data: components['schemas']['Webhook'][];
      /** @description Pass as `cursor` to read the next page. */
      nextCursor: string | null;
    };
    WebhookSecret: {
      secret: string;
    };
    /** @description Counts come from Temporal visibility, which is eventually consistent: a delivery of the last seconds may not be counted yet. */
    WebhookStats: {
      /** @description Deliveries to this webhook started in the window, ended or not. */
      deliveries: number;
      /** @description Deliveries that failed for good (their retries exhausted). */
      failed: number;
      /** @description The most recent failed attempt of the window; null when none failed. */
      lastFailure: {
        at: string | null;
        error: string | null;
        statusCode: number | null;
      } | null;
      /** @description Percentiles of the attempts' durations in the sample; null without attempts. */
      latency: {
        p50Ms: number | null;
        p95Ms: number | null;
      };
      /** @description How many attempts the latency was computed from: those of the most recent deliveries of the window (at most 50 deliveries), not all of them. */
      latencySample: number;
      /** @description The start of the window. */
      since: string;
      succeeded: number;
      /** @description succeeded / (succeeded + failed), from 0 to 1; null while none has ended. */
      successRate: number | null;
      webhookId: string;
      /** @enum {string} */
      window: '1h' | '24h' | '7d';
    };
    WebhookWithSecret: components['schemas']['Webhook'] & {
      secret: string;
    };
    WorkspaceRecoverRequest: {
      /**
       * Format: date-time
       * @description Recover deliveries started at or after this time.
       * @example 2026-01-15T10:00:00Z
       */
      since: string;
      /**
       * Format: date-time
       * @description Default: the end of the current minute, so that asking again within the minute finds the same recovery.
       * @example 2026-01-15T10:00:00Z
       */
      until?: string;
    };
  };
  responses: never;
  parameters: never;
  requestBodies: never;
  headers: never;
  pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
  health: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Up. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Health'];
        };
      };
      /** @description More requests in the last minute than the rate limit allows (`HOOKLINE_RATE_LIMIT_PER_MINUTE`), counted per API key, or per client address for requests without a valid key. */
      429: {
        headers: {
          /** @description What is left of the quota (IETF RateLimit headers, draft 8). */
          ratelimit?: string;
          /** @description The quota and its window, in seconds. */
          'ratelimit-policy'?: string;
          /** @description Seconds to wait before retrying. */
          'retry-after'?: number;
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  openApiDocument: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The document. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['OpenApiDocument'];
        };
      };
      /** @description More requests in the last minute than the rate limit allows (`HOOKLINE_RATE_LIMIT_PER_MINUTE`), counted per API key, or per client address for requests without a valid key. */
      429: {
        headers: {
          /** @description What is left of the quota (IETF RateLimit headers, draft 8). */
          ratelimit?: string;
          /** @description The quota and its window, in seconds. */
          'ratelimit-policy'?: string;
          /** @description Seconds to wait before retrying. */
          'retry-after'?: number;
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  readiness: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Ready. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Readiness'];
        };
      };
      /** @description More requests in the last minute than the rate limit allows (`HOOKLINE_RATE_LIMIT_PER_MINUTE`), counted per API key, or per client address for requests without a valid key. */
      429: {
        headers: {
          /** @description What is left of the quota (IETF RateLimit headers, draft 8). */
          ratelimit?: string;
          /** @description The quota and its window, in seconds. */
          'ratelimit-policy'?: string;
          /** @description Seconds to wait before retrying. */
          'retry-after'?: number;
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description A dependency does not answer. */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Readiness'];
        };
      };
    };
  };
  listApiKeys: {
    parameters: {
      query?: {
        /** @description The `nextCursor` of the previous page. */
        cursor?: string;
        /** @description Items per page, 1 to 250; default 50. */
        limit?: number;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description One page of keys; never the keys themselves. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ApiKeyList'];
        };
      };
      /** @description The request is invalid. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description No API key, or an unknown, revoked or expired one. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The API key's scope is not enough: this operation needs `manage`. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description More requests in the last minute than the rate limit allows (`HOOKLINE_RATE_LIMIT_PER_MINUTE`), counted per API key, or per client address for requests without a valid key. */
      429: {
        headers: {
          /** @description What is left of the quota (IETF RateLimit headers, draft 8). */
          ratelimit?: string;
          /** @description The quota and its window, in seconds. */
          'ratelimit-policy'?: string;
          /** @description Seconds to wait before retrying. */
          'retry-after'?: number;
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Answered when the database is busy (another process held its write lock too long); nothing was changed. */
      503: {
        headers: {
          /** @description Seconds to wait before retrying. */
          'retry-after'?: number;
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  createApiKey: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: {
      content: {
        'application/json': components['schemas']['CreateApiKeyRequest'];
      };
    };
    responses: {
      /** @description The new key and its record. */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['NewApiKey'];
        };
      };
      /** @description The request is invalid. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description No API key, or an unknown, revoked or expired one. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The API key's scope is not enough: this operation needs `manage`. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The body is larger than 256 KiB. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The body is not JSON. */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description More requests in the last minute than the rate limit allows (`HOOKLINE_RATE_LIMIT_PER_MINUTE`), counted per API key, or per client address for requests without a valid key. */
      429: {
        headers: {
          /** @description What is left of the quota (IETF RateLimit headers, draft 8). */
          ratelimit?: string;
          /** @description The quota and its window, in seconds. */
          'ratelimit-policy'?: string;
          /** @description Seconds to wait before retrying. */
          'retry-after'?: number;
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Answered when the database is busy (another process held its write lock too long); nothing was changed. */
      503: {
        headers: {
          /** @description Seconds to wait before retrying. */
          'retry-after'?: number;
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  revokeApiKey: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Revoked, now or before. */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description The request is invalid. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description No API key, or an unknown, revoked or expired one. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The API key's scope is not enough: this operation needs `manage`. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Not found in this workspace. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description More requests in the last minute than the rate limit allows (`HOOKLINE_RATE_LIMIT_PER_MINUTE`), counted per API key, or per client address for requests without a valid key. */
      429: {
        headers: {
          /** @description What is left of the quota (IETF RateLimit headers, draft 8). */
          ratelimit?: string;
          /** @description The quota and its window, in seconds. */
          'ratelimit-policy'?: string;
          /** @description Seconds to wait before retrying. */
          'retry-after'?: number;
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Answered when the database is busy (another process held its write lock too long); nothing was changed. */
      503: {
        headers: {
          /** @description Seconds to wait before retrying. */
          'retry-after'?: number;
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  listEventTypes: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The catalogue. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['EventTypeList'];
        };
      };
      /** @description No API key, or an unknown, revoked or expired one. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description More requests in the last minute than the rate limit allows (`HOOKLINE_RATE_LIMIT_PER_MINUTE`), counted per API key, or per client address for requests without a valid key. */
      429: {
        headers: {
          /** @description What is left of the quota (IETF RateLimit headers, draft 8). */
          ratelimit?: string;
          /** @description The quota and its window, in seconds. */
          'ratelimit-policy'?: string;
          /** @description Seconds to wait before retrying. */
          'retry-after'?: number;
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Answered when the database is busy (another process held its write lock too long); nothing was changed. */
      503: {
        headers: {
          /** @description Seconds to wait before retrying. */
          'retry-after'?: number;
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  searchEvents: {
    parameters: {
      query?: {
        /** @description The `nextCursor` of the previous page. */
        cursor?: string;
        /** @description Items per page, 1 to 100; default 20. */
        limit?: number;
        /** @description Only deliveries started at or after this time. */
        since?: string;
        /** @description Only deliveries in this state; with `webhookId`, that webhook's own delivery. `failed` is the dead-letter view: what gave up and can be recovered. */
        status?: 'pending' | 'retrying' | 'succeeded' | 'failed';
        /** @description Only events of this type. */
        type?:
          | (
              | 'action_log.completed'
              | 'action_log.failed'
              | 'document.received'
              | 'document.extracted'
              | 'lead.created'
              | 'lead.updated'
              | 'lead.completed'
            )
          | ('webhook.disabled' | 'delivery.exhausted' | 'webhook.recovered')
          | 'webhook.ping';
        /** @description Only deliveries started at or before this time. */
        until?: string;
        /** @description Only deliveries to this webhook. */
        webhookId?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description One page of delivery workflows, newest first, answered by Temporal visibility (eventually consistent: a delivery of the last second may be missing). */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['EventSearchList'];
        };
      };
      /** @description The request is invalid. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description No API key, or an unknown, revoked or expired one. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The API key's scope is not enough: this operation needs `manage`. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description More requests in the last minute than the rate limit allows (`HOOKLINE_RATE_LIMIT_PER_MINUTE`), counted per API key, or per client address for requests without a valid key. */
      429: {
        headers: {
          /** @description What is left of the quota (IETF RateLimit headers, draft 8). */
          ratelimit?: string;
          /** @description The quota and its window, in seconds. */
          'ratelimit-policy'?: string;
          /** @description Seconds to wait before retrying. */
          'retry-after'?: number;
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Temporal did not answer in time. For an emit the start may have committed: the problem carries the `eventId` to send again, delivered once either way. Also answered when the database is busy (another process held its write lock too long); nothing was changed. */
      503: {
        headers: {
          /** @description Seconds to wait before retrying. */
          'retry-after'?: number;
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  emitEvent: {
    parameters: {
      query?: never;
      header?: {
        /** @description Makes retries safe without choosing an id: the same key always maps to the same event. Ignored when the body has an `id`. */
        'idempotency-key'?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody?: {
      content: {
        'application/json': components['schemas']['EmitEventRequest'];
      };
    };
    responses: {
      /** @description Accepted for delivery. A repeated id or Idempotency-Key answers with the original event and delivers nothing twice. */
      202: {
        headers: {
          /** @description `true` when the event had been accepted before. */
          'idempotent-replayed'?: string;
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['EmittedEvent'];
        };
      };
      /** @description The request is invalid. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description No API key, or an unknown, revoked or expired one. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The body is larger than 256 KiB. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The body is not JSON. */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description More requests in the last minute than the rate limit allows (`HOOKLINE_RATE_LIMIT_PER_MINUTE`), counted per API key, or per client address for requests without a valid key. */
      429: {
        headers: {
          /** @description What is left of the quota (IETF RateLimit headers, draft 8). */
          ratelimit?: string;
          /** @description The quota and its window, in seconds. */
          'ratelimit-policy'?: string;
          /** @description Seconds to wait before retrying. */
          'retry-after'?: number;
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Temporal did not answer in time. For an emit the start may have committed: the problem carries the `eventId` to send again, delivered once either way. Also answered when the database is busy (another process held its write lock too long); nothing was changed. */
      503: {
        headers: {
          /** @description Seconds to wait before retrying. */
          'retry-after'?: number;
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  getEvent: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The event and where its deliveries stand. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['EventStatus'];
        };
      };
      /** @description The request is invalid. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description No API key, or an unknown, revoked or expired one. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The API key's scope is not enough: this operation needs `manage`. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Not found in this workspace. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description More requests in the last minute than the rate limit allows (`HOOKLINE_RATE_LIMIT_PER_MINUTE`), counted per API key, or per client address for requests without a valid key. */
      429: {
        headers: {
          /** @description What is left of the quota (IETF RateLimit headers, draft 8). */
          ratelimit?: string;
          /** @description The quota and its window, in seconds. */
          'ratelimit-policy'?: string;
          /** @description Seconds to wait before retrying. */
          'retry-after'?: number;
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Temporal did not answer in time. For an emit the start may have committed: the problem carries the `eventId` to send again, delivered once either way. Also answered when the database is busy (another process held its write lock too long); nothing was changed. */
      503: {
        headers: {
          /** @description Seconds to wait before retrying. */
          'retry-after'?: number;
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  redeliverEvent: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: {
      content: {
        'application/json': components['schemas']['RedeliverRequest'];
      };
    };
    responses: {
      /** @description Accepted. */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['RedeliveryAccepted'];
        };
      };
      /** @description The request is invalid. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description No API key, or an unknown, revoked or expired one. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The API key's scope is not enough: this operation needs `manage`. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Not found in this workspace. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The body is larger than 256 KiB. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The body is not JSON. */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description More requests in the last minute than the rate limit allows (`HOOKLINE_RATE_LIMIT_PER_MINUTE`), counted per API key, or per client address for requests without a valid key. */
      429: {
        headers: {
          /** @description What is left of the quota (IETF RateLimit headers, draft 8). */
          ratelimit?: string;
          /** @description The quota and its window, in seconds. */
          'ratelimit-policy'?: string;
          /** @description Seconds to wait before retrying. */
          'retry-after'?: number;
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Temporal did not answer in time. For an emit the start may have committed: the problem carries the `eventId` to send again, delivered once either way. Also answered when the database is busy (another process held its write lock too long); nothing was changed. */
      503: {
        headers: {
          /** @description Seconds to wait before retrying. */
          'retry-after'?: number;
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  getRedelivery: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
        redeliveryId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The redelivery and its deliveries. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['EventStatus'];
        };
      };
      /** @description The request is invalid. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description No API key, or an unknown, revoked or expired one. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The API key's scope is not enough: this operation needs `manage`. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Not found in this workspace. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description More requests in the last minute than the rate limit allows (`HOOKLINE_RATE_LIMIT_PER_MINUTE`), counted per API key, or per client address for requests without a valid key. */
      429: {
        headers: {
          /** @description What is left of the quota (IETF RateLimit headers, draft 8). */
          ratelimit?: string;
          /** @description The quota and its window, in seconds. */
          'ratelimit-policy'?: string;
          /** @description Seconds to wait before retrying. */
          'retry-after'?: number;
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Temporal did not answer in time. For an emit the start may have committed: the problem carries the `eventId` to send again, delivered once either way. Also answered when the database is busy (another process held its write lock too long); nothing was changed. */
      503: {
        headers: {
          /** @description Seconds to wait before retrying. */
          'retry-after'?: number;
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  createPortalSession: {
    parameters: {
      query?: never;
      header?: {
        /** @description The link points at this host unless the server sets `HOOKLINE_PUBLIC_URL`. */
        host?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody?: {
      content: {
        'application/json': components['schemas']['CreatePortalSessionRequest'];
      };
    };
    responses: {
      /** @description The link. Opening it starts a session that acts for this API key on webhooks, deliveries and events only; revoking the key ends it. */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['PortalSession'];
        };
      };
      /** @description The request is invalid. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description No API key, or an unknown, revoked or expired one. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The API key's scope is not enough: this operation needs `manage`. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The body is larger than 256 KiB. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The body is not JSON. */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description More requests in the last minute than the rate limit allows (`HOOKLINE_RATE_LIMIT_PER_MINUTE`), counted per API key, or per client address for requests without a valid key. */
      429: {
        headers: {
          /** @description What is left of the quota (IETF RateLimit headers, draft 8). */
          ratelimit?: string;
          /** @description The quota and its window, in seconds. */
          'ratelimit-policy'?: string;
          /** @description Seconds to wait before retrying. */
          'retry-after'?: number;
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Answered when the database is busy (another process held its write lock too long); nothing was changed. */
      503: {
        headers: {
          /** @description Seconds to wait before retrying. */
          'retry-after'?: number;
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  recoverWorkspace: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: {
      content: {
        'application/json': components['schemas']['WorkspaceRecoverRequest'];
      };
    };
    responses: {
      /** @description This window was asked for before: the same recovery. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Recovery'];
        };
      };
      /** @description Started; follow it with GET /v1/recoveries/{recoveryId}. */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Recovery'];
        };
      };
      /** @description The request is invalid. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description No API key, or an unknown, revoked or expired one. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The API key's scope is not enough: this operation needs `manage`. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The body is larger than 256 KiB. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The body is not JSON. */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description More requests in the last minute than the rate limit allows (`HOOKLINE_RATE_LIMIT_PER_MINUTE`), counted per API key, or per client address for requests without a valid key. */
      429: {
        headers: {
          /** @description What is left of the quota (IETF RateLimit headers, draft 8). */
          ratelimit?: string;
          /** @description The quota and its window, in seconds. */
          'ratelimit-policy'?: string;
          /** @description Seconds to wait before retrying. */
          'retry-after'?: number;
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Temporal did not answer in time. For an emit the start may have committed: the problem carries the `eventId` to send again, delivered once either way. Also answered when the database is busy (another process held its write lock too long); nothing was changed. */
      503: {
        headers: {
          /** @description Seconds to wait before retrying. */
          'retry-after'?: number;
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  getRecovery: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The recovery and its progress. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Recovery'];
        };
      };
      /** @description The request is invalid. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description No API key, or an unknown, revoked or expired one. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The API key's scope is not enough: this operation needs `manage`. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Not found in this workspace. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description More requests in the last minute than the rate limit allows (`HOOKLINE_RATE_LIMIT_PER_MINUTE`), counted per API key, or per client address for requests without a valid key. */
      429: {
        headers: {
          /** @description What is left of the quota (IETF RateLimit headers, draft 8). */
          ratelimit?: string;
          /** @description The quota and its window, in seconds. */
          'ratelimit-policy'?: string;
          /** @description Seconds to wait before retrying. */
          'retry-after'?: number;
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Temporal did not answer in time. For an emit the start may have committed: the problem carries the `eventId` to send again, delivered once either way. Also answered when the database is busy (another process held its write lock too long); nothing was changed. */
      503: {
        headers: {
          /** @description Seconds to wait before retrying. */
          'retry-after'?: number;
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  cancelRecovery: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Cancellation asked for; the recovery reports `cancelled` once it stopped. */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Recovery'];
        };
      };
      /** @description The request is invalid. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description No API key, or an unknown, revoked or expired one. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The API key's scope is not enough: this operation needs `manage`. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Not found in this workspace. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description More requests in the last minute than the rate limit allows (`HOOKLINE_RATE_LIMIT_PER_MINUTE`), counted per API key, or per client address for requests without a valid key. */
      429: {
        headers: {
          /** @description What is left of the quota (IETF RateLimit headers, draft 8). */
          ratelimit?: string;
          /** @description The quota and its window, in seconds. */
          'ratelimit-policy'?: string;
          /** @description Seconds to wait before retrying. */
          'retry-after'?: number;
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Temporal did not answer in time. For an emit the start may have committed: the problem carries the `eventId` to send again, delivered once either way. Also answered when the database is busy (another process held its write lock too long); nothing was changed. */
      503: {
        headers: {
          /** @description Seconds to wait before retrying. */
          'retry-after'?: number;
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  listWebhooks: {
    parameters: {
      query?: {
        /** @description The `nextCursor` of the previous page. */
        cursor?: string;
        /** @description Items per page, 1 to 250; default 50. */
        limit?: number;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description One page of webhooks; secrets are not included. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['WebhookList'];
        };
      };
      /** @description The request is invalid. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description No API key, or an unknown, revoked or expired one. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The API key's scope is not enough: this operation needs `manage`. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description More requests in the last minute than the rate limit allows (`HOOKLINE_RATE_LIMIT_PER_MINUTE`), counted per API key, or per client address for requests without a valid key. */
      429: {
        headers: {
          /** @description What is left of the quota (IETF RateLimit headers, draft 8). */
          ratelimit?: string;
          /** @description The quota and its window, in seconds. */
          'ratelimit-policy'?: string;
          /** @description Seconds to wait before retrying. */
          'retry-after'?: number;
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Answered when the database is busy (another process held its write lock too long); nothing was changed. */
      503: {
        headers: {
          /** @description Seconds to wait before retrying. */
          'retry-after'?: number;
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  createWebhook: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: {
      content: {
        'application/json': components['schemas']['CreateWebhookRequest'];
      };
    };
    responses: {
      /** @description The new webhook, with its signing secret. */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['WebhookWithSecret'];
        };
      };
      /** @description The request is invalid. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description No API key, or an unknown, revoked or expired one. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The API key's scope is not enough: this operation needs `manage`. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The workspace already has as many webhooks as it may (`HOOKLINE_MAX_WEBHOOKS_PER_WORKSPACE`). */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The body is larger than 256 KiB. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The body is not JSON. */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description More requests in the last minute than the rate limit allows (`HOOKLINE_RATE_LIMIT_PER_MINUTE`), counted per API key, or per client address for requests without a valid key. */
      429: {
        headers: {
          /** @description What is left of the quota (IETF RateLimit headers, draft 8). */
          ratelimit?: string;
          /** @description The quota and its window, in seconds. */
          'ratelimit-policy'?: string;
          /** @description Seconds to wait before retrying. */
          'retry-after'?: number;
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Answered when the database is busy (another process held its write lock too long); nothing was changed. */
      503: {
        headers: {
          /** @description Seconds to wait before retrying. */
          'retry-after'?: number;
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  getWebhook: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The webhook. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Webhook'];
        };
      };
      /** @description The request is invalid. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description No API key, or an unknown, revoked or expired one. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The API key's scope is not enough: this operation needs `manage`. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Not found in this workspace. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description More requests in the last minute than the rate limit allows (`HOOKLINE_RATE_LIMIT_PER_MINUTE`), counted per API key, or per client address for requests without a valid key. */
      429: {
        headers: {
          /** @description What is left of the quota (IETF RateLimit headers, draft 8). */
          ratelimit?: string;
          /** @description The quota and its window, in seconds. */
          'ratelimit-policy'?: string;
          /** @description Seconds to wait before retrying. */
          'retry-after'?: number;
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Answered when the database is busy (another process held its write lock too long); nothing was changed. */
      503: {
        headers: {
          /** @description Seconds to wait before retrying. */
          'retry-after'?: number;
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  deleteWebhook: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Deleted. */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description The request is invalid. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description No API key, or an unknown, revoked or expired one. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The API key's scope is not enough: this operation needs `manage`. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Not found in this workspace. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description More requests in the last minute than the rate limit allows (`HOOKLINE_RATE_LIMIT_PER_MINUTE`), counted per API key, or per client address for requests without a valid key. */
      429: {
        headers: {
          /** @description What is left of the quota (IETF RateLimit headers, draft 8). */
          ratelimit?: string;
          /** @description The quota and its window, in seconds. */
          'ratelimit-policy'?: string;
          /** @description Seconds to wait before retrying. */
          'retry-after'?: number;
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Answered when the database is busy (another process held its write lock too long); nothing was changed. */
      503: {
        headers: {
          /** @description Seconds to wait before retrying. */
          'retry-after'?: number;
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  updateWebhook: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: {
      content: {
        'application/json': components['schemas']['UpdateWebhookRequest'];
      };
    };
    responses: {
      /** @description The updated webhook. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Webhook'];
        };
      };
      /** @description The request is invalid. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description No API key, or an unknown, revoked or expired one. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The API key's scope is not enough: this operation needs `manage`. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Not found in this workspace. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The body is larger than 256 KiB. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The body is not JSON. */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description More requests in the last minute than the rate limit allows (`HOOKLINE_RATE_LIMIT_PER_MINUTE`), counted per API key, or per client address for requests without a valid key. */
      429: {
        headers: {
          /** @description What is left of the quota (IETF RateLimit headers, draft 8). */
          ratelimit?: string;
          /** @description The quota and its window, in seconds. */
          'ratelimit-policy'?: string;
          /** @description Seconds to wait before retrying. */
          'retry-after'?: number;
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Answered when the database is busy (another process held its write lock too long); nothing was changed. */
      503: {
        headers: {
          /** @description Seconds to wait before retrying. */
          'retry-after'?: number;
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  listWebhookAttempts: {
    parameters: {
      query?: {
        /** @description The `nextCursor` of the previous page. */
        cursor?: string;
        /** @description Items per page, 1 to 100; default 20. */
        limit?: number;
        since?: string;
        /** @description Only deliveries in this state, this webhook's own. */
        status?: 'pending' | 'retrying' | 'succeeded' | 'failed';
        type?:
          | (
              | 'action_log.completed'
              | 'action_log.failed'
              | 'document.received'
              | 'document.extracted'
              | 'lead.created'
              | 'lead.updated'
              | 'lead.completed'
            )
          | ('webhook.disabled' | 'delivery.exhausted' | 'webhook.recovered')
          | 'webhook.ping';
        until?: string;
      };
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The attempts of one page of deliveries (`limit` counts deliveries), newest first. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['AttemptList'];
        };
      };
      /** @description The request is invalid. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description No API key, or an unknown, revoked or expired one. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The API key's scope is not enough: this operation needs `manage`. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Not found in this workspace. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description More requests in the last minute than the rate limit allows (`HOOKLINE_RATE_LIMIT_PER_MINUTE`), counted per API key, or per client address for requests without a valid key. */
      429: {
        headers: {
          /** @description What is left of the quota (IETF RateLimit headers, draft 8). */
          ratelimit?: string;
          /** @description The quota and its window, in seconds. */
          'ratelimit-policy'?: string;
          /** @description Seconds to wait before retrying. */
          'retry-after'?: number;
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Temporal did not answer in time. For an emit the start may have committed: the problem carries the `eventId` to send again, delivered once either way. Also answered when the database is busy (another process held its write lock too long); nothing was changed. */
      503: {
        headers: {
          /** @description Seconds to wait before retrying. */
          'retry-after'?: number;
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  listWebhookDeliveries: {
    parameters: {
      query?: {
        /** @description The `nextCursor` of the previous page. */
        cursor?: string;
        /** @description Items per page, 1 to 100; default 20. */
        limit?: number;
        since?: string;
        /** @description Only deliveries in this state, this webhook's own. */
        status?: 'pending' | 'retrying' | 'succeeded' | 'failed';
        type?:
          | (
              | 'action_log.completed'
              | 'action_log.failed'
              | 'document.received'
              | 'document.extracted'
              | 'lead.created'
              | 'lead.updated'
              | 'lead.completed'
            )
          | ('webhook.disabled' | 'delivery.exhausted' | 'webhook.recovered')
          | 'webhook.ping';
        until?: string;
      };
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description One page of deliveries, filtered by Temporal visibility (eventually consistent: a delivery of the last second may be missing or under its former status). */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['DeliveryList'];
        };
      };
      /** @description The request is invalid. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description No API key, or an unknown, revoked or expired one. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The API key's scope is not enough: this operation needs `manage`. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Not found in this workspace. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description More requests in the last minute than the rate limit allows (`HOOKLINE_RATE_LIMIT_PER_MINUTE`), counted per API key, or per client address for requests without a valid key. */
      429: {
        headers: {
          /** @description What is left of the quota (IETF RateLimit headers, draft 8). */
          ratelimit?: string;
          /** @description The quota and its window, in seconds. */
          'ratelimit-policy'?: string;
          /** @description Seconds to wait before retrying. */
          'retry-after'?: number;
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Temporal did not answer in time. For an emit the start may have committed: the problem carries the `eventId` to send again, delivered once either way. Also answered when the database is busy (another process held its write lock too long); nothing was changed. */
      503: {
        headers: {
          /** @description Seconds to wait before retrying. */
          'retry-after'?: number;
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  recoverWebhook: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: {
      content: {
        'application/json': components['schemas']['RecoverRequest'];
      };
    };
    responses: {
      /** @description This window was asked for before: the same recovery. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Recovery'];
        };
      };
      /** @description Started; follow it with GET /v1/recoveries/{recoveryId}. */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Recovery'];
        };
      };
      /** @description The request is invalid. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description No API key, or an unknown, revoked or expired one. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The API key's scope is not enough: this operation needs `manage`. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Not found in this workspace. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The webhook is disabled: enable it first. */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The body is larger than 256 KiB. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The body is not JSON. */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description More requests in the last minute than the rate limit allows (`HOOKLINE_RATE_LIMIT_PER_MINUTE`), counted per API key, or per client address for requests without a valid key. */
      429: {
        headers: {
          /** @description What is left of the quota (IETF RateLimit headers, draft 8). */
          ratelimit?: string;
          /** @description The quota and its window, in seconds. */
          'ratelimit-policy'?: string;
          /** @description Seconds to wait before retrying. */
          'retry-after'?: number;
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Temporal did not answer in time. For an emit the start may have committed: the problem carries the `eventId` to send again, delivered once either way. Also answered when the database is busy (another process held its write lock too long); nothing was changed. */
      503: {
        headers: {
          /** @description Seconds to wait before retrying. */
          'retry-after'?: number;
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  rotateWebhookSecret: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: {
      content: {
        'application/json': components['schemas']['RotateSecretRequest'];
      };
    };
    responses: {
      /** @description The new secret and the end of the grace period. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['RotatedSecret'];
        };
      };
      /** @description The request is invalid. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description No API key, or an unknown, revoked or expired one. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The API key's scope is not enough: this operation needs `manage`. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Not found in this workspace. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The body is larger than 256 KiB. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The body is not JSON. */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description More requests in the last minute than the rate limit allows (`HOOKLINE_RATE_LIMIT_PER_MINUTE`), counted per API key, or per client address for requests without a valid key. */
      429: {
        headers: {
          /** @description What is left of the quota (IETF RateLimit headers, draft 8). */
          ratelimit?: string;
          /** @description The quota and its window, in seconds. */
          'ratelimit-policy'?: string;
          /** @description Seconds to wait before retrying. */
          'retry-after'?: number;
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Answered when the database is busy (another process held its write lock too long); nothing was changed. */
      503: {
        headers: {
          /** @description Seconds to wait before retrying. */
          'retry-after'?: number;
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  getWebhookSecret: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The secret. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['WebhookSecret'];
        };
      };
      /** @description The request is invalid. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description No API key, or an unknown, revoked or expired one. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The API key's scope is not enough: this operation needs `manage`. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Not found in this workspace. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description More requests in the last minute than the rate limit allows (`HOOKLINE_RATE_LIMIT_PER_MINUTE`), counted per API key, or per client address for requests without a valid key. */
      429: {
        headers: {
          /** @description What is left of the quota (IETF RateLimit headers, draft 8). */
          ratelimit?: string;
          /** @description The quota and its window, in seconds. */
          'ratelimit-policy'?: string;
          /** @description Seconds to wait before retrying. */
          'retry-after'?: number;
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Answered when the database is busy (another process held its write lock too long); nothing was changed. */
      503: {
        headers: {
          /** @description Seconds to wait before retrying. */
          'retry-after'?: number;
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  getWebhookStats: {
    parameters: {
      query?: {
        /** @description The deliveries counted: those started within this window, up to now. */
        window?: '1h' | '24h' | '7d';
      };
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Counts from Temporal visibility (eventually consistent); latency from the attempts of the most recent deliveries only (`latencySample`). */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['WebhookStats'];
        };
      };
      /** @description The request is invalid. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description No API key, or an unknown, revoked or expired one. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The API key's scope is not enough: this operation needs `manage`. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Not found in this workspace. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description More requests in the last minute than the rate limit allows (`HOOKLINE_RATE_LIMIT_PER_MINUTE`), counted per API key, or per client address for requests without a valid key. */
      429: {
        headers: {
          /** @description What is left of the quota (IETF RateLimit headers, draft 8). */
          ratelimit?: string;
          /** @description The quota and its window, in seconds. */
          'ratelimit-policy'?: string;
          /** @description Seconds to wait before retrying. */
          'retry-after'?: number;
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Temporal did not answer in time. For an emit the start may have committed: the problem carries the `eventId` to send again, delivered once either way. Also answered when the database is busy (another process held its write lock too long); nothing was changed. */
      503: {
        headers: {
          /** @description Seconds to wait before retrying. */
          'retry-after'?: number;
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  testWebhook: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: {
      content: {
        'application/json': components['schemas']['TestWebhookRequest'];
      };
    };
    responses: {
      /** @description Accepted; follow it with GET /v1/events/{eventId}. */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['TestWebhookAccepted'];
        };
      };
      /** @description The request is invalid. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description No API key, or an unknown, revoked or expired one. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The API key's scope is not enough: this operation needs `manage`. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Not found in this workspace. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The webhook is disabled. */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The body is larger than 256 KiB. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The body is not JSON. */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description More requests in the last minute than the rate limit allows (`HOOKLINE_RATE_LIMIT_PER_MINUTE`), counted per API key, or per client address for requests without a valid key. */
      429: {
        headers: {
          /** @description What is left of the quota (IETF RateLimit headers, draft 8). */
          ratelimit?: string;
          /** @description The quota and its window, in seconds. */
          'ratelimit-policy'?: string;
          /** @description Seconds to wait before retrying. */
          'retry-after'?: number;
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Temporal did not answer in time. For an emit the start may have committed: the problem carries the `eventId` to send again, delivered once either way. Also answered when the database is busy (another process held its write lock too long); nothing was changed. */
      503: {
        headers: {
          /** @description Seconds to wait before retrying. */
          'retry-after'?: number;
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
}

/** Each operation of the API, by operationId: its method and path (`{name}` marks a path parameter). */
export const OPERATIONS = {
  cancelRecovery: { method: 'POST', path: '/v1/recoveries/{id}/cancel' },
  createApiKey: { method: 'POST', path: '/v1/api-keys' },
  createPortalSession: { method: 'POST', path: '/v1/portal-sessions' },
  createWebhook: { method: 'POST', path: '/v1/webhooks' },
  deleteWebhook: { method: 'DELETE', path: '/v1/webhooks/{id}' },
  emitEvent: { method: 'POST', path: '/v1/events' },
  getEvent: { method: 'GET', path: '/v1/events/{id}' },
  getRecovery: { method: 'GET', path: '/v1/recoveries/{id}' },
  getRedelivery: { method: 'GET', path: '/v1/events/{id}/redeliveries/{redeliveryId}' },
  getWebhook: { method: 'GET', path: '/v1/webhooks/{id}' },
  getWebhookSecret: { method: 'GET', path: '/v1/webhooks/{id}/secret' },
  getWebhookStats: { method: 'GET', path: '/v1/webhooks/{id}/stats' },
  health: { method: 'GET', path: '/healthz' },
  listApiKeys: { method: 'GET', path: '/v1/api-keys' },
  listEventTypes: { method: 'GET', path: '/v1/event-types' },
  listWebhookAttempts: { method: 'GET', path: '/v1/webhooks/{id}/attempts' },
  listWebhookDeliveries: { method: 'GET', path: '/v1/webhooks/{id}/deliveries' },
  listWebhooks: { method: 'GET', path: '/v1/webhooks' },
  openApiDocument: { method: 'GET', path: '/openapi.json' },
  readiness: { method: 'GET', path: '/readyz' },
  recoverWebhook: { method: 'POST', path: '/v1/webhooks/{id}/recover' },
  recoverWorkspace: { method: 'POST', path: '/v1/recoveries' },
  redeliverEvent: { method: 'POST', path: '/v1/events/{id}/redeliver' },
  revokeApiKey: { method: 'DELETE', path: '/v1/api-keys/{id}' },
  rotateWebhookSecret: { method: 'POST', path: '/v1/webhooks/{id}/rotate-secret' },
  searchEvents: { method: 'GET', path: '/v1/events' },
  testWebhook: { method: 'POST', path: '/v1/webhooks/{id}/test' },
  updateWebhook: { method: 'PATCH', path: '/v1/webhooks/{id}' },
} as const;
