import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, type DeliveryStatus } from './api';
import { countdown } from './format';

/** The current time, re-read every `intervalMs`: what countdowns and "5 min ago" render from. */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

export interface Loaded<T> {
  value?: T;
  error?: unknown;
  loading: boolean;
  reload(): void;
}

/** Runs `load` when `key` changes (and on `reload`), keeping the last value while it runs again. */
export function useLoad<T>(load: () => Promise<T>, key: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ value?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [round, setRound] = useState(0);
  useEffect(() => {
    let current = true;
    setState((previous) => ({ ...previous, loading: true }));
    load().then(
      (value) => current && setState({ value, loading: false }),
      (error: unknown) => current && setState((previous) => ({ value: previous.value, error, loading: false })),
    );
    return () => {
      current = false;
    };
    // `load` is a new function on every render; what it depends on is in `key`.
  }, [...key, round]);
  return { ...state, reload: () => setRound((r) => r + 1) };
}

/** Calls `tick` every `intervalMs` while `active`, first right away. */
export function usePolling(tick: () => Promise<void> | void, intervalMs: number, active: boolean): void {
  const latest = useRef(tick);
  latest.current = tick;
  useEffect(() => {
    if (!active) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      try {
        await latest.current();
      } finally {
        if (!stopped) timer = setTimeout(() => void run(), intervalMs);
      }
    };
    void run();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [active, intervalMs]);
}

export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

export function ErrorMessage({ error }: { error: unknown }) {
  if (error === undefined || error === null) return null;
  return (
    <p class="error" role="alert">
      {messageOf(error)}
    </p>
  );
}

const STATUS_LABELS: Record<string, string> = {
  pending: 'Pending',
  retrying: 'Retrying',
  succeeded: 'Succeeded',
  failed: 'Failed',
  delivering: 'Delivering',
  completed: 'Completed',
  terminated: 'Stopped',
  running: 'Running',
  cancelled: 'Cancelled',
};

export function StatusBadge({ status }: { status: DeliveryStatus | string }) {
  return <span class={`badge badge-${status}`}>{STATUS_LABELS[status] ?? status}</span>;
}

/** "in 0:42", updated every second; "due now" once the time has come. */
export function Countdown({ at, now }: { at: string; now: number }) {
  const left = countdown(at, now);
  return (
    <time class="countdown" dateTime={at}>
      {left === null ? 'due now' : `in ${left}`}
    </time>
  );
}

/**
 * Asks before something that cannot be undone, in a modal `<dialog>`: the browser keeps focus inside it
 * and Escape cancels.
 */
export function ConfirmButton(props: {
  label: string;
  title: string;
  children: ComponentChildren;
  confirmLabel: string;
  onConfirm: () => Promise<void> | void;
  danger?: boolean;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const titleId = useRef(`dialog-${Math.random().toString(36).slice(2)}`).current;
  const confirm = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await props.onConfirm();
      dialog.current?.close();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" class={props.danger ? 'danger' : 'secondary'} onClick={() => dialog.current?.showModal()}>
        {props.label}
      </button>
      <dialog ref={dialog} aria-labelledby={titleId}>
        <h2 id={titleId}>{props.title}</h2>
        {props.children}
        <ErrorMessage error={error} />
        <div class="actions">
          <button
            type="button"
            class={props.danger ? 'danger' : 'primary'}
            disabled={busy}
            onClick={() => void confirm()}
          >
            {props.confirmLabel}
          </button>
          <button type="button" class="secondary" onClick={() => dialog.current?.close()}>
            Cancel
          </button>
        </div>
      </dialog>
    </>
  );
}

/** A secret or link to copy: a read-only field (selectable by hand) and a Copy button. */
export function CopyField({ label, value }: { label: string; value: string }) {
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState(false);
  const inputId = useRef(`copy-${Math.random().toString(36).slice(2)}`).current;
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
    } catch {
      // Without the clipboard API (a page not served over HTTPS or localhost), select it for Ctrl-C.
      input.current?.select();
    }
  };
  return (
    <div class="copy-field">
      <label for={inputId}>{label}</label>
      <div class="copy-row">
        <input id={inputId} ref={input} type="text" readOnly value={value} class="mono" spellcheck={false} />
        <button type="button" class="secondary" onClick={() => void copy()}>
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
      <p class="visually-hidden" aria-live="polite">
        {copied ? `${label} copied to the clipboard` : ''}
      </p>
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p class="muted" role="status">
      Loading {what}…
    </p>
  );
}
