import { describe, expect, it } from 'vitest';
import {
  createFieldCipher,
  DECRYPTION_FAILURE,
  DecryptionError,
  type FieldCipher,
} from '../../src/security/field-cipher';
import { addPrimaryKey, createKeyring, generateKey } from '../../src/security/keyring';

const keyring = createKeyring([['k1', generateKey()]]);
const SECRET = 'whsec_c2VjcmV0LXZhbHVlLXRoYXQtbXVzdC1ub3QtbGVhaw==';
const CONTEXT = 'webhooks.secret:wh_123';

function decryptionErrorOf(cipher: FieldCipher, stored: string, context = CONTEXT): DecryptionError {
  try {
    cipher.decrypt(stored, context);
  } catch (err) {
    if (err instanceof DecryptionError) return err;
    throw err;
  }
  throw new Error('decrypt accepted the value');
}

/** Replaces one character of the base64url data, keeping it valid base64url. */
function tamper(stored: string, position: number): string {
  const chars = [...stored];
  const index = stored.lastIndexOf(':') + 1 + position;
  chars[index] = chars[index] === 'A' ? 'B' : 'A';
  return chars.join('');
}

describe('createFieldCipher', () => {
  it('round-trips a value in the enc:v1:<keyId>:<base64url> format', () => {
    const cipher = createFieldCipher(keyring);
    const stored = cipher.encrypt(SECRET, CONTEXT);
    expect(stored).toMatch(/^enc:v1:k1:[A-Za-z0-9_-]+$/);
    expect(stored).not.toContain(SECRET);
    expect(cipher.decrypt(stored, CONTEXT)).toBe(SECRET);
  });

  it('round-trips empty and non-ASCII values', () => {
    const cipher = createFieldCipher(keyring);
    for (const value of ['', 'Zoë Ångström – 借款 🏦']) {
      expect(cipher.decrypt(cipher.encrypt(value, CONTEXT), CONTEXT)).toBe(value);
    }
  });

  it('gives the same plaintext a different ciphertext each time', () => {
    const cipher = createFieldCipher(keyring);
    expect(cipher.encrypt(SECRET, CONTEXT)).not.toBe(cipher.encrypt(SECRET, CONTEXT));
  });

  it('refuses a value copied into another row or column', () => {
    const cipher = createFieldCipher(keyring);
    const stored = cipher.encrypt(SECRET, CONTEXT);
    for (const other of ['webhooks.secret:wh_124', 'webhooks.headers:wh_123']) {
      const error = decryptionErrorOf(cipher, stored, other);
      expect(error.reason).toBe(DECRYPTION_FAILURE.NOT_AUTHENTIC);
      expect(error.keyId).toBe('k1');
    }
  });

  it('refuses a value with any changed character, without plaintext in the message', () => {
    const cipher = createFieldCipher(keyring);
    const stored = cipher.encrypt(SECRET, CONTEXT);
    const dataLength = stored.length - stored.lastIndexOf(':') - 1;
    for (const position of [0, 14, 20, 40, dataLength - 1]) {
      const error = decryptionErrorOf(cipher, tamper(stored, position));
      expect([DECRYPTION_FAILURE.NOT_AUTHENTIC, DECRYPTION_FAILURE.MALFORMED]).toContain(error.reason);
      expect(error.message).not.toContain(SECRET);
    }
    expect(decryptionErrorOf(cipher, stored.slice(0, -4)).message).not.toContain(SECRET);
  });

  it('refuses a value whose data is too short to hold an IV and a tag', () => {
    const cipher = createFieldCipher(keyring);
    expect(decryptionErrorOf(cipher, 'enc:v1:k1:AAAA').reason).toBe(DECRYPTION_FAILURE.NOT_AUTHENTIC);
  });

  it('refuses values with the prefix but not the format', () => {
    const cipher = createFieldCipher(keyring);
    for (const stored of ['enc:', 'enc:v2:k1:AAAA', 'enc:v1:k1:', 'enc:v1:k1:not base64!', 'enc:v1::AAAA']) {
      const error = decryptionErrorOf(cipher, stored);
      expect(error.reason).toBe(DECRYPTION_FAILURE.MALFORMED);
      expect(error.keyId).toBeUndefined();
    }
  });

  it('names the key id of a value under a key the keyring does not hold', () => {
    const stored = createFieldCipher(createKeyring([['retired', generateKey()]])).encrypt(SECRET, CONTEXT);
    const error = decryptionErrorOf(createFieldCipher(keyring), stored);
    expect(error.reason).toBe(DECRYPTION_FAILURE.UNKNOWN_KEY);
    expect(error.keyId).toBe('retired');
    expect(error.message).toContain('"retired"');
    expect(error.message).toContain(CONTEXT);
  });

  it('returns legacy plaintext unchanged and reports that it needs encrypting', () => {
    const cipher = createFieldCipher(keyring);
    expect(cipher.isEncrypted(SECRET)).toBe(false);
    expect(cipher.decrypt(SECRET, CONTEXT)).toBe(SECRET);
    expect(cipher.needsReencryption(SECRET)).toBe(true);
  });

  it('refuses plaintext when told not to accept it any more', () => {
    const cipher = createFieldCipher(keyring, { acceptPlaintext: false });
    expect(decryptionErrorOf(cipher, SECRET).reason).toBe(DECRYPTION_FAILURE.PLAINTEXT);
    expect(cipher.decrypt(cipher.encrypt(SECRET, CONTEXT), CONTEXT)).toBe(SECRET);
  });

  it('decrypts values under an old key after a rotation and reports them for re-encryption', () => {
    const before = createFieldCipher(keyring);
    const stored = before.encrypt(SECRET, CONTEXT);
    expect(before.needsReencryption(stored)).toBe(false);

    const after = createFieldCipher(addPrimaryKey(keyring, 'k2'));
    expect(after.decrypt(stored, CONTEXT)).toBe(SECRET);
    expect(after.needsReencryption(stored)).toBe(true);

    const reencrypted = after.encrypt(after.decrypt(stored, CONTEXT), CONTEXT);
    expect(reencrypted).toMatch(/^enc:v1:k2:/);
    expect(after.needsReencryption(reencrypted)).toBe(false);
  });

  it('tells encrypted values from plaintext by the enc: prefix', () => {
    const cipher = createFieldCipher(keyring);
    expect(cipher.isEncrypted(cipher.encrypt(SECRET, CONTEXT))).toBe(true);
    expect(cipher.isEncrypted('Bearer abc')).toBe(false);
  });

  it('refuses an empty context, which would bind the value to nothing', () => {
    const cipher = createFieldCipher(keyring);
    expect(() => cipher.encrypt(SECRET, '')).toThrow(/context/);
    expect(() => cipher.decrypt('enc:v1:k1:AAAA', '')).toThrow(/context/);
  });
});
