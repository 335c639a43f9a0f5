import { useState } from 'preact/hooks';
import * as api from './api';
import { ErrorMessage, StatusBadge, usePolling } from './components';
import { formatTime, fromLocalInput, toLocalInput } from './format';

/**
 * Redelivers what failed in a window, for one webhook or the whole workspace, and follows the recovery's
 * progress until it ends.
 */
export function Recover({ webhookId }: { webhookId?: string }) {
  const [since, setSince] = useState(() => toLocalInput(new Date(Date.now() - 24 * 60 * 60 * 1000)));
  const [until, setUntil] = useState('');
  const [includeUndelivered, setIncludeUndelivered] = useState(false);
  const [recovery, setRecovery] = useState<api.RecoveryView>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const prefix = webhookId ? 'recover' : 'workspace-recover';

  const start = async (event: Event) => {
    event.preventDefault();
    setError(undefined);
    const from = fromLocalInput(since);
    // Left empty: up to the end of this minute, so that what failed a moment ago is included and asking
    // twice within the minute finds the same recovery.
    const to = until ? fromLocalInput(until) : new Date(Math.ceil(Date.now() / 60_000) * 60_000).toISOString();
    if (!from) {
      setError(new Error('Pick the time to recover from.'));
      return;
    }
    setBusy(true);
    try {
      setRecovery(
        await api.recover(webhookId, {
          since: from,
          ...(to ? { until: to } : {}),
          ...(webhookId ? { includeUndelivered } : {}),
        }),
      );
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const running = recovery?.status === 'running';
  usePolling(
    async () => {
      if (!recovery) return;
      try {
        setRecovery(await api.getRecovery(recovery.recoveryId));
      } catch (err) {
        setError(err);
      }
    },
    1500,
    running,
  );

  const cancel = async () => {
    if (!recovery) return;
    try {
      setRecovery(await api.cancelRecovery(recovery.recoveryId));
    } catch (err) {
      setError(err);
    }
  };

  const done = recovery ? recovery.succeeded + recovery.failed : 0;
  return (
    <section class="panel" aria-labelledby={`${prefix}-title`}>
      <h2 id={`${prefix}-title`}>Recover failed deliveries</h2>
      <p class="hint">
        Delivers again, a few per second, every event {webhookId ? 'to this endpoint' : 'of this workspace'} whose
        delivery failed in a period.
      </p>
      <form class="inline-form" onSubmit={(event) => void start(event)}>
        <div class="field">
          <label for={`${prefix}-since`}>Failed since</label>
          <input
            id={`${prefix}-since`}
            type="datetime-local"
            value={since}
            onInput={(e) => setSince(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for={`${prefix}-until`}>
            Until <span class="optional">(optional)</span>
          </label>
          <input
            id={`${prefix}-until`}
            type="datetime-local"
            value={until}
            onInput={(e) => setUntil(e.currentTarget.value)}
          />
        </div>
        <button type="submit" class="primary" disabled={busy || running}>
          Recover
        </button>
      </form>
      {webhookId && (
        <div class="check">
          <input
            id="recover-undelivered"
            type="checkbox"
            checked={includeUndelivered}
            onChange={(e) => setIncludeUndelivered(e.currentTarget.checked)}
          />
          <label for="recover-undelivered">Also send the events it missed while it was disabled</label>
        </div>
      )}
      <ErrorMessage error={error} />
      <div aria-live="polite">
        {recovery && (
          <div class="result recovery" data-status={recovery.status}>
            <p>
              <span class="label">Recovery</span> <StatusBadge status={recovery.status} /> of what failed from{' '}
              {formatTime(recovery.since)} to {formatTime(recovery.until)}
            </p>
            <progress max={Math.max(recovery.found, 1)} value={done} aria-label="Recovered deliveries" />
            <p>
              Found {recovery.found} · redelivered {recovery.redelivered} · succeeded {recovery.succeeded} · failed{' '}
              {recovery.failed}
            </p>
            {running && (
              <button type="button" class="secondary" onClick={() => void cancel()}>
                Stop the recovery
              </button>
            )}
          </div>
        )}
      </div>
    </section>
  );
}
