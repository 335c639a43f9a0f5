import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import { decodeUtf8 as decode, encodeUtf8 as encode } from '../shared/temporal-sdk';
import { temporal } from '@temporalio/proto';
import { DECRYPTION_FAILURE, DecryptionError, openBytes, sealBytes } from './field-cipher';
import { KeyringError, type EncryptionKeyring } from './keyring';

/** The `encoding` metadata of an encrypted payload, as in Temporal's samples for every SDK. */
export const ENCRYPTED_ENCODING = 'binary/encrypted';

/** Metadata naming the key that encrypted a payload, so that older keys still decrypt after a rotation. */
export const METADATA_ENCRYPTION_KEY_ID = 'encryption-key-id';

const ProtoPayload = temporal.api.common.v1.Payload;

/**
 * A Temporal payload codec that encrypts every payload with AES-256-GCM, so workflow histories hold no
 * event data in the clear.
 *
 * Encoding serialises the whole payload, metadata included, and encrypts it under the keyring's primary
 * key: the stored payload shows only `encoding: binary/encrypted` and the key id, and its data is
 * `iv | tag | ciphertext`. Decoding decrypts payloads of that encoding with the key they name and passes
 * every other payload through untouched, so histories written before encryption was turned on still read.
 *
 * Codecs run in the worker's and the client's main thread, never in the workflow sandbox.
 */
export class EncryptionCodec implements PayloadCodec {
  readonly #keyring: EncryptionKeyring;
  readonly #primaryKey: Buffer;
  readonly #primaryKeyIdBytes: Uint8Array;

  constructor(keyring: EncryptionKeyring) {
    const primaryKey = keyring.keys.get(keyring.primaryKeyId);
    if (!primaryKey) {
      throw new KeyringError(`The keyring's primary key "${keyring.primaryKeyId}" is not among its keys`);
    }
    this.#keyring = keyring;
    this.#primaryKey = primaryKey;
    this.#primaryKeyIdBytes = encode(keyring.primaryKeyId);
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => ({
      metadata: {
        [METADATA_ENCODING_KEY]: encode(ENCRYPTED_ENCODING),
        [METADATA_ENCRYPTION_KEY_ID]: this.#primaryKeyIdBytes,
      },
      data: sealBytes(this.#primaryKey, ProtoPayload.encode(payload).finish()),
    }));
  }

  /** @throws DecryptionError when an encrypted payload names an unknown key or does not authenticate. */
  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => (isEncryptedPayload(payload) ? this.#decrypt(payload) : payload));
  }

  #decrypt(payload: Payload): Payload {
    const keyIdBytes = payload.metadata?.[METADATA_ENCRYPTION_KEY_ID];
    if (!keyIdBytes) {
      throw new DecryptionError(
        `An encrypted payload has no ${METADATA_ENCRYPTION_KEY_ID} metadata`,
        DECRYPTION_FAILURE.MALFORMED,
        undefined,
      );
    }
    const keyId = decode(keyIdBytes);
    const key = this.#keyring.keys.get(keyId);
    if (!key) {
      throw new DecryptionError(
        `A payload was encrypted with key "${keyId}", which is not in the keyring`,
        DECRYPTION_FAILURE.UNKNOWN_KEY,
        keyId,
      );
    }
    const plaintext = openBytes(key, payload.data ?? new Uint8Array());
    if (!plaintext) {
      throw new DecryptionError(
        `A payload does not authenticate under key "${keyId}": it was altered or encrypted with another key`,
        DECRYPTION_FAILURE.NOT_AUTHENTIC,
        keyId,
      );
    }
    try {
      return toPlainPayload(ProtoPayload.decode(plaintext));
    } catch {
      // Only reachable with bytes that authenticated, that is, written by a holder of the key.
      throw new DecryptionError(
        `A payload under key "${keyId}" decrypted to bytes that are not a payload`,
        DECRYPTION_FAILURE.MALFORMED,
        keyId,
      );
    }
  }
}

function isEncryptedPayload(payload: Payload): boolean {
  const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
  return encoding !== undefined && encoding !== null && decode(encoding) === ENCRYPTED_ENCODING;
}

/**
 * A plain object of plain Uint8Arrays, as the SDK's payload converters make, instead of the protobuf
 * message (defaults on its prototype) of Buffers: the payload then compares, spreads and serialises like
 * the one that was encoded.
 */
function toPlainPayload(message: temporal.api.common.v1.Payload): Payload {
  const metadata = Object.fromEntries(Object.entries(message.metadata).map(([key, value]) => [key, bytes(value)]));
  const payload: Payload = { metadata, data: bytes(message.data) };
  if (message.externalPayloads.length > 0) payload.externalPayloads = message.externalPayloads;
  return payload;
}

/** A Uint8Array view of the same memory: no copy. */
function bytes(value: Uint8Array): Uint8Array {
  return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
}
