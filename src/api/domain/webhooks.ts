import {
  countWebhooks,
  createWebhook,
  deleteWebhook,
  findWorkspaceWebhook,
  listWebhooks,
  rotateWebhookSecret,
  updateWebhook,
  type CreateWebhookInput,
  type UpdateWebhookInput,
} from '../../db/webhooks';
import type { Db } from '../../db/client';
import type { Webhook } from '../../db/schema';
import { lockWorkspace } from '../../db/workspaces';
import { checkDestination, type GuardOptions } from '../../security/network-guard';
import type { Page, RotatedSecretView, WebhookView } from '../schemas';
import type { DomainDeps } from './context';
import { pageAfterId, type CursorSigner } from './cursor';
import { LimitExceededError, NotFoundError, ValidationError } from './errors';

/** How long a replaced secret keeps signing deliveries, unless the rotation says otherwise. */
export const DEFAULT_SECRET_GRACE_MS = 24 * 60 * 60 * 1000;

export function toWebhookView(webhook: Webhook): WebhookView {
  return {
    id: webhook.id,
    url: webhook.url,
    events: webhook.events,
    description: webhook.description,
    enabled: webhook.enabled,
    disabledReason: webhook.disabledReason,
    failingSince: webhook.failingSince,
    retrySchedule: webhook.retrySchedule,
    headers: webhook.headers,
    createdAt: webhook.createdAt,
    updatedAt: webhook.updatedAt,
  };
}

/**
 * Refuses a URL that Hookline would not deliver to: not http(s), with credentials, or pointing at a
 * network that is neither public nor allowed. The message says why without revealing what an internal
 * name resolved to. Deliveries check again at every connection, on the address actually connected to.
 */
async function assertDeliverable(guard: GuardOptions, url: string): Promise<void> {
  const check = await checkDestination(url, guard);
  if (!check.allowed) throw new ValidationError([{ field: 'url', message: check.message }]);
}

/**
 * Creates a webhook, unless the workspace already has `limits.maxWebhooksPerWorkspace`. Counting and
 * inserting share one transaction that holds the workspace still, so API processes creating at once
 * cannot overshoot.
 */
export async function createWorkspaceWebhook(
  deps: DomainDeps,
  workspaceId: string,
  input: Omit<CreateWebhookInput, 'workspaceId'>,
): Promise<WebhookView & { secret: string }> {
  await assertDeliverable(deps.guard, input.url);
  const { db, limits } = deps;
  const webhook = await db.transaction(async (tx) => {
    await lockWorkspace(tx, workspaceId);
    if ((await countWebhooks(tx, workspaceId)) >= limits.maxWebhooksPerWorkspace) {
      throw new LimitExceededError('webhooks', limits.maxWebhooksPerWorkspace);
    }
    return createWebhook(tx, { ...input, workspaceId });
  });
  return { ...toWebhookView(webhook), secret: webhook.secret };
}

export async function getWebhook(db: Db, workspaceId: string, webhookId: string): Promise<Webhook> {
  const webhook = await findWorkspaceWebhook(db, workspaceId, webhookId);
  if (!webhook) throw new NotFoundError('webhook', webhookId);
  return webhook;
}

export function listWorkspaceWebhooks(
  db: Db,
  workspaceId: string,
  options: { limit: number; cursor?: string; cursors?: CursorSigner },
): Promise<Page<WebhookView>> {
  return pageAfterId(options, (query) => listWebhooks(db, workspaceId, query), toWebhookView);
}

export async function updateWorkspaceWebhook(
  deps: DomainDeps,
  workspaceId: string,
  webhookId: string,
  input: UpdateWebhookInput,
): Promise<WebhookView> {
  // An unknown webhook answers 404 before its URL is judged, as it would without one.
  await getWebhook(deps.db, workspaceId, webhookId);
  if (input.url !== undefined) await assertDeliverable(deps.guard, input.url);
  const webhook = await updateWebhook(deps.db, workspaceId, webhookId, input);
  if (!webhook) throw new NotFoundError('webhook', webhookId);
  return toWebhookView(webhook);
}

export async function deleteWorkspaceWebhook(db: Db, workspaceId: string, webhookId: string): Promise<void> {
  if (!(await deleteWebhook(db, workspaceId, webhookId))) throw new NotFoundError('webhook', webhookId);
}

export interface RotateSecretOptions {
  /** Defaults to {@link DEFAULT_SECRET_GRACE_MS}. */
  graceMs?: number;
  /** A secret of the caller's choosing; generated when absent. */
  secret?: string;
  now?: Date;
}

export async function rotateSecret(
  db: Db,
  workspaceId: string,
  webhookId: string,
  options: RotateSecretOptions = {},
): Promise<RotatedSecretView> {
  const webhook = await rotateWebhookSecret(db, {
    workspaceId,
    webhookId,
    graceMs: options.graceMs ?? DEFAULT_SECRET_GRACE_MS,
    now: options.now ?? new Date(),
    secret: options.secret,
  });
  if (!webhook?.previousSecretExpiresAt) throw new NotFoundError('webhook', webhookId);
  return { secret: webhook.secret, previousSecretExpiresAt: webhook.previousSecretExpiresAt };
}
