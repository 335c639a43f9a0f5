import { randomBytes } from 'node:crypto';

/** AES-256 keys: 32 bytes. */
export const KEY_BYTES = 32;

/**
 * Key ids are stored beside every ciphertext (`enc:v1:<keyId>:…`, Temporal payload metadata), so they are
 * short and free of the `:` and `,` that separate the formats they appear in.
 */
export const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

const BAD_KEY_ID = 'key id must be 1 to 32 of the characters A-Z a-z 0-9 _ -';

/**
 * The keys Hookline encrypts with. The primary key encrypts everything new; the others remain only so
 * that values written before a rotation still decrypt.
 */
export interface EncryptionKeyring {
  readonly primaryKeyId: string;
  /** Key id to its 32-byte key; the primary key is one of them. */
  readonly keys: ReadonlyMap<string, Buffer>;
}

/** A keyring that cannot be used. The message names the entry and the reason, never key material. */
export class KeyringError extends Error {
  constructor(
    message: string,
    /** Position of the offending entry, the primary being 0; undefined when the keyring as a whole is wrong. */
    readonly entryIndex?: number,
  ) {
    super(message);
    this.name = 'KeyringError';
  }
}

/**
 * Builds a keyring from `[keyId, key]` pairs, the first being the primary. The keys are copied, so later
 * changes to the caller's buffers do not change the keyring.
 */
export function createKeyring(entries: Iterable<readonly [keyId: string, key: Uint8Array]>): EncryptionKeyring {
  const keys = new Map<string, Buffer>();
  let index = 0;
  for (const [keyId, key] of entries) {
    // An id that fails the pattern may be key material pasted in the wrong place: it is not echoed.
    if (!KEY_ID_PATTERN.test(keyId)) throw entryError(index, BAD_KEY_ID);
    if (keys.has(keyId)) throw entryError(index, `key id "${keyId}" appears twice`);
    if (key.length !== KEY_BYTES) {
      throw entryError(index, `key "${keyId}" must be ${KEY_BYTES} bytes, got ${key.length}`);
    }
    keys.set(keyId, Buffer.from(key));
    index += 1;
  }
  const [primaryKeyId] = keys.keys();
  if (primaryKeyId === undefined) throw new KeyringError('Invalid encryption keyring: it holds no keys');
  return Object.freeze({ primaryKeyId, keys });
}

/**
 * Parses `<keyId>:<base64 key>` entries separated by commas, such as `k2:…,k1:…`. The first entry is the
 * primary key; whitespace around entries is ignored, so the value may come from a file with a trailing
 * newline.
 *
 * @throws KeyringError naming the first bad entry by its index.
 */
export function parseKeyring(value: string): EncryptionKeyring {
  const trimmed = value.trim();
  if (trimmed === '') throw new KeyringError('Invalid encryption keyring: it holds no keys');
  const entries = trimmed.split(',').map((entry, index): [string, Buffer] => {
    const text = entry.trim();
    if (text === '') throw entryError(index, 'entry is empty');
    const colon = text.indexOf(':');
    if (colon === -1) throw entryError(index, 'expected <keyId>:<base64 key>');
    const keyId = text.slice(0, colon);
    if (!KEY_ID_PATTERN.test(keyId)) throw entryError(index, BAD_KEY_ID);
    const encoded = text.slice(colon + 1);
    const key = Buffer.from(encoded, 'base64');
    // Buffer.from skips characters that are not base64; a key that does not survive the round trip was
    // mistyped or truncated, and would silently be a different key.
    if (key.toString('base64') !== encoded) throw entryError(index, `key "${keyId}" is not canonical base64`);
    return [keyId, key];
  });
  return createKeyring(entries);
}

/** The inverse of {@link parseKeyring}: the primary key first, then the others in keyring order. */
export function formatKeyring(keyring: EncryptionKeyring): string {
  return orderedEntries(keyring)
    .map(([keyId, key]) => `${keyId}:${key.toString('base64')}`)
    .join(',');
}

/**
 * A new key id such as `k20260115_9f3a1c`: the creation date tells operators which key is older, the random
 * suffix keeps two keys made on one day apart.
 */
export function generateKeyId(now: Date = new Date()): string {
  const day = now.toISOString().slice(0, 10).replaceAll('-', '');
  return `k${day}_${randomBytes(3).toString('hex')}`;
}

/** A new random AES-256 key. */
export function generateKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

/**
 * A keyring with a new primary key in front of all the existing keys, which remain for decryption.
 *
 * @param keyId defaults to {@link generateKeyId}.
 * @param key defaults to {@link generateKey}.
 */
export function addPrimaryKey(
  keyring: EncryptionKeyring,
  keyId: string = generateKeyId(),
  key: Uint8Array = generateKey(),
): EncryptionKeyring {
  return createKeyring([[keyId, key], ...orderedEntries(keyring)]);
}

/** The primary entry first: a keyring built by hand may list its keys in any order. */
function orderedEntries(keyring: EncryptionKeyring): [string, Buffer][] {
  const primary = keyring.keys.get(keyring.primaryKeyId);
  if (!primary) throw new KeyringError(`Invalid encryption keyring: primary key "${keyring.primaryKeyId}" is missing`);
  const rest = [...keyring.keys].filter(([keyId]) => keyId !== keyring.primaryKeyId);
  return [[keyring.primaryKeyId, primary], ...rest];
}

function entryError(index: number, reason: string): KeyringError {
  return new KeyringError(`Invalid encryption keyring: entry ${index}: ${reason}`, index);
}
