import { useEffect, useState } from 'preact/hooks';
import * as api from './api';
import type { Context } from './context';
import { Countdown, ErrorMessage, Loading, StatusBadge, usePolling, useNow } from './components';
import { formatTime } from './format';
import { Recover } from './recover';
import { href } from './routes';

const STATUSES: readonly api.DeliveryStatus[] = ['pending', 'retrying', 'succeeded', 'failed'];
const PAGE_SIZE = 20;

/** From the start of the delivery to its end: what a delivery took when its attempts are not listed. */
export function deliveryDuration(status: api.EventStatusView | undefined, delivery: api.EventDelivery): number {
  if (!status || !delivery.completedAt) return 0;
  return Date.parse(delivery.completedAt) - Date.parse(status.startedAt);
}

interface Listed<T> {
  items: T[];
  nextCursor: string | null;
  error?: unknown;
  loading: boolean;
}

interface Filters {
  status: api.DeliveryStatus | '';
  type: string;
}

/**
 * A page of a list that filters, pages with a cursor, and reads itself again every few seconds while
 * `underWay` says some of it may still change.
 */
function useListing<T>(
  load: (filters: Filters, cursor?: string) => Promise<api.Page<T>>,
  filters: Filters,
  refresh: unknown,
  underWay: (item: T) => boolean,
) {
  const [state, setState] = useState<Listed<T>>({ items: [], nextCursor: null, loading: true });
  const reload = async () => {
    try {
      const page = await load(filters);
      setState({ items: page.data, nextCursor: page.nextCursor, loading: false });
    } catch (error) {
      setState((previous) => ({ ...previous, error, loading: false }));
    }
  };
  useEffect(() => {
    setState((previous) => ({ ...previous, loading: true }));
    void reload();
  }, [filters.status, filters.type, refresh]);
  usePolling(reload, 3000, state.items.some(underWay));
  const more = async () => {
    if (!state.nextCursor) return;
    try {
      const page = await load(filters, state.nextCursor);
      setState((previous) => ({ ...previous, items: [...previous.items, ...page.data], nextCursor: page.nextCursor }));
    } catch (error) {
      setState((previous) => ({ ...previous, error }));
    }
  };
  return { state, reload, more };
}

function FilterBar(props: {
  prefix: string;
  context: Context;
  filters: Filters;
  onChange: (filters: Filters) => void;
  onRefresh: () => void;
}) {
  const { prefix, filters } = props;
  return (
    <div class="filters">
      <div class="field">
        <label for={`${prefix}-status`}>Status</label>
        <select
          id={`${prefix}-status`}
          value={filters.status}
          onChange={(e) => props.onChange({ ...filters, status: e.currentTarget.value as Filters['status'] })}
        >
          <option value="">Any status</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {s[0]?.toUpperCase()}
              {s.slice(1)}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for={`${prefix}-type`}>Event type</label>
        <select
          id={`${prefix}-type`}
          value={filters.type}
          onChange={(e) => props.onChange({ ...filters, type: e.currentTarget.value })}
        >
          <option value="">Any type</option>
          <option value={api.PING}>{api.PING}</option>
          {props.context.eventTypes.map((option) => (
            <option key={option.type} value={option.type}>
              {option.type}
            </option>
          ))}
        </select>
      </div>
      <button type="button" class="secondary" onClick={props.onRefresh}>
        Refresh
      </button>
    </div>
  );
}

const active = (item: { status: api.DeliveryStatus }) => item.status === 'pending' || item.status === 'retrying';

/** The deliveries to one webhook, newest first, with their attempts, last answer and next attempt. */
export function DeliveryLog({
  webhookId,
  context,
  refresh = 0,
}: {
  webhookId: string;
  context: Context;
  refresh?: number;
}) {
  const [filters, setFilters] = useState<Filters>({ status: '', type: '' });
  const now = useNow();
  const { state, reload, more } = useListing(
    (f, cursor) =>
      api.listDeliveries(webhookId, {
        status: f.status || undefined,
        type: f.type || undefined,
        cursor,
        limit: PAGE_SIZE,
      }),
    filters,
    refresh,
    active,
  );
  return (
    <div class="delivery-log">
      <FilterBar
        prefix="log"
        context={context}
        filters={filters}
        onChange={setFilters}
        onRefresh={() => void reload()}
      />
      <ErrorMessage error={state.error} />
      {state.loading && state.items.length === 0 ? (
        <Loading what="deliveries" />
      ) : state.items.length === 0 ? (
        <p class="empty">No deliveries{filters.status || filters.type ? ' match these filters' : ' yet'}.</p>
      ) : (
        <table class="deliveries">
          <caption class="visually-hidden">Deliveries to this webhook, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Event</th>
              <th scope="col">Time</th>
              <th scope="col">Status</th>
              <th scope="col">Attempts</th>
              <th scope="col">Last answer</th>
              <th scope="col">Next attempt</th>
            </tr>
          </thead>
          <tbody>
            {state.items.map((item) => (
              <tr key={`${item.eventId}/${item.redeliveryId ?? ''}`} data-status={item.status}>
                <td data-label="Event">
                  <a href={href.event(item.eventId, { redeliveryId: item.redeliveryId, webhookId })}>
                    {item.eventType}
                  </a>
                  {item.trigger && item.trigger !== 'scheduled' && <span class="tag">{item.trigger}</span>}
                </td>
                <td data-label="Time">{formatTime(item.startedAt)}</td>
                <td data-label="Status">
                  <StatusBadge status={item.status} />
                </td>
                <td data-label="Attempts">{item.attempts}</td>
                <td data-label="Last answer">
                  {item.lastStatusCode ? `HTTP ${item.lastStatusCode}` : item.lastError ? 'no answer' : '—'}
                </td>
                <td data-label="Next attempt">
                  {item.status === 'retrying' && item.nextAttemptAt ? (
                    <Countdown at={item.nextAttemptAt} now={now} />
                  ) : (
                    '—'
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {state.nextCursor && (
        <button type="button" class="secondary" onClick={() => void more()}>
          Show older deliveries
        </button>
      )}
    </div>
  );
}

/** Every delivery of the workspace, where the server can search them, and recovery of what failed. */
export function WorkspaceLog({ context }: { context: Context }) {
  const [filters, setFilters] = useState<Filters>({ status: '', type: '' });
  const { state, reload, more } = useListing(
    (f, cursor) =>
      api.searchDeliveries({ status: f.status || undefined, type: f.type || undefined, cursor, limit: PAGE_SIZE }),
    filters,
    0,
    active,
  );
  return (
    <>
      <h1 id="page-title" tabIndex={-1}>
        Delivery log
      </h1>
      <p class="lead">Every delivery of this workspace, newest first. Failed ones are what a recovery sends again.</p>
      <FilterBar
        prefix="workspace-log"
        context={context}
        filters={filters}
        onChange={setFilters}
        onRefresh={() => void reload()}
      />
      <ErrorMessage error={state.error} />
      {state.loading && state.items.length === 0 ? (
        <Loading what="deliveries" />
      ) : state.items.length === 0 ? (
        <p class="empty">No deliveries{filters.status || filters.type ? ' match these filters' : ' yet'}.</p>
      ) : (
        <table class="deliveries">
          <caption class="visually-hidden">Deliveries of the workspace, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Event</th>
              <th scope="col">Time</th>
              <th scope="col">Status</th>
              <th scope="col">Webhooks</th>
            </tr>
          </thead>
          <tbody>
            {state.items.map((item) => {
              const only = item.webhookIds.length === 1 ? item.webhookIds[0] : undefined;
              return (
                <tr key={`${item.eventId}/${item.redeliveryId ?? ''}`} data-status={item.status}>
                  <td data-label="Event">
                    <a href={href.event(item.eventId, { redeliveryId: item.redeliveryId, webhookId: only })}>
                      {item.eventType}
                    </a>
                    {item.trigger && item.trigger !== 'scheduled' && <span class="tag">{item.trigger}</span>}
                  </td>
                  <td data-label="Time">{formatTime(item.startedAt)}</td>
                  <td data-label="Status">
                    <StatusBadge status={item.status} />
                  </td>
                  <td data-label="Webhooks">
                    {item.webhookIds.length === 0
                      ? 'many (in batches)'
                      : item.webhookIds.map((webhookId, index) => (
                          <span key={webhookId}>
                            {index > 0 && ', '}
                            <a class="mono" href={href.webhook(webhookId)}>
                              {webhookId}
                            </a>
                            {item.failedWebhookIds.includes(webhookId) && ' (failed)'}
                          </span>
                        ))}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {state.nextCursor && (
        <button type="button" class="secondary" onClick={() => void more()}>
          Show older deliveries
        </button>
      )}
      {context.features.workspaceRecovery && <Recover />}
    </>
  );
}
