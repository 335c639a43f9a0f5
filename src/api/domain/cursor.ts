import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { ValidationError } from './errors';

/**
 * Signs cursors, so that a cursor only ever carries what this API put in it. A delivery cursor holds
 * Temporal's own page token, which Temporal answers, when forged, with an opaque error only after the
 * SDK's retries: unsigned, a made-up cursor would cost seconds and a 503. The key lives as long as the
 * process: a cursor from before a restart is refused with a 400 that says to start again. (Several API
 * processes behind one address would need one key between them, for example derived from the keyring.)
 */
const CURSOR_KEY = randomBytes(32);
/** 128 bits of HMAC-SHA256: plenty against guessing, and a short cursor. */
const SIGNATURE_BYTES = 16;

const sign = (payload: string) =>
  createHmac('sha256', CURSOR_KEY).update(payload).digest().subarray(0, SIGNATURE_BYTES);

const FOREIGN_CURSOR = 'is not one this API made, or is from before it restarted: start from the first page';

/** Opaque, URL-safe pagination cursors: callers pass back what they were given, nothing else. */
export function encodeCursor(value: unknown): string {
  const payload = Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
  return `${payload}.${sign(payload).toString('base64url')}`;
}

/** The value of a cursor made by {@link encodeCursor} in this process; anything else is a 400 on `cursor`. */
export function decodeCursor<T>(cursor: string, isValid: (value: unknown) => value is T): T {
  const [payload = '', signature = '', extra] = cursor.split('.');
  const given = Buffer.from(signature, 'base64url');
  const expected = sign(payload);
  if (extra === undefined && given.length === expected.length && timingSafeEqual(given, expected)) {
    try {
      const value: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      if (isValid(value)) return value;
    } catch {
      // Reported below like any other foreign cursor.
    }
  }
  throw new ValidationError([{ field: 'cursor', message: FOREIGN_CURSOR }], 'query');
}

interface AfterIdCursor {
  after: string;
}

const isAfterIdCursor = (value: unknown): value is AfterIdCursor =>
  typeof value === 'object' && value !== null && typeof (value as AfterIdCursor).after === 'string';

/**
 * One page of rows in id order, read by `list` after the cursor's id: one row more than asked tells
 * whether another page follows.
 */
export async function pageAfterId<Row extends { id: string }, View>(
  options: { limit: number; cursor?: string },
  list: (query: { limit: number; afterId?: string }) => Promise<Row[]>,
  toView: (row: Row) => View,
): Promise<{ data: View[]; nextCursor: string | null }> {
  const afterId = options.cursor === undefined ? undefined : decodeCursor(options.cursor, isAfterIdCursor).after;
  const rows = await list({ limit: options.limit + 1, afterId });
  const page = rows.slice(0, options.limit);
  const last = page.at(-1);
  return {
    data: page.map(toView),
    nextCursor: rows.length > options.limit && last ? encodeCursor({ after: last.id } satisfies AfterIdCursor) : null,
  };
}
