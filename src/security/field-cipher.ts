import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { KeyringError, type EncryptionKeyring } from './keyring';

const ALGORITHM = 'aes-256-gcm';
/** 96-bit IVs: the size GCM is specified for; other sizes are hashed into one. */
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Marks a stored value as ciphertext; anything else is legacy plaintext. */
export const ENCRYPTED_PREFIX = 'enc:';

/** The current format version; a later version would change the layout under the same prefix. */
const FORMAT_PREFIX = `${ENCRYPTED_PREFIX}v1:`;

const STORED_PATTERN = /^enc:v1:([A-Za-z0-9_-]{1,32}):([A-Za-z0-9_-]+)$/;

/** Why a value could not be decrypted. */
export const DECRYPTION_FAILURE = {
  /** The value names a key id that the keyring does not hold. */
  UNKNOWN_KEY: 'unknown-key',
  /** The value has the encrypted prefix but not the layout of a known format version. */
  MALFORMED: 'malformed',
  /** Authentication failed: the value was altered, belongs to another context, or the key is wrong. */
  NOT_AUTHENTIC: 'not-authentic',
  /** The value is plaintext and the cipher was told not to accept plaintext. */
  PLAINTEXT: 'plaintext',
} as const;

export type DecryptionFailure = (typeof DECRYPTION_FAILURE)[keyof typeof DECRYPTION_FAILURE];

/** A stored value could not be decrypted. The message never contains plaintext or ciphertext. */
export class DecryptionError extends Error {
  constructor(
    message: string,
    readonly reason: DecryptionFailure,
    /** The key id the value names, when it names one. */
    readonly keyId: string | undefined,
  ) {
    super(message);
    this.name = 'DecryptionError';
  }
}

/** Options of {@link createFieldCipher}. */
export interface FieldCipherOptions {
  /**
   * Whether {@link FieldCipher.decrypt} returns values without the `enc:` prefix unchanged. Turn it off once
   * every row has been re-encrypted: until then, anyone who can write to the database can also replace a
   * ciphertext with a plaintext of their choosing.
   *
   * @default true
   */
  acceptPlaintext?: boolean;
}

/**
 * Encrypts single database values, such as a webhook secret or a custom header value, into strings of the
 * form `enc:v1:<keyId>:<base64url(iv | tag | ciphertext)>`.
 *
 * Every call takes a `context`, such as `webhooks.secret:wh_123`, that is authenticated with the value:
 * a ciphertext copied into another column or row fails to decrypt instead of passing for that row's value.
 */
export interface FieldCipher {
  /** Encrypts under the keyring's primary key with a fresh random IV, so equal plaintexts differ. */
  encrypt(plaintext: string, context: string): string;
  /**
   * Decrypts a value from {@link encrypt} with the same context. A value without the `enc:` prefix is
   * legacy plaintext, written before encryption was introduced: it is returned unchanged (unless
   * {@link FieldCipherOptions.acceptPlaintext} is off) and {@link needsReencryption} reports it.
   *
   * @throws DecryptionError when the key id is unknown, the value is malformed, or it does not
   * authenticate under this context.
   */
  decrypt(stored: string, context: string): string;
  /** Whether the value carries the `enc:` prefix, as opposed to legacy plaintext. */
  isEncrypted(stored: string): boolean;
  /** True for plaintext and for values not under the primary key: the rows a migration should rewrite. */
  needsReencryption(stored: string): boolean;
}

/**
 * A {@link FieldCipher} over the keyring. The keyring's keys are used as they are; reload and recreate the
 * cipher after a rotation.
 */
export function createFieldCipher(keyring: EncryptionKeyring, options: FieldCipherOptions = {}): FieldCipher {
  const acceptPlaintext = options.acceptPlaintext ?? true;
  const primaryKey = keyring.keys.get(keyring.primaryKeyId);
  if (!primaryKey) throw new KeyringError(`The keyring's primary key "${keyring.primaryKeyId}" is not among its keys`);

  const isEncrypted = (stored: string) => stored.startsWith(ENCRYPTED_PREFIX);

  return {
    encrypt(plaintext, context) {
      requireContext(context);
      const sealed = sealBytes(primaryKey, Buffer.from(plaintext, 'utf8'), Buffer.from(context, 'utf8'));
      return `${FORMAT_PREFIX}${keyring.primaryKeyId}:${sealed.toString('base64url')}`;
    },

    decrypt(stored, context) {
      requireContext(context);
      if (!isEncrypted(stored)) {
        if (acceptPlaintext) return stored;
        throw new DecryptionError(
          `The value of ${context} is not encrypted, and plaintext is not accepted`,
          DECRYPTION_FAILURE.PLAINTEXT,
          undefined,
        );
      }
      const match = STORED_PATTERN.exec(stored);
      const keyId = match?.[1];
      const encoded = match?.[2];
      if (keyId === undefined || encoded === undefined || !isCanonicalBase64url(encoded)) {
        throw new DecryptionError(
          `The value of ${context} is not in the ${FORMAT_PREFIX}<keyId>:<data> format`,
          DECRYPTION_FAILURE.MALFORMED,
          undefined,
        );
      }
      const key = keyring.keys.get(keyId);
      if (!key) {
        throw new DecryptionError(
          `The value of ${context} was encrypted with key "${keyId}", which is not in the keyring`,
          DECRYPTION_FAILURE.UNKNOWN_KEY,
          keyId,
        );
      }
      const plaintext = openBytes(key, Buffer.from(encoded, 'base64url'), Buffer.from(context, 'utf8'));
      if (!plaintext) {
        throw new DecryptionError(
          `The value of ${context} does not authenticate under key "${keyId}": it was altered or belongs to another field`,
          DECRYPTION_FAILURE.NOT_AUTHENTIC,
          keyId,
        );
      }
      return plaintext.toString('utf8');
    },

    isEncrypted,

    needsReencryption(stored) {
      return STORED_PATTERN.exec(stored)?.[1] !== keyring.primaryKeyId;
    },
  };
}

/**
 * AES-256-GCM under `key` with a fresh random IV; returns `iv | tag | ciphertext`, the layout shared by
 * the field cipher and the Temporal payload codec.
 *
 * Random 96-bit IVs are safe for about 2^32 encryptions under one key; rotating the primary key keeps
 * every key far below that.
 */
export function sealBytes(key: Buffer, plaintext: Uint8Array, additionalData?: Uint8Array): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  if (additionalData) cipher.setAAD(additionalData);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]);
}

/**
 * The inverse of {@link sealBytes}: the plaintext, or undefined when `sealed` is too short or does not
 * authenticate under `key` and `additionalData`. Callers raise their own error, naming what they opened.
 */
export function openBytes(key: Buffer, sealed: Uint8Array, additionalData?: Uint8Array): Buffer | undefined {
  if (sealed.length < IV_BYTES + TAG_BYTES) return undefined;
  const iv = sealed.subarray(0, IV_BYTES);
  const tag = sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES);
  const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  decipher.setAuthTag(tag);
  if (additionalData) decipher.setAAD(additionalData);
  const plaintext = decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES));
  try {
    return Buffer.concat([plaintext, decipher.final()]);
  } catch {
    // update() hands out plaintext before the tag is checked; it is dropped with the failed check.
    return undefined;
  }
}

/**
 * Spare bits set in the last character decode to the same bytes; refusing them means that any change to
 * a stored value makes it fail to decrypt.
 */
function isCanonicalBase64url(encoded: string): boolean {
  return Buffer.from(encoded, 'base64url').toString('base64url') === encoded;
}

/** An empty context would bind nothing, letting a value move between any two fields that also pass ''. */
function requireContext(context: string): void {
  if (context === '') throw new TypeError('The encryption context must not be empty');
}
