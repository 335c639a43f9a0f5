import { randomBytes } from 'node:crypto';

/** Sortable-enough, URL-safe ids with a readable prefix: `wh_…`, `ws_…`, `evt_…`. */
export function newId(prefix: string): string {
  const time = Date.now().toString(36).padStart(9, '0');
  return `${prefix}_${time}${randomBytes(8).toString('hex')}`;
}
