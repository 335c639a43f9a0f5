import { useState } from 'preact/hooks';
import * as api from './api';
import type { Context } from './context';
import { ErrorMessage, Loading, StatusBadge, useLoad, useNow } from './components';
import { formatAgo, formatTime, pluralize } from './format';
import { href } from './routes';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Deliveries read per webhook for its health when the server has no search: the newest ones. */
const HEALTH_SAMPLE = 25;

export function WebhookList({ context }: { context: Context }) {
  const [pages, setPages] = useState<api.WebhookView[][]>([]);
  const first = useLoad(() => api.listWebhooks(), []);
  const [next, setNext] = useState<{ cursor: string | null; error?: unknown }>();
  const cursor = next ? next.cursor : (first.value?.nextCursor ?? null);
  const webhooks = [...(first.value?.data ?? []), ...pages.flat()];

  const loadMore = async () => {
    if (!cursor) return;
    try {
      const page = await api.listWebhooks(cursor);
      setPages((loaded) => [...loaded, page.data]);
      setNext({ cursor: page.nextCursor });
    } catch (error) {
      setNext({ cursor, error });
    }
  };

  return (
    <>
      <div class="page-head">
        <h1 id="page-title" tabIndex={-1}>
          Webhooks
        </h1>
        <a class="button primary" href={href.create()}>
          Create webhook
        </a>
      </div>
      <p class="lead">
        Hookline POSTs the events you pick to each endpoint, signed, and retries when it does not answer 2xx.
      </p>
      <ErrorMessage error={first.error} />
      {first.loading && !first.value ? (
        <Loading what="webhooks" />
      ) : webhooks.length === 0 && first.value ? (
        <p class="empty">
          No webhooks yet. <a href={href.create()}>Create one</a> to start receiving events.
        </p>
      ) : (
        <ul class="cards" aria-label="Webhooks">
          {webhooks.map((webhook) => (
            <WebhookCard key={webhook.id} webhook={webhook} context={context} />
          ))}
        </ul>
      )}
      <ErrorMessage error={next?.error} />
      {cursor && (
        <button type="button" class="secondary" onClick={() => void loadMore()}>
          Show more webhooks
        </button>
      )}
    </>
  );
}

function WebhookCard({ webhook, context }: { webhook: api.WebhookView; context: Context }) {
  return (
    <li class="card">
      <div class="card-head">
        <a class="url" href={href.webhook(webhook.id)}>
          {webhook.url}
        </a>
        <span class={webhook.enabled ? 'badge badge-enabled' : 'badge badge-disabled'}>
          {webhook.enabled ? 'Enabled' : 'Disabled'}
        </span>
      </div>
      {webhook.description && <p class="description">{webhook.description}</p>}
      <p class="events">
        <span class="label">Events</span> {eventsSummary(webhook.events)}
      </p>
      {webhook.disabledReason && (
        <p class="warning">
          <span class="label">Disabled by Hookline</span> {webhook.disabledReason}
        </p>
      )}
      {webhook.failingSince && !webhook.disabledReason && (
        <p class="warning">
          <span class="label">Failing since</span> {formatTime(webhook.failingSince)}
        </p>
      )}
      <Health webhookId={webhook.id} features={context.features} />
    </li>
  );
}

export function eventsSummary(events: string[]): string {
  return events.map((type) => (type === '*' ? 'all service events' : type)).join(', ');
}

interface HealthFigures {
  last?: { status: api.DeliveryStatus; startedAt: string | null };
  failures: number;
  /** True when more failures may lie beyond what was read. */
  atLeast: boolean;
}

/** Health loads run a few at a time: each asks Temporal about several workflows. */
const queue = limiter(3);

async function loadHealth(webhookId: string, features: api.Features): Promise<HealthFigures> {
  const since = new Date(Date.now() - DAY_MS).toISOString();
  if (features.eventSearch) {
    const [latest, failed] = await Promise.all([
      api.searchDeliveries({ webhookId, limit: 1 }),
      api.searchDeliveries({ webhookId, status: 'failed', since, limit: 100 }),
    ]);
    return { last: latest.data[0], failures: failed.data.length, atLeast: failed.nextCursor !== null };
  }
  const page = await api.listDeliveries(webhookId, { limit: HEALTH_SAMPLE });
  const recent = page.data.filter((d) => d.startedAt >= since);
  // Without the search, the newest deliveries stand for the last day; past them, there may be more.
  return {
    last: page.data[0],
    failures: recent.filter((d) => d.status === 'failed').length,
    atLeast: page.nextCursor !== null && recent.length === page.data.length,
  };
}

function Health({ webhookId, features }: { webhookId: string; features: api.Features }) {
  const health = useLoad(() => queue(() => loadHealth(webhookId, features)), [webhookId]);
  const now = useNow(15_000);
  if (health.error !== undefined) return <p class="health muted">Health unavailable</p>;
  if (!health.value) return <p class="health muted">Checking health…</p>;
  const { last, failures, atLeast } = health.value;
  return (
    <p class="health">
      <span class="label">Last delivery</span>{' '}
      {last ? (
        <>
          <StatusBadge status={last.status} /> {formatAgo(last.startedAt, now)}
        </>
      ) : (
        'none yet'
      )}
      <span class="sep" aria-hidden="true">
        ·
      </span>
      <span class={failures > 0 ? 'failures' : undefined}>
        {failures === 0 ? 'No failures' : `${atLeast ? 'At least ' : ''}${pluralize(failures, 'failure')}`} in the last
        24 h
      </span>
    </p>
  );
}

function limiter(concurrency: number) {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async <T,>(task: () => Promise<T>): Promise<T> => {
    if (running >= concurrency) await new Promise<void>((resolve) => waiting.push(resolve));
    running += 1;
    try {
      return await task();
    } finally {
      running -= 1;
      waiting.shift()?.();
    }
  };
}
