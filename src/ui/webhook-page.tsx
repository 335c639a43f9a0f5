import { useState } from 'preact/hooks';
import * as api from './api';
import type { Context } from './context';
import {
  ConfirmButton,
  CopyField,
  Countdown,
  ErrorMessage,
  Loading,
  StatusBadge,
  useLoad,
  useNow,
  usePolling,
} from './components';
import { DeliveryLog, deliveryDuration } from './delivery-log';
import { formatDuration, formatTime, pluralize } from './format';
import { Recover } from './recover';
import { href } from './routes';
import { eventsSummary } from './webhook-list';

export function WebhookPage({ context, webhookId }: { context: Context; webhookId: string }) {
  const loaded = useLoad(() => api.getWebhook(webhookId), [webhookId]);
  const [webhook, setWebhook] = useState<api.WebhookView>();
  const [logRound, setLogRound] = useState(0);
  const current = webhook ?? loaded.value;
  return (
    <>
      <h1 id="page-title" tabIndex={-1}>
        Webhook
      </h1>
      <ErrorMessage error={loaded.error} />
      {!current ? (
        loaded.error === undefined && <Loading what="the webhook" />
      ) : (
        <>
          <Overview webhook={current} context={context} onChange={setWebhook} />
          <Secret webhookId={current.id} />
          <TestEvent
            webhook={current}
            eventTypes={context.eventTypes}
            onProgress={() => setLogRound((round) => round + 1)}
          />
          {context.features.recovery && <Recover webhookId={current.id} />}
          <section aria-labelledby="log-title">
            <h2 id="log-title">Delivery log</h2>
            <DeliveryLog webhookId={current.id} context={context} refresh={logRound} />
          </section>
        </>
      )}
    </>
  );
}

function Overview(props: { webhook: api.WebhookView; context: Context; onChange: (w: api.WebhookView) => void }) {
  const { webhook } = props;
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const setEnabled = async (enabled: boolean) => {
    setBusy(true);
    setError(undefined);
    try {
      props.onChange(await api.updateWebhook(webhook.id, { enabled }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const headerNames = Object.keys(webhook.headers);
  return (
    <section class="panel" aria-labelledby="overview-title">
      <h2 id="overview-title" class="url">
        {webhook.url}
      </h2>
      {webhook.description && <p>{webhook.description}</p>}
      <dl class="facts">
        <dt>Status</dt>
        <dd>
          <span class={webhook.enabled ? 'badge badge-enabled' : 'badge badge-disabled'}>
            {webhook.enabled ? 'Enabled' : 'Disabled'}
          </span>
          {webhook.disabledReason && <span class="warning"> {webhook.disabledReason}</span>}
        </dd>
        {webhook.failingSince && (
          <>
            <dt>Failing since</dt>
            <dd class="warning">{formatTime(webhook.failingSince)}</dd>
          </>
        )}
        <dt>Events</dt>
        <dd>{eventsSummary(webhook.events)}</dd>
        <dt>Custom headers</dt>
        <dd>{headerNames.length ? headerNames.join(', ') : 'none'}</dd>
        {props.context.features.retrySchedule && (
          <>
            <dt>Retry schedule</dt>
            <dd>{webhook.retrySchedule === 'extended' ? 'Extended (about a day)' : 'Standard (3 attempts)'}</dd>
          </>
        )}
        <dt>Created</dt>
        <dd>{formatTime(webhook.createdAt)}</dd>
        <dt>Id</dt>
        <dd class="mono">{webhook.id}</dd>
      </dl>
      <ErrorMessage error={error} />
      <div class="actions">
        <a class="button secondary" href={href.edit(webhook.id)}>
          Edit
        </a>
        <button type="button" class="secondary" disabled={busy} onClick={() => void setEnabled(!webhook.enabled)}>
          {webhook.enabled ? 'Disable' : 'Enable'}
        </button>
        <ConfirmButton
          label="Delete"
          title="Delete this webhook?"
          confirmLabel="Delete webhook"
          danger
          onConfirm={async () => {
            await api.deleteWebhook(webhook.id);
            window.location.hash = href.webhooks();
          }}
        >
          <p>
            Hookline stops sending events to <span class="url">{webhook.url}</span>. Deliveries still retrying end as
            failed. This cannot be undone.
          </p>
        </ConfirmButton>
      </div>
    </section>
  );
}

function Secret({ webhookId }: { webhookId: string }) {
  const [secret, setSecret] = useState<{ value: string; previousExpiresAt?: string }>();
  const [error, setError] = useState<unknown>();
  const reveal = async () => {
    setError(undefined);
    try {
      setSecret({ value: (await api.revealSecret(webhookId)).secret });
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section class="panel" aria-labelledby="secret-title">
      <h2 id="secret-title">Signing secret</h2>
      {secret ? (
        <>
          <CopyField label="Current secret" value={secret.value} />
          {secret.previousExpiresAt && (
            <p class="hint">
              The previous secret keeps signing deliveries too until {formatTime(secret.previousExpiresAt)}, so your
              endpoint can switch without missing any.
            </p>
          )}
        </>
      ) : (
        <p class="hint">Hidden. Reveal it to copy it to your endpoint.</p>
      )}
      <ErrorMessage error={error} />
      <div class="actions">
        {!secret && (
          <button type="button" class="secondary" onClick={() => void reveal()}>
            Reveal secret
          </button>
        )}
        <ConfirmButton
          label="Rotate secret"
          title="Rotate the signing secret?"
          confirmLabel="Rotate"
          onConfirm={async () => {
            const rotated = await api.rotateSecret(webhookId);
            setSecret({ value: rotated.secret, previousExpiresAt: rotated.previousSecretExpiresAt });
          }}
        >
          <p>
            A new secret signs every delivery from now on. The current one keeps signing too for 24 hours, so your
            endpoint can switch to the new one without missing any.
          </p>
        </ConfirmButton>
      </div>
    </section>
  );
}

function TestEvent(props: { webhook: api.WebhookView; eventTypes: api.EventTypeOption[]; onProgress: () => void }) {
  const [type, setType] = useState('');
  const [eventId, setEventId] = useState<string>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const send = async () => {
    setBusy(true);
    setError(undefined);
    setEventId(undefined);
    try {
      const accepted = await api.sendTestEvent(props.webhook.id, type || undefined);
      setEventId(accepted.eventId);
      props.onProgress();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="panel" aria-labelledby="test-title">
      <h2 id="test-title">Test</h2>
      <p class="hint">Sends one event to this endpoint only, through the same delivery and retries as real ones.</p>
      <div class="inline-form">
        <div class="field">
          <label for="test-type">Event to send</label>
          <select id="test-type" value={type} onChange={(e) => setType(e.currentTarget.value)}>
            <option value="">Ping ({api.PING})</option>
            {props.eventTypes.map((option) => (
              <option key={option.type} value={option.type}>
                Example of {option.type}
              </option>
            ))}
          </select>
        </div>
        <button type="button" class="primary" disabled={busy || !props.webhook.enabled} onClick={() => void send()}>
          Send test event
        </button>
      </div>
      {!props.webhook.enabled && <p class="hint">Enable the webhook to send a test event.</p>}
      <ErrorMessage error={error} />
      <div aria-live="polite" class="test-result">
        {eventId && (
          <TestResult key={eventId} eventId={eventId} webhookId={props.webhook.id} onSettled={props.onProgress} />
        )}
      </div>
    </section>
  );
}

const FINAL = new Set(['succeeded', 'failed']);

/** Follows a test event as it is delivered: pending, then succeeded, or retrying with a countdown, or failed. */
function TestResult(props: { eventId: string; webhookId: string; onSettled: () => void }) {
  const [status, setStatus] = useState<api.EventStatusView>();
  const [error, setError] = useState<unknown>();
  const now = useNow();
  const delivery = status?.deliveries.find((d) => d.webhookId === props.webhookId);
  const settled = delivery !== undefined && FINAL.has(delivery.status);
  const [lastState, setLastState] = useState<string>();
  usePolling(
    async () => {
      try {
        const next = await api.getEvent(props.eventId);
        setStatus(next);
        setError(undefined);
        const state = next.deliveries.find((d) => d.webhookId === props.webhookId)?.status;
        if (state !== lastState) {
          setLastState(state);
          props.onSettled();
        }
      } catch (err) {
        // Just after the start the event may not be readable yet: keep asking.
        setError(err);
      }
    },
    delivery?.status === 'retrying' ? 2000 : 750,
    !settled,
  );
  const lastAttempt = delivery?.attemptLog[delivery.attemptLog.length - 1];
  return (
    <div class="result" data-status={delivery?.status ?? 'pending'}>
      <p>
        <span class="label">Test event</span>{' '}
        <a class="mono" href={href.event(props.eventId, { webhookId: props.webhookId })}>
          {props.eventId}
        </a>
      </p>
      {!delivery ? (
        <p>
          <StatusBadge status="pending" /> Waiting for the first attempt…
        </p>
      ) : delivery.status === 'pending' ? (
        <p>
          <StatusBadge status="pending" /> Sending…
        </p>
      ) : delivery.status === 'succeeded' ? (
        <p>
          <StatusBadge status="succeeded" /> Your endpoint answered <strong>HTTP {delivery.lastStatusCode}</strong>
          {' in '}
          {formatDuration(lastAttempt?.durationMs ?? deliveryDuration(status, delivery))}
          {delivery.attempts > 1 ? `, on attempt ${delivery.attempts}` : ''}.
        </p>
      ) : delivery.status === 'retrying' ? (
        <p>
          <StatusBadge status="retrying" /> Attempt {delivery.attempts} failed:{' '}
          {delivery.lastError ?? (delivery.lastStatusCode ? `HTTP ${delivery.lastStatusCode}` : 'no answer')}.{' '}
          {delivery.nextAttemptAt ? (
            <>
              Next attempt <Countdown at={delivery.nextAttemptAt} now={now} />.
            </>
          ) : (
            'Next attempt soon.'
          )}
        </p>
      ) : (
        <p>
          <StatusBadge status="failed" /> Failed after {pluralize(delivery.attempts, 'attempt')}:{' '}
          {delivery.lastError ?? (delivery.lastStatusCode ? `HTTP ${delivery.lastStatusCode}` : 'no answer')}.
        </p>
      )}
      {error !== undefined && !status && <p class="muted">Waiting for the event to be readable…</p>}
    </div>
  );
}
