import { useState } from 'preact/hooks';
import * as api from './api';
import { Countdown, ErrorMessage, Loading, StatusBadge, usePolling, useNow } from './components';
import { deliveryDuration } from './delivery-log';
import { formatDuration, formatTime } from './format';
import { href, type Route } from './routes';

type EventRoute = Extract<Route, { name: 'event' }>;

const TRIGGERS: Record<api.EventStatusView['trigger'], string> = {
  scheduled: 'emitted',
  redelivery: 'a redelivery',
  recovery: 'a recovery',
  test: 'a test event',
};

/** One event: its payload, each endpoint's delivery and attempts, Redeliver, and the workflow in Temporal. */
export function EventPage({ route }: { route: EventRoute }) {
  const [status, setStatus] = useState<api.EventStatusView>();
  const [error, setError] = useState<unknown>();
  const [redelivery, setRedelivery] = useState<{ id: string; webhookId: string | null }>();
  const [redeliverError, setRedeliverError] = useState<unknown>();
  const now = useNow();
  usePolling(
    async () => {
      try {
        setStatus(await api.getEvent(route.id, route.redeliveryId));
        setError(undefined);
      } catch (err) {
        setError(err);
      }
    },
    2000,
    status === undefined || status.status === 'delivering',
  );

  const redeliver = async (webhookId?: string) => {
    setRedeliverError(undefined);
    try {
      const accepted = await api.redeliver(route.id, webhookId);
      setRedelivery({ id: accepted.redeliveryId, webhookId: accepted.webhookId });
    } catch (err) {
      setRedeliverError(err);
    }
  };

  const focus = route.webhookId;
  const deliveries = status?.deliveries ?? [];
  return (
    <>
      <h1 id="page-title" tabIndex={-1}>
        {route.redeliveryId ? 'Redelivery' : 'Event'}
      </h1>
      <ErrorMessage error={!status ? error : undefined} />
      {!status ? (
        error === undefined && <Loading what="the event" />
      ) : (
        <>
          <section class="panel" aria-labelledby="event-title">
            <h2 id="event-title">
              <code>{status.event.type}</code>
            </h2>
            <dl class="facts">
              <dt>Event id</dt>
              <dd class="mono">{status.event.id}</dd>
              {route.redeliveryId && (
                <>
                  <dt>Redelivery</dt>
                  <dd class="mono">{route.redeliveryId}</dd>
                </>
              )}
              <dt>Occurred</dt>
              <dd>{formatTime(status.event.timestamp)}</dd>
              <dt>Delivery</dt>
              <dd>
                <StatusBadge status={status.status} /> started {formatTime(status.startedAt)}
                {status.trigger !== 'scheduled' && ` (${TRIGGERS[status.trigger]})`}
              </dd>
            </dl>
            <div class="actions">
              {focus && (
                <a class="button secondary" href={href.webhook(focus)}>
                  Back to the webhook
                </a>
              )}
              <a class="button secondary" href={status.temporalUiUrl} target="_blank" rel="noopener noreferrer">
                Open the workflow in Temporal UI<span class="visually-hidden"> (opens in a new tab)</span>
              </a>
            </div>
          </section>

          <section aria-labelledby="deliveries-title">
            <h2 id="deliveries-title">Deliveries</h2>
            {deliveries.length === 0 && <p class="empty">No endpoint subscribed to this event.</p>}
            {deliveries.map((delivery) => (
              <DeliveryCard
                key={delivery.webhookId}
                status={status}
                delivery={delivery}
                now={now}
                onRedeliver={() => void redeliver(delivery.webhookId)}
              />
            ))}
            {deliveries.length > 1 && (
              <button type="button" class="secondary" onClick={() => void redeliver()}>
                Redeliver to every endpoint
              </button>
            )}
            <ErrorMessage error={redeliverError} />
            <div aria-live="polite">
              {redelivery && (
                <Redelivery eventId={route.id} redeliveryId={redelivery.id} webhookId={redelivery.webhookId} />
              )}
            </div>
          </section>

          <section aria-labelledby="payload-title">
            <h2 id="payload-title">Payload</h2>
            <pre class="payload" tabIndex={0} aria-label="Event payload">
              {JSON.stringify(status.event, null, 2)}
            </pre>
          </section>
        </>
      )}
    </>
  );
}

function DeliveryCard(props: {
  status: api.EventStatusView;
  delivery: api.EventDelivery;
  now: number;
  onRedeliver: () => void;
}) {
  const { status, delivery, now } = props;
  const attempts = delivery.attemptLog;
  return (
    <article class="card delivery" aria-label={`Delivery to ${delivery.url ?? delivery.webhookId}`}>
      <div class="card-head">
        <span class="url">{delivery.url ?? `${delivery.webhookId} (deleted)`}</span>
        <StatusBadge status={delivery.status} />
      </div>
      <dl class="facts">
        <dt>Attempts</dt>
        <dd>{delivery.attempts}</dd>
        <dt>Last answer</dt>
        <dd>
          {delivery.lastStatusCode ? `HTTP ${delivery.lastStatusCode}` : '—'}
          {delivery.lastError ? ` · ${delivery.lastError}` : ''}
        </dd>
        {delivery.status === 'retrying' && delivery.nextAttemptAt && (
          <>
            <dt>Next attempt</dt>
            <dd>
              <Countdown at={delivery.nextAttemptAt} now={now} /> ({formatTime(delivery.nextAttemptAt)})
            </dd>
          </>
        )}
        {delivery.completedAt && (
          <>
            <dt>Ended</dt>
            <dd>
              {formatTime(delivery.completedAt)} ({formatDuration(deliveryDuration(status, delivery))} after the start)
            </dd>
          </>
        )}
      </dl>
      {attempts.length > 0 && (
        <ol class="attempts" aria-label="Attempts">
          {attempts.map((attempt) => (
            <li key={attempt.attempt}>
              <p>
                <span class="label">Attempt {attempt.attempt}</span> <StatusBadge status={attempt.outcome} />{' '}
                {formatTime(attempt.startedAt)}
                {attempt.durationMs !== null ? ` · ${formatDuration(attempt.durationMs)}` : ''}
                {attempt.statusCode ? ` · HTTP ${attempt.statusCode}` : ''}
                {attempt.error ? ` · ${attempt.error}` : ''}
                {attempt.retryAfterMs ? ` · asked to wait ${formatDuration(attempt.retryAfterMs)}` : ''}
              </p>
              {attempt.responseExcerpt && (
                <pre class="excerpt" tabIndex={0} aria-label={`Response to attempt ${attempt.attempt}`}>
                  {attempt.responseExcerpt}
                </pre>
              )}
            </li>
          ))}
        </ol>
      )}
      {delivery.url && (
        <button type="button" class="secondary" onClick={props.onRedeliver}>
          Redeliver<span class="visually-hidden"> to {delivery.url}</span>
        </button>
      )}
    </article>
  );
}

function Redelivery(props: { eventId: string; redeliveryId: string; webhookId: string | null }) {
  const [status, setStatus] = useState<api.EventStatusView>();
  usePolling(
    async () => {
      try {
        setStatus(await api.getEvent(props.eventId, props.redeliveryId));
      } catch {
        // Readable a moment after it starts.
      }
    },
    1000,
    status === undefined || status.status === 'delivering',
  );
  const delivery = props.webhookId
    ? status?.deliveries.find((d) => d.webhookId === props.webhookId)
    : status?.deliveries[0];
  return (
    <div class="result redelivery" data-status={delivery?.status ?? 'pending'}>
      <p>
        <span class="label">Redelivery</span>{' '}
        <a
          class="mono"
          href={href.event(props.eventId, {
            redeliveryId: props.redeliveryId,
            webhookId: props.webhookId ?? undefined,
          })}
        >
          {props.redeliveryId}
        </a>{' '}
        <StatusBadge status={delivery?.status ?? 'pending'} />
        {delivery?.status === 'succeeded' && delivery.lastStatusCode ? ` HTTP ${delivery.lastStatusCode}` : ''}
        {delivery?.status === 'failed' && delivery.lastError ? ` ${delivery.lastError}` : ''}
      </p>
    </div>
  );
}
