import { and, eq, sql } from 'drizzle-orm';
import type { Endpoint } from '../shared/contract';
import { generateWebhookSecret } from '../shared/webhook-secret';
import type { Db } from './client';
import { newId } from './ids';
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

export interface FindEndpointsInput {
  workspaceId: string;
  eventType: string;
  /** Restrict to this webhook, whatever it subscribes to. */
  webhookId?: string;
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
