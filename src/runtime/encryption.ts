import { createHmac } from 'node:crypto';
import type { DataConverter } from '@temporalio/common';
import type { Logger } from 'pino';
import { createFieldCipher, type FieldCipher } from '../security/field-cipher';
import { loadOrCreateKeyFile } from '../security/key-file';
import type { EncryptionKeyring } from '../security/keyring';
import { EncryptionCodec } from '../security/payload-codec';
import type { Config } from '../shared/config';

/** Everything a process encrypts with, from one keyring. */
export interface Encryption {
  keyring: EncryptionKeyring;
  /** Seals webhook secrets and header values in the database. */
  cipher: FieldCipher;
  /** For every Temporal client and worker: event data never reaches Temporal in the clear. */
  dataConverter: DataConverter;
  codec: EncryptionCodec;
  /**
   * The secret path segment of the codec endpoint (`/codec/<token>`), derived from the primary key so
   * that every process with the keyring agrees on it without another secret to distribute.
   */
  codecToken: string;
}

/**
 * The keyring from `HOOKLINE_ENCRYPTION_KEYS`, else from the key file in the data directory, which the
 * first start creates (mode 0600). Processes on different machines must share the setting instead.
 */
export function setUpEncryption(config: Config, logger: Logger): Encryption {
  let keyring = config.encryption.keyring;
  if (!keyring) {
    const loaded = loadOrCreateKeyFile(config.dataDir);
    if (loaded.created) logger.info({ file: loaded.file }, 'Created an encryption key (mode 0600); back it up');
    keyring = loaded.keyring;
  }
  return fromKeyring(keyring);
}

export function fromKeyring(keyring: EncryptionKeyring): Encryption {
  const primary = keyring.keys.get(keyring.primaryKeyId);
  if (!primary) throw new Error(`The primary key ${keyring.primaryKeyId} is missing from the keyring`);
  const codecToken = createHmac('sha256', primary).update('hookline codec endpoint').digest('base64url');
  const codec = new EncryptionCodec(keyring);
  return { keyring, cipher: createFieldCipher(keyring), dataConverter: { payloadCodecs: [codec] }, codec, codecToken };
}
