import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import * as api from './api';
import type { Context } from './context';
import { CopyField, ErrorMessage, Loading, messageOf, useLoad } from './components';
import { href } from './routes';

const ALL: api.EventSelector = '*';
const OPERATIONAL_GROUP = 'Operational';

interface HeaderRow {
  key: number;
  name: string;
  value: string;
}

interface FormState {
  url: string;
  events: api.EventSelector[];
  secretMode: 'generate' | 'own';
  secret: string;
  description: string;
  headers: HeaderRow[];
  enabled: boolean;
  retrySchedule: api.RetrySchedule;
}

/** Where each error the API names is shown: by the first part of its field path. */
type FieldName = 'url' | 'events' | 'secret' | 'description' | 'headers' | 'retrySchedule' | 'enabled';
const FIELDS: readonly FieldName[] = ['url', 'events', 'secret', 'description', 'headers', 'retrySchedule', 'enabled'];
/** The element each field's error sends the focus to. */
const FOCUS_TARGET: Record<FieldName, string> = {
  url: 'webhook-url',
  events: 'events-all',
  secret: 'webhook-secret',
  description: 'webhook-description',
  headers: 'headers-add',
  retrySchedule: 'webhook-retry-schedule',
  enabled: 'webhook-enabled',
};

interface Errors {
  fields: Partial<Record<FieldName, string[]>>;
  /** Header errors by the header's name, lowercased. */
  headers: Record<string, string[]>;
  form: string[];
}

const NO_ERRORS: Errors = { fields: {}, headers: {}, form: [] };

function errorsOf(error: unknown): Errors {
  if (!(error instanceof api.ApiError) || error.fields.length === 0) return { ...NO_ERRORS, form: [messageOf(error)] };
  const errors: Errors = { fields: {}, headers: {}, form: [] };
  for (const { field, message } of error.fields) {
    const [root = '', ...rest] = field.split('.');
    if (root === 'headers' && rest.length > 0) {
      const name = rest.join('.').toLowerCase();
      (errors.headers[name] ??= []).push(message);
    } else if ((FIELDS as readonly string[]).includes(root)) {
      (errors.fields[root as FieldName] ??= []).push(
        rest.length > 0 && root === 'events' ? `entry ${Number(rest[0]) + 1} ${message}` : message,
      );
    } else {
      errors.form.push(`${field} ${message}`);
    }
  }
  return errors;
}

let nextKey = 0;
const row = (name = '', value = ''): HeaderRow => ({ key: nextKey++, name, value });

function initialState(webhook?: api.WebhookView): FormState {
  return {
    url: webhook?.url ?? '',
    // What the API accepted when the webhook was saved.
    events: (webhook?.events ?? []) as api.EventSelector[],
    secretMode: 'generate',
    secret: '',
    description: webhook?.description ?? '',
    headers: Object.entries(webhook?.headers ?? {}).map(([name, value]) => row(name, value)),
    enabled: webhook?.enabled ?? true,
    retrySchedule: webhook?.retrySchedule ?? 'standard',
  };
}

/** Creates a webhook, or edits one when given its id. */
export function WebhookForm({ context, webhookId }: { context: Context; webhookId?: string }) {
  const existing = useLoad(() => (webhookId ? api.getWebhook(webhookId) : Promise.resolve(undefined)), [webhookId]);
  const title = webhookId ? 'Edit webhook' : 'Create webhook';
  return (
    <>
      <h1 id="page-title" tabIndex={-1}>
        {title}
      </h1>
      {webhookId && existing.error !== undefined ? (
        <ErrorMessage error={existing.error} />
      ) : webhookId && !existing.value ? (
        <Loading what="the webhook" />
      ) : (
        <Form context={context} webhook={existing.value} />
      )}
    </>
  );
}

function Form({ context, webhook }: { context: Context; webhook?: api.WebhookView }) {
  const [state, setState] = useState<FormState>(() => initialState(webhook));
  const [errors, setErrors] = useState<Errors>(NO_ERRORS);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<api.NewWebhook>();
  const [focusField, setFocusField] = useState<FieldName | 'form'>();
  const set = (patch: Partial<FormState>) => setState((current) => ({ ...current, ...patch }));

  useEffect(() => {
    if (!focusField) return;
    document.getElementById(focusField === 'form' ? 'form-errors' : FOCUS_TARGET[focusField])?.focus();
    setFocusField(undefined);
  }, [focusField]);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setErrors(NO_ERRORS);
    try {
      if (webhook) {
        const changes = changesOf(webhook, state, context.features);
        if (Object.keys(changes).length > 0) await api.updateWebhook(webhook.id, changes);
        window.location.hash = href.webhook(webhook.id);
      } else {
        setCreated(await api.createWebhook(bodyOf(state, context.features)));
      }
    } catch (error) {
      const found = errorsOf(error);
      setErrors(found);
      setFocusField(
        FIELDS.find((field) => found.fields[field]) ?? (Object.keys(found.headers).length ? 'headers' : 'form'),
      );
    } finally {
      setBusy(false);
    }
  };

  if (created) return <Created webhook={created} />;

  const fieldError = (field: FieldName) => errors.fields[field];
  const describedBy = (field: FieldName, hint?: string) =>
    [hint, fieldError(field) ? `${field}-error` : undefined].filter(Boolean).join(' ') || undefined;

  return (
    <form class="webhook-form" onSubmit={(event) => void submit(event)} noValidate>
      {errors.form.length > 0 && (
        <div id="form-errors" class="error" role="alert" tabIndex={-1}>
          {errors.form.map((message) => (
            <p key={message}>{message}</p>
          ))}
        </div>
      )}

      <div class="field">
        <label for="webhook-url">Endpoint URL</label>
        <input
          id="webhook-url"
          type="url"
          inputMode="url"
          autoComplete="url"
          spellcheck={false}
          placeholder="https://example.com/webhooks/hookline"
          value={state.url}
          onInput={(event) => set({ url: event.currentTarget.value })}
          aria-invalid={fieldError('url') ? 'true' : undefined}
          aria-describedby={describedBy('url', 'webhook-url-hint')}
          required
        />
        <p id="webhook-url-hint" class="hint">
          Where Hookline POSTs each event. It must answer 2xx within 5 seconds.
        </p>
        <FieldError field="url" messages={fieldError('url')} />
      </div>

      <EventPicker
        eventTypes={context.eventTypes}
        selected={state.events}
        onChange={(events) => set({ events })}
        errors={fieldError('events')}
      />

      {!webhook && (
        <fieldset class="field" aria-describedby={describedBy('secret')}>
          <legend>Signing secret</legend>
          <label class="check">
            <input
              type="radio"
              name="secret-mode"
              checked={state.secretMode === 'generate'}
              onChange={() => set({ secretMode: 'generate' })}
            />
            Generate one
          </label>
          <label class="check">
            <input
              type="radio"
              name="secret-mode"
              checked={state.secretMode === 'own'}
              onChange={() => set({ secretMode: 'own' })}
            />
            Use my own
          </label>
          {state.secretMode === 'own' && (
            <div class="field">
              <label for="webhook-secret">Secret</label>
              <input
                id="webhook-secret"
                type="text"
                class="mono"
                autoComplete="off"
                spellcheck={false}
                value={state.secret}
                onInput={(event) => set({ secret: event.currentTarget.value })}
                aria-invalid={fieldError('secret') ? 'true' : undefined}
                aria-describedby={describedBy('secret', 'webhook-secret-hint')}
              />
              <p id="webhook-secret-hint" class="hint">
                <code>whsec_</code> followed by base64 of 24 to 64 random bytes.
              </p>
            </div>
          )}
          <p class="hint">
            Every delivery is signed with it (Standard Webhooks), so your endpoint can check it came from Hookline.
          </p>
          <FieldError field="secret" messages={fieldError('secret')} />
        </fieldset>
      )}

      <div class="field">
        <label for="webhook-description">
          Description <span class="optional">(optional)</span>
        </label>
        <textarea
          id="webhook-description"
          rows={2}
          value={state.description}
          onInput={(event) => set({ description: event.currentTarget.value })}
          aria-invalid={fieldError('description') ? 'true' : undefined}
          aria-describedby={describedBy('description')}
        />
        <FieldError field="description" messages={fieldError('description')} />
      </div>

      <HeadersEditor
        rows={state.headers}
        onChange={(headers) => set({ headers })}
        errors={fieldError('headers')}
        byName={errors.headers}
      />

      {context.features.retrySchedule && (
        <div class="field">
          <label for="webhook-retry-schedule">Retry schedule</label>
          <select
            id="webhook-retry-schedule"
            value={state.retrySchedule}
            onChange={(event) => set({ retrySchedule: event.currentTarget.value as api.RetrySchedule })}
            aria-describedby={describedBy('retrySchedule')}
          >
            <option value="standard">Standard: 3 attempts over 3 minutes</option>
            <option value="extended">Extended: 13 attempts over about a day</option>
          </select>
          <FieldError field="retrySchedule" messages={fieldError('retrySchedule')} />
        </div>
      )}

      {webhook && (
        <div class="field">
          <label class="check">
            <input
              id="webhook-enabled"
              type="checkbox"
              checked={state.enabled}
              onChange={(event) => set({ enabled: event.currentTarget.checked })}
            />
            Enabled
          </label>
          {webhook.disabledReason && <p class="hint">Disabled by Hookline: {webhook.disabledReason}</p>}
        </div>
      )}

      <div class="actions">
        <button type="submit" class="primary" disabled={busy}>
          {webhook ? 'Save changes' : 'Create webhook'}
        </button>
        <a class="button secondary" href={webhook ? href.webhook(webhook.id) : href.webhooks()}>
          Cancel
        </a>
      </div>
    </form>
  );
}

function FieldError({ field, messages }: { field: string; messages?: string[] }) {
  if (!messages?.length) return null;
  return (
    <p id={`${field}-error`} class="field-error">
      {messages.join('; ')}
    </p>
  );
}

function groupsOf(eventTypes: api.EventTypeOption[]): { group: string; types: api.EventTypeOption[] }[] {
  const groups = new Map<string, api.EventTypeOption[]>();
  for (const option of eventTypes) groups.set(option.group, [...(groups.get(option.group) ?? []), option]);
  return [...groups]
    .map(([group, types]) => ({ group, types }))
    .sort((a, b) => Number(a.group === OPERATIONAL_GROUP) - Number(b.group === OPERATIONAL_GROUP));
}

function EventPicker(props: {
  eventTypes: api.EventTypeOption[];
  selected: api.EventSelector[];
  onChange: (events: api.EventSelector[]) => void;
  errors?: string[];
}) {
  const all = props.selected.includes(ALL);
  const toggle = (type: api.EventSelector, on: boolean) =>
    props.onChange(on ? [...props.selected.filter((t) => t !== type), type] : props.selected.filter((t) => t !== type));
  return (
    <fieldset class="field events" aria-describedby={props.errors ? 'events-hint events-error' : 'events-hint'}>
      <legend>Events</legend>
      <p id="events-hint" class="hint">
        The events this endpoint receives.
      </p>
      <div class="check">
        <input id="events-all" type="checkbox" checked={all} onChange={(e) => toggle(ALL, e.currentTarget.checked)} />
        <label for="events-all">All service events</label>
        <span class="hint">Every type your services emit, types added later included.</span>
      </div>
      {groupsOf(props.eventTypes).map(({ group, types }) => {
        const operational = group === OPERATIONAL_GROUP;
        return (
          <fieldset class="event-group" key={group}>
            <legend>{operational ? 'Operational (sent by Hookline itself; only when picked)' : group}</legend>
            {types.map((option) => {
              const id = `event-${option.type.replace(/[^A-Za-z0-9]/g, '-')}`;
              const covered = all && !option.operational;
              return (
                <div class="check" key={option.type}>
                  <input
                    id={id}
                    type="checkbox"
                    checked={covered || props.selected.includes(option.type)}
                    disabled={covered}
                    onChange={(e) => toggle(option.type, e.currentTarget.checked)}
                    aria-describedby={`${id}-description`}
                  />
                  <label for={id}>
                    <code>{option.type}</code>
                  </label>
                  <span id={`${id}-description`} class="hint">
                    {option.description}
                  </span>
                </div>
              );
            })}
          </fieldset>
        );
      })}
      <FieldError field="events" messages={props.errors} />
    </fieldset>
  );
}

function HeadersEditor(props: {
  rows: HeaderRow[];
  onChange: (rows: HeaderRow[]) => void;
  errors?: string[];
  byName: Record<string, string[]>;
}) {
  const update = (key: number, patch: Partial<HeaderRow>) =>
    props.onChange(props.rows.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  return (
    <fieldset class="field headers" aria-describedby={props.errors ? 'headers-hint headers-error' : 'headers-hint'}>
      <legend>
        Custom headers <span class="optional">(optional)</span>
      </legend>
      <p id="headers-hint" class="hint">
        Sent with every delivery, for example a token your endpoint expects.
      </p>
      {props.rows.map((r, index) => {
        const problems = props.byName[r.name.trim().toLowerCase()];
        const errorId = `header-${r.key}-error`;
        return (
          <div class="header-row" key={r.key}>
            <div class="field">
              <label for={`header-${r.key}-name`}>Header {index + 1} name</label>
              <input
                id={`header-${r.key}-name`}
                type="text"
                class="mono"
                autoComplete="off"
                spellcheck={false}
                value={r.name}
                onInput={(e) => update(r.key, { name: e.currentTarget.value })}
                aria-invalid={problems ? 'true' : undefined}
                aria-describedby={problems ? errorId : undefined}
              />
            </div>
            <div class="field">
              <label for={`header-${r.key}-value`}>Header {index + 1} value</label>
              <input
                id={`header-${r.key}-value`}
                type="text"
                class="mono"
                autoComplete="off"
                spellcheck={false}
                value={r.value}
                onInput={(e) => update(r.key, { value: e.currentTarget.value })}
              />
            </div>
            <button
              type="button"
              class="secondary"
              onClick={() => props.onChange(props.rows.filter((other) => other.key !== r.key))}
            >
              Remove<span class="visually-hidden"> header {index + 1}</span>
            </button>
            {problems && (
              <p id={errorId} class="field-error">
                {problems.join('; ')}
              </p>
            )}
          </div>
        );
      })}
      <button id="headers-add" type="button" class="secondary" onClick={() => props.onChange([...props.rows, row()])}>
        Add header
      </button>
      <FieldError field="headers" messages={props.errors} />
    </fieldset>
  );
}

function headersOf(rows: HeaderRow[]): Record<string, string> {
  return Object.fromEntries(rows.filter((r) => r.name.trim() !== '').map((r) => [r.name.trim(), r.value]));
}

function bodyOf(state: FormState, features: api.Features): api.CreateWebhookRequest {
  return {
    url: state.url.trim(),
    events: state.events,
    ...(state.secretMode === 'own' ? { secret: state.secret.trim() } : {}),
    ...(state.description.trim() ? { description: state.description.trim() } : {}),
    ...(state.headers.some((r) => r.name.trim() !== '') ? { headers: headersOf(state.headers) } : {}),
    ...(features.retrySchedule ? { retrySchedule: state.retrySchedule } : {}),
  };
}

/** Only what changed: a PATCH of fields left alone would race with edits made elsewhere. */
function changesOf(webhook: api.WebhookView, state: FormState, features: api.Features): api.UpdateWebhookRequest {
  const changes: api.UpdateWebhookRequest = {};
  const url = state.url.trim();
  if (url !== webhook.url) changes.url = url;
  if ([...state.events].sort().join() !== [...webhook.events].sort().join()) changes.events = state.events;
  if (state.description.trim() !== webhook.description) changes.description = state.description.trim();
  const headers = headersOf(state.headers);
  if (JSON.stringify(headers) !== JSON.stringify(webhook.headers)) changes.headers = headers;
  if (state.enabled !== webhook.enabled) changes.enabled = state.enabled;
  if (features.retrySchedule && state.retrySchedule !== (webhook.retrySchedule ?? 'standard')) {
    changes.retrySchedule = state.retrySchedule;
  }
  return changes;
}

/** After creating: the secret, shown once here, and where to go next. */
function Created({ webhook }: { webhook: api.NewWebhook }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useLayoutEffect(() => heading.current?.focus(), []);
  return (
    <section class="panel success" aria-labelledby="created-title">
      <h2 id="created-title" tabIndex={-1} ref={heading}>
        Webhook created
      </h2>
      <p>
        Hookline now sends the events you picked to <span class="url">{webhook.url}</span>.
      </p>
      <CopyField label="Signing secret" value={webhook.secret} />
      <p class="hint">
        Keep it with your endpoint to verify the <code>webhook-signature</code> header. You can reveal it again or
        rotate it from the webhook's page.
      </p>
      <div class="actions">
        <a class="button primary" href={href.webhook(webhook.id)}>
          Go to the webhook
        </a>
        <a class="button secondary" href={href.webhooks()}>
          Back to webhooks
        </a>
      </div>
    </section>
  );
}
