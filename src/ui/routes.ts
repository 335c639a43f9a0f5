/** The page's places, kept in the URL fragment so that the server serves one document for all of them. */
export type Route =
  | { name: 'webhooks' }
  | { name: 'create' }
  | { name: 'webhook'; id: string }
  | { name: 'edit'; id: string }
  | { name: 'event'; id: string; redeliveryId?: string; webhookId?: string }
  | { name: 'log' }
  | { name: 'not-found' };

export const href = {
  webhooks: () => '#/',
  create: () => '#/new',
  webhook: (id: string) => `#/webhooks/${encodeURIComponent(id)}`,
  edit: (id: string) => `#/webhooks/${encodeURIComponent(id)}/edit`,
  event: (id: string, options: { redeliveryId?: string | null; webhookId?: string } = {}) =>
    `#/events/${encodeURIComponent(id)}` +
    (options.redeliveryId ? `/redeliveries/${encodeURIComponent(options.redeliveryId)}` : '') +
    (options.webhookId ? `?webhook=${encodeURIComponent(options.webhookId)}` : ''),
  log: () => '#/log',
};

export function parseRoute(hash: string): Route {
  const [path = '', search = ''] = hash.replace(/^#/, '').split('?');
  const parts = path
    .split('/')
    .filter(Boolean)
    .map((part) => decodeURIComponent(part));
  const webhookId = new URLSearchParams(search).get('webhook') ?? undefined;
  const [first, second, third, fourth] = parts;
  if (parts.length === 0) return { name: 'webhooks' };
  if (first === 'new' && parts.length === 1) return { name: 'create' };
  if (first === 'log' && parts.length === 1) return { name: 'log' };
  if (first === 'webhooks' && second) {
    if (parts.length === 2) return { name: 'webhook', id: second };
    if (third === 'edit' && parts.length === 3) return { name: 'edit', id: second };
  }
  if (first === 'events' && second) {
    if (parts.length === 2) return { name: 'event', id: second, webhookId };
    if (third === 'redeliveries' && fourth && parts.length === 4) {
      return { name: 'event', id: second, redeliveryId: fourth, webhookId };
    }
  }
  return { name: 'not-found' };
}
