import type { AttemptView, WebhookStatsView } from '../schemas';
import type { DomainDeps } from './context';
import { listWebhookDeliveries } from './deliveries';
import { deliveryQuery, type DeliverySearch } from './event-search';
import { callTemporal, type TemporalDeps } from './temporal';
import { getWebhook } from './webhooks';

export type StatsWindow = WebhookStatsView['window'];

const WINDOW_MS: Record<StatsWindow, number> = {
  '1h': 3_600_000,
  '24h': 24 * 3_600_000,
  '7d': 7 * 24 * 3_600_000,
};

/**
 * Deliveries whose attempts the latency is computed from: reading a delivery is two calls to Temporal,
 * so the percentiles come from the most recent ones rather than from every history of the window.
 */
export const LATENCY_SAMPLE_DELIVERIES = 50;

/**
 * How one webhook fared over a window: counts from Temporal visibility (three count queries, no
 * history read), latency and the last failure from the attempts of the window's most recent deliveries.
 */
export async function getWebhookStats(
  deps: DomainDeps,
  workspaceId: string,
  webhookId: string,
  window: StatsWindow,
  now = new Date(),
): Promise<WebhookStatsView> {
  await getWebhook(deps.db, workspaceId, webhookId);
  const since = new Date(now.getTime() - WINDOW_MS[window]).toISOString();
  const count = (status?: DeliverySearch['status']) =>
    countExecutions(deps.temporal, deliveryQuery(workspaceId, { webhookId, since, status }));
  const [deliveries, succeeded, failed, recent] = await Promise.all([
    count(),
    count('succeeded'),
    count('failed'),
    listWebhookDeliveries(deps, workspaceId, webhookId, { limit: LATENCY_SAMPLE_DELIVERIES, since }),
  ]);
  const attempts = recent.data.flatMap((delivery) => delivery.attemptLog);
  const durations = attempts
    .map((attempt) => attempt.durationMs)
    .filter((ms): ms is number => ms !== null)
    .sort((a, b) => a - b);
  let lastFailure = latestFailure(attempts);
  if (!lastFailure && failed > 0) {
    // The failures are older than the sample: the newest failed delivery says how the last one went.
    const page = await listWebhookDeliveries(deps, workspaceId, webhookId, { limit: 1, since, status: 'failed' });
    lastFailure = latestFailure(page.data.flatMap((delivery) => delivery.attemptLog));
  }
  const ended = succeeded + failed;
  return {
    webhookId,
    window,
    since,
    deliveries,
    succeeded,
    failed,
    successRate: ended === 0 ? null : succeeded / ended,
    latency: { p50Ms: percentile(durations, 0.5), p95Ms: percentile(durations, 0.95) },
    latencySample: durations.length,
    lastFailure: lastFailure
      ? { at: lastFailure.startedAt, error: lastFailure.error, statusCode: lastFailure.statusCode }
      : null,
  };
}

async function countExecutions(temporal: TemporalDeps, query: string): Promise<number> {
  const response = await callTemporal(temporal, () =>
    temporal.client.workflowService.countWorkflowExecutions({ namespace: temporal.namespace, query }),
  );
  const { count } = response;
  if (count === null || count === undefined) return 0;
  return typeof count === 'number' ? count : count.toNumber();
}

/** Nearest-rank percentile of sorted values; null for none. */
function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[rank - 1] ?? null;
}

function latestFailure(attempts: readonly AttemptView[]): AttemptView | undefined {
  return attempts
    .filter((attempt) => attempt.outcome === 'failed')
    .reduce<AttemptView | undefined>(
      (latest, attempt) => (!latest || (attempt.startedAt ?? '') > (latest.startedAt ?? '') ? attempt : latest),
      undefined,
    );
}
