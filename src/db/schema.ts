import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

const timestamps = {
  createdAt: text('created_at')
    .notNull()
    .default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`),
  updatedAt: text('updated_at')
    .notNull()
    .default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`),
};

/**
 * What an API key may do. `emit` keys, for services, emit events and read the event-type catalogue;
 * `manage` keys do everything in their workspace, `emit` included.
 */
export const API_KEY_SCOPES = { emit: 'emit', manage: 'manage' } as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[keyof typeof API_KEY_SCOPES];

export const workspaces = sqliteTable('workspaces', {
  id: text('id').primaryKey(),
  name: text('name').notNull().unique(),
  ...timestamps,
});

export const apiKeys = sqliteTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    /** SHA-256 of the key; the key itself is shown once and never stored. */
    keyHash: text('key_hash').notNull().unique(),
    /** The first characters of the key, to tell keys apart in listings. */
    prefix: text('prefix').notNull(),
    /** A label of the caller's choosing, such as the service that holds the key. */
    name: text('name').notNull().default(''),
    /** Keys made before scopes existed could do everything: the default keeps them working. */
    scope: text('scope', { enum: [API_KEY_SCOPES.emit, API_KEY_SCOPES.manage] })
      .notNull()
      .default(API_KEY_SCOPES.manage),
    /** ISO time from which the key is refused; null: it never expires. */
    expiresAt: text('expires_at'),
    /** ISO time the key was revoked; a revoked key is refused and stays listed. */
    revokedAt: text('revoked_at'),
    /** ISO time of the last authenticated request, recorded at most once a minute. */
    lastUsedAt: text('last_used_at'),
    ...timestamps,
  },
  (table) => [index('api_keys_workspace_idx').on(table.workspaceId)],
);

export const webhooks = sqliteTable(
  'webhooks',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    /** Subscribed event types, or `["*"]` for all. */
    events: text('events', { mode: 'json' }).$type<string[]>().notNull(),
    secret: text('secret').notNull(),
    /** The secret before the last rotation, still signed with until `previousSecretExpiresAt`. */
    previousSecret: text('previous_secret'),
    previousSecretExpiresAt: text('previous_secret_expires_at'),
    description: text('description').notNull().default(''),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    /** Why the webhook was disabled by Hookline itself (for example a 410 Gone), if it was. */
    disabledReason: text('disabled_reason'),
    /** Which retry schedule its deliveries follow (see `RETRY_SCHEDULES`). */
    retrySchedule: text('retry_schedule', { enum: ['standard', 'extended'] })
      .notNull()
      .default('standard'),
    /**
     * ISO time of the first exhausted delivery since the webhook last received one; null while it is
     * healthy. Tells an attempt that succeeds that the webhook's health workflow is waiting to hear it.
     */
    failingSince: text('failing_since'),
    /** Extra headers sent with every delivery. */
    headers: text('headers', { mode: 'json' }).$type<Record<string, string>>().notNull().default({}),
    ...timestamps,
  },
  (table) => [index('webhooks_workspace_idx').on(table.workspaceId, table.id)],
);

/**
 * One-time links that open the settings page for a workspace without an API key (`POST
 * /v1/portal-sessions`). Only a hash of each link's token is kept; a link is spent by its first use.
 */
export const portalLinks = sqliteTable(
  'portal_links',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    /** The key that made the link: the sessions it opens end when that key is revoked or expires. */
    apiKeyId: text('api_key_id')
      .notNull()
      .references(() => apiKeys.id, { onDelete: 'cascade' }),
    /** SHA-256 of the token; the token itself is in the link only. */
    tokenHash: text('token_hash').notNull().unique(),
    /** ISO time from which the link is refused, used or not. */
    expiresAt: text('expires_at').notNull(),
    /** ISO time of the link's one use; null while unused. */
    usedAt: text('used_at'),
    createdAt: timestamps.createdAt,
  },
  (table) => [index('portal_links_expires_idx').on(table.expiresAt)],
);

export type Workspace = typeof workspaces.$inferSelect;
export type ApiKey = typeof apiKeys.$inferSelect;
export type Webhook = typeof webhooks.$inferSelect;
export type NewWebhook = typeof webhooks.$inferInsert;
export type PortalLink = typeof portalLinks.$inferSelect;
