import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import * as api from './api';
import { ErrorMessage, Loading, messageOf, useLoad } from './components';
import { EventPage } from './event-page';
import type { Context } from './context';
import { href, parseRoute, type Route } from './routes';
import { WebhookForm } from './webhook-form';
import { WebhookPage } from './webhook-page';
import { WebhookList } from './webhook-list';
import { WorkspaceLog } from './delivery-log';

const PORTAL_FRAGMENT = /^#portal=(.+)$/;
/** What `GET /ui/session` answers without a session cookie. */
const NOT_SIGNED_IN = 'Not signed in';

export function App() {
  const [session, setSession] = useState<api.SessionView>();
  const [checking, setChecking] = useState(true);
  const [notice, setNotice] = useState<string>();

  useEffect(() => {
    api.whenSignedOut((reason) => {
      setSession(undefined);
      setNotice(reason);
    });
    const portal = PORTAL_FRAGMENT.exec(window.location.hash)?.[1];
    // The token leaves the address bar (and history) before anything else happens.
    if (portal) window.history.replaceState(null, '', `${window.location.pathname}${href.webhooks()}`);
    const start = portal ? api.openPortalLink(portal) : api.session();
    start.then(
      (view) => setSession(view),
      (error: unknown) => {
        // Without a cookie there is nothing to say; a session that ended says why.
        const signedOut = error instanceof api.ApiError && error.status === 401 && error.message === NOT_SIGNED_IN;
        if (!signedOut) setNotice(messageOf(error));
      },
    );
    void start.finally(() => setChecking(false)).catch(() => undefined);
  }, []);

  if (checking) {
    return (
      <main id="main">
        <Loading what="your session" />
      </main>
    );
  }
  if (!session) {
    return (
      <SignIn
        notice={notice}
        onSignedIn={(view) => {
          setNotice(undefined);
          setSession(view);
        }}
      />
    );
  }
  return (
    <Shell
      session={session}
      onSignedOut={() => {
        setSession(undefined);
        setNotice('You have signed out.');
      }}
    />
  );
}

function SignIn({ notice, onSignedIn }: { notice?: string; onSignedIn: (view: api.SessionView) => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  useLayoutEffect(() => heading.current?.focus(), []);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      onSignedIn(await api.signIn(key.trim()));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <header class="site-header">
        <span class="brand">Hookline</span>
      </header>
      <main id="main" class="narrow">
        <h1 tabIndex={-1} ref={heading}>
          Webhooks settings
        </h1>
        {notice && (
          <p class="notice" role="status">
            {notice}
          </p>
        )}
        <form onSubmit={(event) => void submit(event)} noValidate>
          <div class="field">
            <label for="api-key">API key</label>
            <input
              id="api-key"
              type="password"
              autoComplete="off"
              spellcheck={false}
              value={key}
              onInput={(event) => setKey(event.currentTarget.value)}
              aria-describedby="api-key-hint"
              aria-invalid={error ? 'true' : undefined}
              required
            />
            <p id="api-key-hint" class="hint">
              A key with the <code>manage</code> scope. It is exchanged for a session cookie for this workspace and not
              kept by the page.
            </p>
          </div>
          <ErrorMessage error={error} />
          <button type="submit" class="primary" disabled={busy || key.trim() === ''}>
            Sign in
          </button>
        </form>
      </main>
    </>
  );
}

function Shell({ session, onSignedOut }: { session: api.SessionView; onSignedOut: () => void }) {
  const [route, setRoute] = useState<Route>(() => parseRoute(window.location.hash));
  const context = useLoad(async (): Promise<Context> => {
    const [features, eventTypes] = await Promise.all([api.features(), api.eventTypes()]);
    return { features, eventTypes };
  }, []);
  const [signOutError, setSignOutError] = useState<unknown>();

  useEffect(() => {
    const onChange = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  // Each view's heading takes the focus, so that keyboard and screen-reader users start at the top; in a
  // layout effect, before the browser hands the page to the user, so it never takes the focus from a
  // field someone has started typing in.
  useLayoutEffect(() => {
    document.getElementById('page-title')?.focus();
  }, [route, context.value !== undefined]);

  const signOut = async () => {
    try {
      await api.signOut();
      onSignedOut();
    } catch (err) {
      setSignOutError(err);
    }
  };

  return (
    <>
      <a class="skip-link" href="#main" onClick={(event) => skipToMain(event)}>
        Skip to content
      </a>
      <header class="site-header">
        <span class="brand">Hookline</span>
        <nav aria-label="Settings">
          <a href={href.webhooks()} aria-current={route.name === 'webhooks' ? 'page' : undefined}>
            Webhooks
          </a>
          {context.value?.features.eventSearch && (
            <a href={href.log()} aria-current={route.name === 'log' ? 'page' : undefined}>
              Delivery log
            </a>
          )}
        </nav>
        <div class="account">
          <span class="workspace" title="Workspace">
            {session.workspace.name}
          </span>
          <button type="button" class="link-button" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <ErrorMessage error={signOutError} />
        {context.error !== undefined && !context.value ? (
          <ErrorMessage error={context.error} />
        ) : !context.value ? (
          <Loading what="the settings" />
        ) : (
          <View route={route} context={context.value} />
        )}
      </main>
    </>
  );
}

function skipToMain(event: Event) {
  event.preventDefault();
  document.getElementById('main')?.focus();
}

function View({ route, context }: { route: Route; context: Context }) {
  switch (route.name) {
    case 'webhooks':
      return <WebhookList context={context} />;
    case 'create':
      return <WebhookForm context={context} />;
    case 'edit':
      return <WebhookForm context={context} webhookId={route.id} key={route.id} />;
    case 'webhook':
      return <WebhookPage context={context} webhookId={route.id} key={route.id} />;
    case 'event':
      return <EventPage route={route} key={`${route.id}/${route.redeliveryId ?? ''}`} />;
    case 'log':
      return <WorkspaceLog context={context} />;
    case 'not-found':
      return (
        <>
          <h1 id="page-title" tabIndex={-1}>
            Not found
          </h1>
          <p>
            There is nothing here. <a href={href.webhooks()}>Back to the webhooks</a>
          </p>
        </>
      );
  }
}
