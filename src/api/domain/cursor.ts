import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { EncryptionKeyring } from '../../security/keyring';
import { ValidationError } from './errors';

/**
 * Signs cursors, so that a cursor only ever carries what this API put in it. A delivery cursor holds
 * Temporal's own page token, which Temporal answers, when forged, with an opaque error only after the
 * SDK's retries: unsigned, a made-up cursor would cost seconds and a 503.
 */
export interface CursorSigner {
  /** Opaque, URL-safe pagination cursors: callers pass back what they were given, nothing else. */
  encode(value: unknown): string;
  /** The value of a cursor made by {@link encode} with the same key; anything else is a 400 on `cursor`. */
  decode<T>(cursor: string, isValid: (value: unknown) => value is T): T;
}

/** Separates the cursor key from every other use of the keyring's keys. */
const DERIVATION_LABEL = 'hookline page cursors v1';
/** 128 bits of HMAC-SHA256: plenty against guessing, and a short cursor. */
const SIGNATURE_BYTES = 16;

const FOREIGN_CURSOR =
  'is not one this API made, or was made before a restart or a key rotation: start from the first page';

/**
 * Cursors signed under a key derived from the keyring's primary key: every API process holding the
 * keyring (several behind one load balancer) accepts the cursors of the others. A rotation of the
 * primary key ends the cursors made before it, which answer 400 and start again.
 */
export function keyringCursorSigner(keyring: EncryptionKeyring): CursorSigner {
  const primary = keyring.keys.get(keyring.primaryKeyId);
  if (!primary) throw new Error(`The primary key ${keyring.primaryKeyId} is missing from the keyring`);
  return createCursorSigner(createHmac('sha256', primary).update(DERIVATION_LABEL).digest());
}

/** Cursors that only this process accepts, for an API given no keyring; a restart ends them. */
export const processCursorSigner: CursorSigner = createCursorSigner(randomBytes(32));

function createCursorSigner(key: Buffer): CursorSigner {
  const sign = (payload: string) => createHmac('sha256', key).update(payload).digest().subarray(0, SIGNATURE_BYTES);
  return {
    encode(value) {
      const payload = Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
      return `${payload}.${sign(payload).toString('base64url')}`;
    },
    decode<T>(cursor: string, isValid: (value: unknown) => value is T): T {
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
    },
  };
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
  options: { limit: number; cursor?: string; cursors?: CursorSigner },
  list: (query: { limit: number; afterId?: string }) => Promise<Row[]>,
  toView: (row: Row) => View,
): Promise<{ data: View[]; nextCursor: string | null }> {
  const cursors = options.cursors ?? processCursorSigner;
  const afterId = options.cursor === undefined ? undefined : cursors.decode(options.cursor, isAfterIdCursor).after;
  const rows = await list({ limit: options.limit + 1, afterId });
  const page = rows.slice(0, options.limit);
  const last = page.at(-1);
  return {
    data: page.map(toView),
    nextCursor: rows.length > options.limit && last ? cursors.encode({ after: last.id } satisfies AfterIdCursor) : null,
  };
}
