import { sql } from 'drizzle-orm';
import { boolean, customType, index, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import {
  API_KEY_SCOPES,
  type ApiKey as SqliteApiKey,
  type PortalLink as SqlitePortalLink,
  type Webhook as SqliteWebhook,
  type Workspace as SqliteWorkspace,
} from './schema';

/**
 * PostgreSQL's twin of `schema.ts`: the same tables, columns and camelCase properties, with the types
 * PostgreSQL has (jsonb, boolean, timestamptz). Rows read from either store have the same shape, which
 * the type checks at the end of this file hold the two schemas to.
 */

/**
 * A `timestamptz` with the millisecond precision of a JavaScript date, read and written as the ISO
 * string (`2026-01-15T09:45:00.000Z`) that the SQLite store keeps as text: callers see one format, and
 * comparing two values as strings still compares them in time.
 */
const isoTimestamp = customType<{ data: string; driverData: string }>({
  dataType: () => 'timestamp (3) with time zone',
  fromDriver: (value) => new Date(value).toISOString(),
});

const timestamps = {
  createdAt: isoTimestamp('created_at')
    .notNull()
    .default(sql`now()`),
  updatedAt: isoTimestamp('updated_at')
    .notNull()
    .default(sql`now()`),
};

export const workspaces = pgTable('workspaces', {
  id: text('id').primaryKey(),
  name: text('name').notNull().unique(),
  ...timestamps,
});

export const apiKeys = pgTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    keyHash: text('key_hash').notNull().unique(),
    prefix: text('prefix').notNull(),
    name: text('name').notNull().default(''),
    scope: text('scope', { enum: [API_KEY_SCOPES.emit, API_KEY_SCOPES.manage] })
      .notNull()
      .default(API_KEY_SCOPES.manage),
    expiresAt: isoTimestamp('expires_at'),
    revokedAt: isoTimestamp('revoked_at'),
    lastUsedAt: isoTimestamp('last_used_at'),
    ...timestamps,
  },
  (table) => [index('api_keys_workspace_idx').on(table.workspaceId)],
);

export const webhooks = pgTable(
  'webhooks',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    /** Subscribed event types, or `["*"]` for all: a jsonb array, so `?|` finds the subscribers. */
    events: jsonb('events').$type<string[]>().notNull(),
    secret: text('secret').notNull(),
    previousSecret: text('previous_secret'),
    previousSecretExpiresAt: isoTimestamp('previous_secret_expires_at'),
    description: text('description').notNull().default(''),
    enabled: boolean('enabled').notNull().default(true),
    disabledReason: text('disabled_reason'),
    retrySchedule: text('retry_schedule', { enum: ['standard', 'extended'] })
      .notNull()
      .default('standard'),
    failingSince: isoTimestamp('failing_since'),
    headers: jsonb('headers').$type<Record<string, string>>().notNull().default({}),
    ...timestamps,
  },
  (table) => [index('webhooks_workspace_idx').on(table.workspaceId, table.id)],
);

export const portalLinks = pgTable(
  'portal_links',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    apiKeyId: text('api_key_id')
      .notNull()
      .references(() => apiKeys.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull().unique(),
    expiresAt: isoTimestamp('expires_at').notNull(),
    usedAt: isoTimestamp('used_at'),
    createdAt: timestamps.createdAt,
  },
  (table) => [index('portal_links_expires_idx').on(table.expiresAt)],
);

/** True only when A and B are the same type. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** Fails to compile as soon as a row read from PostgreSQL would differ from one read from SQLite. */
export type RowsMatch = [
  Same<typeof workspaces.$inferSelect, SqliteWorkspace>,
  Same<typeof apiKeys.$inferSelect, SqliteApiKey>,
  Same<typeof webhooks.$inferSelect, SqliteWebhook>,
  Same<typeof portalLinks.$inferSelect, SqlitePortalLink>,
] extends [true, true, true, true]
  ? true
  : never;
const _rowsMatch: RowsMatch = true;
