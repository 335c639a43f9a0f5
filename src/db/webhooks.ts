import { and, asc, count, eq, gt, sql } from 'drizzle-orm';
import type { Endpoint, FindEndpointsInput, RetryScheduleName } from '../contract/delivery';
import { isOperationalEventType } from '../contract/event-types';
import { generateWebhookSecret } from '../shared/webhook-secret';
import type { FieldCipher } from '../security/field-cipher';
import { newId } from '../shared/ids';
import { fieldCipherOf, type Db } from './handle';
import { webhooks, type Webhook } from './schema';

export const ALL_EVENTS = '*';

/** What each sealed value is bound to: a value copied into another row or column does not open. */
const context = {
  secret: (id: string) => `webhooks.secret:${id}`,
  previousSecret: (id: string) => `webhooks.previous_secret:${id}`,
  header: (id: string, name: string) => `webhooks.headers:${id}:${name.toLowerCase()}`,
};

function sealHeaders(cipher: FieldCipher, id: string, headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name, cipher.encrypt(value, context.header(id, name))]),
  );
}

/** A row as stored (secrets and header values sealed) turned into the webhook its callers see. */
function open(db: Db, row: Webhook): Webhook;
function open(db: Db, row: Webhook | undefined): Webhook | undefined;
function open(db: Db, row: Webhook | undefined): Webhook | undefined {
  if (!row) return undefined;
  const cipher = fieldCipherOf(db);
  return {
    ...row,
    secret: cipher.decrypt(row.secret, context.secret(row.id)),
    previousSecret:
      row.previousSecret === null ? null : cipher.decrypt(row.previousSecret, context.previousSecret(row.id)),
    headers: Object.fromEntries(
      Object.entries(row.headers).map(([name, value]) => [name, cipher.decrypt(value, context.header(row.id, name))]),
    ),
  };
}

/**
 * Seals, under the primary key, every webhook field not yet sealed by it (rows from before encryption,
 * values under an older key), and forgets previous secrets whose grace period is over. Runs when the
 * database is opened, so an upgrade or a key rotation completes at the next start.
 */
export function sealWebhookFields(db: Db, now: Date): number {
  const cipher = fieldCipherOf(db);
  const stale = (row: Webhook) =>
    cipher.needsReencryption(row.secret) ||
    (row.previousSecret !== null && cipher.needsReencryption(row.previousSecret)) ||
    Object.values(row.headers).some((value) => cipher.needsReencryption(value)) ||
    previousSecretExpired(row, now);
  return db.transaction((tx) => {
    let sealed = 0;
    for (const row of tx.select().from(webhooks).all()) {
      if (!stale(row)) continue;
      const plain = open(db, row);
      const expired = previousSecretExpired(row, now);
      tx.update(webhooks)
        .set({
          secret: cipher.encrypt(plain.secret, context.secret(row.id)),
          previousSecret:
            plain.previousSecret === null || expired
              ? null
              : cipher.encrypt(plain.previousSecret, context.previousSecret(row.id)),
          previousSecretExpiresAt: expired ? null : row.previousSecretExpiresAt,
          headers: sealHeaders(cipher, row.id, plain.headers),
        })
        .where(eq(webhooks.id, row.id))
        .run();
      sealed += 1;
    }
    return sealed;
  });
}

function previousSecretExpired(row: Pick<Webhook, 'previousSecret' | 'previousSecretExpiresAt'>, now: Date) {
  return (
    row.previousSecret !== null &&
    (row.previousSecretExpiresAt === null || Date.parse(row.previousSecretExpiresAt) <= now.getTime())
  );
}

export interface CreateWebhookInput {
  workspaceId: string;
  url: string;
  events: string[];
  /** Generated when absent. */
  secret?: string;
  description?: string;
  enabled?: boolean;
  headers?: Record<string, string>;
  retrySchedule?: RetryScheduleName;
}

export function createWebhook(db: Db, input: CreateWebhookInput): Webhook {
  const cipher = fieldCipherOf(db);
  const id = newId('wh');
  const row = db
    .insert(webhooks)
    .values({
      id,
      workspaceId: input.workspaceId,
      url: input.url,
      events: [...new Set(input.events)],
      secret: cipher.encrypt(input.secret ?? generateWebhookSecret(), context.secret(id)),
      description: input.description ?? '',
      enabled: input.enabled ?? true,
      headers: sealHeaders(cipher, id, input.headers ?? {}),
      retrySchedule: input.retrySchedule ?? 'standard',
    })
    .returning()
    .get();
  return open(db, row);
}

export function findWebhook(db: Db, webhookId: string): Webhook | undefined {
  return open(db, db.select().from(webhooks).where(eq(webhooks.id, webhookId)).get());
}

/**
 * The enabled webhooks of a workspace that should receive an event: ids and URLs only, never secrets,
 * because the result is recorded in workflow history.
 */
export function findEndpoints(db: Db, input: FindEndpointsInput): Endpoint[] {
  const scope = input.webhookId
    ? eq(webhooks.id, input.webhookId)
    : isOperationalEventType(input.eventType)
      ? sql`exists (select 1 from json_each(${webhooks.events}) where value = ${input.eventType})`
      : sql`exists (select 1 from json_each(${webhooks.events}) where value in (${input.eventType}, ${ALL_EVENTS}))`;
  return db
    .select({ webhookId: webhooks.id, url: webhooks.url, retrySchedule: webhooks.retrySchedule })
    .from(webhooks)
    .where(and(eq(webhooks.workspaceId, input.workspaceId), eq(webhooks.enabled, true), scope))
    .orderBy(webhooks.id)
    .all()
    .map(({ retrySchedule, ...endpoint }) =>
      retrySchedule === 'standard' ? endpoint : { ...endpoint, retrySchedule },
    );
}

/** {@link findEndpoints} on this database, as the emit path's endpoint resolver. */
export function endpointResolver(db: Db): (input: FindEndpointsInput) => Endpoint[] {
  return (input) => findEndpoints(db, input);
}

/** Secrets that sign a delivery now: the current one, and the previous one during its grace period. */
export function signingSecrets(webhook: Webhook, now: Date): string[] {
  const secrets = [webhook.secret];
  if (
    webhook.previousSecret &&
    webhook.previousSecretExpiresAt &&
    Date.parse(webhook.previousSecretExpiresAt) > now.getTime()
  ) {
    secrets.push(webhook.previousSecret);
  }
  return secrets;
}

export function disableWebhook(db: Db, webhookId: string, reason: string): void {
  db.update(webhooks)
    .set({ enabled: false, disabledReason: reason, failingSince: null, updatedAt: new Date().toISOString() })
    .where(eq(webhooks.id, webhookId))
    .run();
}

/**
 * Records that the webhook's deliveries have been failing since `since`, or with null that it received
 * one again. Sets only what changes: the first failure's time stays while failures go on.
 */
export function setWebhookFailingSince(db: Db, webhookId: string, since: string | null): void {
  const unchanged = since === null ? sql`${webhooks.failingSince} is null` : sql`${webhooks.failingSince} is not null`;
  db.update(webhooks)
    .set({ failingSince: since })
    .where(and(eq(webhooks.id, webhookId), sql`not (${unchanged})`))
    .run();
}

/** A webhook of this workspace, or undefined: other workspaces' webhooks do not exist for the caller. */
export function findWorkspaceWebhook(db: Db, workspaceId: string, webhookId: string): Webhook | undefined {
  return open(
    db,
    db
      .select()
      .from(webhooks)
      .where(and(eq(webhooks.workspaceId, workspaceId), eq(webhooks.id, webhookId)))
      .get(),
  );
}

/** How many webhooks a workspace has, enabled or not. */
export function countWebhooks(db: Db, workspaceId: string): number {
  return db.select({ n: count() }).from(webhooks).where(eq(webhooks.workspaceId, workspaceId)).get()?.n ?? 0;
}

export interface ListWebhooksOptions {
  limit: number;
  /** Only webhooks whose id sorts after this one. */
  afterId?: string;
}

/** One page of a workspace's webhooks in id order (ids sort by creation time). */
export function listWebhooks(db: Db, workspaceId: string, options: ListWebhooksOptions): Webhook[] {
  const after = options.afterId === undefined ? undefined : gt(webhooks.id, options.afterId);
  return db
    .select()
    .from(webhooks)
    .where(and(eq(webhooks.workspaceId, workspaceId), after))
    .orderBy(asc(webhooks.id))
    .limit(options.limit)
    .all()
    .map((row) => open(db, row));
}

export type UpdateWebhookInput = Partial<Omit<CreateWebhookInput, 'workspaceId'>>;

/**
 * Applies the given fields. Enabling a webhook clears the reason it was disabled for; a new secret
 * replaces the old one at once (rotation with a grace period is {@link rotateWebhookSecret}).
 */
export function updateWebhook(
  db: Db,
  workspaceId: string,
  webhookId: string,
  input: UpdateWebhookInput,
): Webhook | undefined {
  const cipher = fieldCipherOf(db);
  const row = db
    .update(webhooks)
    .set({
      ...(input.url !== undefined ? { url: input.url } : {}),
      ...(input.events !== undefined ? { events: [...new Set(input.events)] } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.headers !== undefined ? { headers: sealHeaders(cipher, webhookId, input.headers) } : {}),
      ...(input.retrySchedule !== undefined ? { retrySchedule: input.retrySchedule } : {}),
      ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
      ...(input.enabled === true ? { disabledReason: null, failingSince: null } : {}),
      ...(input.secret !== undefined
        ? {
            secret: cipher.encrypt(input.secret, context.secret(webhookId)),
            previousSecret: null,
            previousSecretExpiresAt: null,
          }
        : {}),
      updatedAt: new Date().toISOString(),
    })
    .where(and(eq(webhooks.workspaceId, workspaceId), eq(webhooks.id, webhookId)))
    .returning()
    .get();
  return open(db, row);
}

/** True when a webhook was deleted. Deliveries still retrying to it end as failed at their next attempt. */
export function deleteWebhook(db: Db, workspaceId: string, webhookId: string): boolean {
  const deleted = db
    .delete(webhooks)
    .where(and(eq(webhooks.workspaceId, workspaceId), eq(webhooks.id, webhookId)))
    .returning({ id: webhooks.id })
    .all();
  return deleted.length > 0;
}

export interface RotateWebhookSecretInput {
  workspaceId: string;
  webhookId: string;
  /** How long the replaced secret keeps signing deliveries. */
  graceMs: number;
  now: Date;
  /** Generated when absent. */
  secret?: string;
}

/** Replaces the secret; the old one keeps signing, beside the new one, until the grace period ends. */
export function rotateWebhookSecret(db: Db, input: RotateWebhookSecretInput): Webhook | undefined {
  const cipher = fieldCipherOf(db);
  return db.transaction(() => {
    const current = findWorkspaceWebhook(db, input.workspaceId, input.webhookId);
    if (!current) return undefined;
    const row = db
      .update(webhooks)
      .set({
        secret: cipher.encrypt(input.secret ?? generateWebhookSecret(), context.secret(current.id)),
        previousSecret: cipher.encrypt(current.secret, context.previousSecret(current.id)),
        previousSecretExpiresAt: new Date(input.now.getTime() + input.graceMs).toISOString(),
        updatedAt: input.now.toISOString(),
      })
      .where(eq(webhooks.id, current.id))
      .returning()
      .get();
    return open(db, row);
  });
}
