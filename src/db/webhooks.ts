import { and, asc, count, eq, gt, isNotNull, isNull, sql, type SQL } from 'drizzle-orm';
import type { Endpoint, FindEndpointsInput, RetryScheduleName } from '../contract/delivery';
import { isOperationalEventType } from '../contract/event-types';
import { generateWebhookSecret } from '../shared/webhook-secret';
import type { FieldCipher } from '../security/field-cipher';
import { newId } from '../shared/ids';
import { DIALECTS, fieldCipherOf, first, type Db, type Tables } from './handle';
import type { Webhook } from './schema';

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
export async function sealWebhookFields(db: Db, now: Date): Promise<number> {
  const cipher = fieldCipherOf(db);
  const stale = (row: Webhook) =>
    cipher.needsReencryption(row.secret) ||
    (row.previousSecret !== null && cipher.needsReencryption(row.previousSecret)) ||
    Object.values(row.headers).some((value) => cipher.needsReencryption(value)) ||
    previousSecretExpired(row, now);
  // Most starts find nothing to do: only then is a transaction worth its locks.
  const staleIds = (await db.query((q, { webhooks }) => q.select().from(webhooks))).filter(stale).map((row) => row.id);
  if (staleIds.length === 0) return 0;
  return db.transaction(async (tx) => {
    let sealed = 0;
    for (const id of staleIds) {
      // Read again under the lock: another process starting at the same time may have sealed it.
      const row = await selectForUpdate(tx, id);
      if (!row || !stale(row)) continue;
      const plain = open(tx, row);
      const expired = previousSecretExpired(row, now);
      await tx.query((q, { webhooks }) =>
        q
          .update(webhooks)
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
          .returning({ id: webhooks.id }),
      );
      sealed += 1;
    }
    return sealed;
  });
}

/**
 * A webhook as stored, read inside the transaction `tx` so that it stays as read until `tx` ends:
 * SQLite's transactions hold the write lock already; on PostgreSQL the row is locked.
 */
async function selectForUpdate(tx: Db, webhookId: string): Promise<Webhook | undefined> {
  const rows = await tx.query((q, { webhooks }) => {
    const select = q.select().from(webhooks).where(eq(webhooks.id, webhookId));
    return tx.dialect === DIALECTS.postgres ? select.for('update') : select;
  });
  return first(rows);
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

export async function createWebhook(db: Db, input: CreateWebhookInput): Promise<Webhook> {
  const cipher = fieldCipherOf(db);
  const id = newId('wh');
  const [row] = await db.query((q, { webhooks }) =>
    q
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
      .returning(),
  );
  if (!row) throw new Error('The new webhook was not returned');
  return open(db, row);
}

export async function findWebhook(db: Db, webhookId: string): Promise<Webhook | undefined> {
  return open(
    db,
    first(await db.query((q, { webhooks }) => q.select().from(webhooks).where(eq(webhooks.id, webhookId)))),
  );
}

/**
 * The enabled webhooks of a workspace that should receive an event: ids and URLs only, never secrets,
 * because the result is recorded in workflow history.
 */
export async function findEndpoints(db: Db, input: FindEndpointsInput): Promise<Endpoint[]> {
  // Operational types reach only the webhooks that name them: `*` means every event a service emits.
  const matching = isOperationalEventType(input.eventType) ? [input.eventType] : [input.eventType, ALL_EVENTS];
  const rows = await db.query((q, { webhooks }) => {
    const scope = input.webhookId ? eq(webhooks.id, input.webhookId) : subscribedTo(db, webhooks, matching);
    return q
      .select({ webhookId: webhooks.id, url: webhooks.url, retrySchedule: webhooks.retrySchedule })
      .from(webhooks)
      .where(and(eq(webhooks.workspaceId, input.workspaceId), eq(webhooks.enabled, true), scope))
      .orderBy(webhooks.id);
  });
  return rows.map(({ retrySchedule, ...endpoint }) =>
    retrySchedule === 'standard' ? endpoint : { ...endpoint, retrySchedule },
  );
}

/** Whether a webhook's `events` array holds any of `types`: jsonb's `?|` on PostgreSQL, `json_each` on SQLite. */
function subscribedTo(db: Db, webhooks: Tables['webhooks'], types: string[]): SQL {
  const list = sql.join(
    types.map((type) => sql`${type}`),
    sql`, `,
  );
  return db.dialect === DIALECTS.postgres
    ? sql`${webhooks.events} ?| array[${list}]::text[]`
    : sql`exists (select 1 from json_each(${webhooks.events}) where value in (${list}))`;
}

/** {@link findEndpoints} on this database, as the emit path's endpoint resolver. */
export function endpointResolver(db: Db): (input: FindEndpointsInput) => Promise<Endpoint[]> {
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

export async function disableWebhook(db: Db, webhookId: string, reason: string): Promise<void> {
  await db.query((q, { webhooks }) =>
    q
      .update(webhooks)
      .set({ enabled: false, disabledReason: reason, failingSince: null, updatedAt: new Date().toISOString() })
      .where(eq(webhooks.id, webhookId))
      .returning({ id: webhooks.id }),
  );
}

/**
 * Records that the webhook's deliveries have been failing since `since`, or with null that it received
 * one again. Sets only what changes: the first failure's time stays while failures go on.
 */
export async function setWebhookFailingSince(db: Db, webhookId: string, since: string | null): Promise<void> {
  await db.query((q, { webhooks }) =>
    q
      .update(webhooks)
      .set({ failingSince: since })
      .where(
        and(
          eq(webhooks.id, webhookId),
          since === null ? isNotNull(webhooks.failingSince) : isNull(webhooks.failingSince),
        ),
      )
      .returning({ id: webhooks.id }),
  );
}

/** A webhook of this workspace, or undefined: other workspaces' webhooks do not exist for the caller. */
export async function findWorkspaceWebhook(
  db: Db,
  workspaceId: string,
  webhookId: string,
): Promise<Webhook | undefined> {
  const rows = await db.query((q, { webhooks }) =>
    q
      .select()
      .from(webhooks)
      .where(and(eq(webhooks.workspaceId, workspaceId), eq(webhooks.id, webhookId))),
  );
  return open(db, first(rows));
}

/** How many webhooks a workspace has, enabled or not. */
export async function countWebhooks(db: Db, workspaceId: string): Promise<number> {
  const rows = await db.query((q, { webhooks }) =>
    q.select({ n: count() }).from(webhooks).where(eq(webhooks.workspaceId, workspaceId)),
  );
  return first(rows)?.n ?? 0;
}

export interface ListWebhooksOptions {
  limit: number;
  /** Only webhooks whose id sorts after this one. */
  afterId?: string;
}

/** One page of a workspace's webhooks in id order (ids sort by creation time). */
export async function listWebhooks(db: Db, workspaceId: string, options: ListWebhooksOptions): Promise<Webhook[]> {
  const rows = await db.query((q, { webhooks }) => {
    const after = options.afterId === undefined ? undefined : gt(webhooks.id, options.afterId);
    return q
      .select()
      .from(webhooks)
      .where(and(eq(webhooks.workspaceId, workspaceId), after))
      .orderBy(asc(webhooks.id))
      .limit(options.limit);
  });
  return rows.map((row) => open(db, row));
}

export type UpdateWebhookInput = Partial<Omit<CreateWebhookInput, 'workspaceId'>>;

/**
 * Applies the given fields. Enabling a webhook clears the reason it was disabled for; a new secret
 * replaces the old one at once (rotation with a grace period is {@link rotateWebhookSecret}).
 */
export async function updateWebhook(
  db: Db,
  workspaceId: string,
  webhookId: string,
  input: UpdateWebhookInput,
): Promise<Webhook | undefined> {
  const cipher = fieldCipherOf(db);
  const rows = await db.query((q, { webhooks }) =>
    q
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
      .returning(),
  );
  return open(db, first(rows));
}

/** True when a webhook was deleted. Deliveries still retrying to it end as failed at their next attempt. */
export async function deleteWebhook(db: Db, workspaceId: string, webhookId: string): Promise<boolean> {
  const deleted = await db.query((q, { webhooks }) =>
    q
      .delete(webhooks)
      .where(and(eq(webhooks.workspaceId, workspaceId), eq(webhooks.id, webhookId)))
      .returning({ id: webhooks.id }),
  );
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
export function rotateWebhookSecret(db: Db, input: RotateWebhookSecretInput): Promise<Webhook | undefined> {
  const cipher = fieldCipherOf(db);
  return db.transaction(async (tx) => {
    // Two rotations at once must not both keep the same previous secret: the second reads the first's.
    const stored = await selectForUpdate(tx, input.webhookId);
    if (!stored || stored.workspaceId !== input.workspaceId) return undefined;
    const current = open(tx, stored);
    const rows = await tx.query((q, { webhooks }) =>
      q
        .update(webhooks)
        .set({
          secret: cipher.encrypt(input.secret ?? generateWebhookSecret(), context.secret(current.id)),
          previousSecret: cipher.encrypt(current.secret, context.previousSecret(current.id)),
          previousSecretExpiresAt: new Date(input.now.getTime() + input.graceMs).toISOString(),
          updatedAt: input.now.toISOString(),
        })
        .where(eq(webhooks.id, current.id))
        .returning(),
    );
    return open(tx, first(rows));
  });
}
