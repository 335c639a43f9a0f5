import { and, asc, eq, gt, sql } from 'drizzle-orm';
import type { Endpoint, FindEndpointsInput } from '../contract/delivery';
import { generateWebhookSecret } from '../shared/webhook-secret';
import type { Db } from './client';
import { newId } from '../shared/ids';
import { webhooks, type Webhook } from './schema';

export const ALL_EVENTS = '*';

export interface CreateWebhookInput {
  workspaceId: string;
  url: string;
  events: string[];
  /** Generated when absent. */
  secret?: string;
  description?: string;
  enabled?: boolean;
  headers?: Record<string, string>;
}

export function createWebhook(db: Db, input: CreateWebhookInput): Webhook {
  return db
    .insert(webhooks)
    .values({
      id: newId('wh'),
      workspaceId: input.workspaceId,
      url: input.url,
      events: [...new Set(input.events)],
      secret: input.secret ?? generateWebhookSecret(),
      description: input.description ?? '',
      enabled: input.enabled ?? true,
      headers: input.headers ?? {},
    })
    .returning()
    .get();
}

export function findWebhook(db: Db, webhookId: string): Webhook | undefined {
  return db.select().from(webhooks).where(eq(webhooks.id, webhookId)).get();
}

/**
 * The enabled webhooks of a workspace that should receive an event: ids and URLs only, never secrets,
 * because the result is recorded in workflow history.
 */
export function findEndpoints(db: Db, input: FindEndpointsInput): Endpoint[] {
  const scope = input.webhookId
    ? eq(webhooks.id, input.webhookId)
    : sql`exists (select 1 from json_each(${webhooks.events}) where value in (${input.eventType}, ${ALL_EVENTS}))`;
  return db
    .select({ webhookId: webhooks.id, url: webhooks.url })
    .from(webhooks)
    .where(and(eq(webhooks.workspaceId, input.workspaceId), eq(webhooks.enabled, true), scope))
    .orderBy(webhooks.id)
    .all();
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
    .set({ enabled: false, disabledReason: reason, updatedAt: new Date().toISOString() })
    .where(eq(webhooks.id, webhookId))
    .run();
}

/** A webhook of this workspace, or undefined: other workspaces' webhooks do not exist for the caller. */
export function findWorkspaceWebhook(db: Db, workspaceId: string, webhookId: string): Webhook | undefined {
  return db
    .select()
    .from(webhooks)
    .where(and(eq(webhooks.workspaceId, workspaceId), eq(webhooks.id, webhookId)))
    .get();
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
    .all();
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
  return db
    .update(webhooks)
    .set({
      ...(input.url !== undefined ? { url: input.url } : {}),
      ...(input.events !== undefined ? { events: [...new Set(input.events)] } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.headers !== undefined ? { headers: input.headers } : {}),
      ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
      ...(input.enabled === true ? { disabledReason: null } : {}),
      ...(input.secret !== undefined
        ? { secret: input.secret, previousSecret: null, previousSecretExpiresAt: null }
        : {}),
      updatedAt: new Date().toISOString(),
    })
    .where(and(eq(webhooks.workspaceId, workspaceId), eq(webhooks.id, webhookId)))
    .returning()
    .get();
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
  return db
    .update(webhooks)
    .set({
      secret: input.secret ?? generateWebhookSecret(),
      previousSecret: sql`${webhooks.secret}`,
      previousSecretExpiresAt: new Date(input.now.getTime() + input.graceMs).toISOString(),
      updatedAt: input.now.toISOString(),
    })
    .where(and(eq(webhooks.workspaceId, input.workspaceId), eq(webhooks.id, input.webhookId)))
    .returning()
    .get();
}
