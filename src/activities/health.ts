import type { Db } from '../db/client';
import { disableWebhook, findWebhook, setWebhookFailingSince } from '../db/webhooks';
import type { DisableFailingWebhookInput, HealthActivities } from '../contract/health';
import type { DeliveryNotifier } from './notifier';

export interface HealthActivityDeps {
  db: Db;
  notifier: DeliveryNotifier;
}

/** The health workflow's activities: the database writes and the `webhook.disabled` event. */
export function createHealthActivities({ db, notifier }: HealthActivityDeps): HealthActivities {
  return {
    async disableFailingWebhook(input: DisableFailingWebhookInput): Promise<void> {
      const webhook = await findWebhook(db, input.webhookId);
      // Deleted, or disabled meanwhile by its owner or a 410: nothing to decide any more.
      if (!webhook || !webhook.enabled) return;
      await disableWebhook(db, input.webhookId, input.reason);
      await notifier.emitOperational(
        'webhook.disabled',
        input.workspaceId,
        `${input.webhookId}\n${input.failingSince}`,
        {
          webhookId: input.webhookId,
          url: webhook.url,
          reason: input.reason,
          disabledAt: new Date().toISOString(),
          failingSince: input.failingSince,
          failedDeliveries: input.failedDeliveries,
        },
      );
    },

    async clearFailing({ webhookId }: { webhookId: string }): Promise<void> {
      await setWebhookFailingSince(db, webhookId, null);
    },
  };
}
