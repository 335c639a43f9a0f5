import { describe, expect, it } from 'vitest';
import {
  addPrimaryKey,
  createKeyring,
  formatKeyring,
  generateKey,
  generateKeyId,
  KEY_ID_PATTERN,
  KeyringError,
  parseKeyring,
} from '../../src/security/keyring';

const keyA = Buffer.alloc(32, 0xa1);
const keyB = Buffer.alloc(32, 0xb2);
const entry = (keyId: string, key: Buffer) => `${keyId}:${key.toString('base64')}`;

function keyringErrorOf(value: string): KeyringError {
  try {
    parseKeyring(value);
  } catch (err) {
    if (err instanceof KeyringError) return err;
    throw err;
  }
  throw new Error('parseKeyring accepted the value');
}

describe('parseKeyring', () => {
  it('makes the first entry the primary key and keeps the others for decryption', () => {
    const keyring = parseKeyring(`${entry('k2', keyB)},${entry('k1', keyA)}`);
    expect(keyring.primaryKeyId).toBe('k2');
    expect([...keyring.keys.keys()]).toEqual(['k2', 'k1']);
    expect(keyring.keys.get('k2')).toEqual(keyB);
    expect(keyring.keys.get('k1')).toEqual(keyA);
  });

  it('ignores whitespace around entries, such as the newline at the end of a file', () => {
    const keyring = parseKeyring(` ${entry('k2', keyB)} ,\n ${entry('k1', keyA)}\n`);
    expect([...keyring.keys.keys()]).toEqual(['k2', 'k1']);
  });

  it('names the index of the bad entry and the reason', () => {
    const tooShort = Buffer.alloc(16, 1).toString('base64');
    const cases: [string, number, RegExp][] = [
      [`${entry('k1', keyA)},k2:${tooShort}`, 1, /must be 32 bytes, got 16/],
      [`${entry('k1', keyA)},${entry('k1', keyB)}`, 1, /"k1" appears twice/],
      [`${entry('k1', keyA)},,${entry('k2', keyB)}`, 1, /empty/],
      [`no-colon-here`, 0, /expected <keyId>:<base64 key>/],
      [`bad id:${keyA.toString('base64')}`, 0, /key id must be 1 to 32/],
      [`${'k'.repeat(33)}:${keyA.toString('base64')}`, 0, /key id must be 1 to 32/],
      [`k1:${keyA.toString('base64').slice(0, -2)}!!`, 0, /not canonical base64/],
    ];
    for (const [value, index, reason] of cases) {
      const error = keyringErrorOf(value);
      expect(error.entryIndex).toBe(index);
      expect(error.message).toContain(`entry ${index}:`);
      expect(error.message).toMatch(reason);
    }
  });

  it('never prints key material in its errors', () => {
    const secret = generateKey().toString('base64');
    const values = [`${secret}`, `k1:${secret}x`, `${secret}:${secret}`, `k1:${secret.slice(0, 20)}`];
    for (const value of values) {
      const error = keyringErrorOf(value);
      expect(error.message).not.toContain(secret.slice(0, 12));
    }
  });

  it('refuses an empty value', () => {
    expect(keyringErrorOf('  \n').entryIndex).toBeUndefined();
  });
});

describe('formatKeyring', () => {
  it('is the inverse of parseKeyring', () => {
    const text = `${entry('k2', keyB)},${entry('k1', keyA)}`;
    expect(formatKeyring(parseKeyring(text))).toBe(text);
  });

  it('writes the primary key first even when the map lists it later', () => {
    const keyring = {
      primaryKeyId: 'k2',
      keys: new Map([
        ['k1', keyA],
        ['k2', keyB],
      ]),
    };
    expect(formatKeyring(keyring)).toBe(`${entry('k2', keyB)},${entry('k1', keyA)}`);
  });

  it('refuses a keyring whose primary key is missing', () => {
    expect(() => formatKeyring({ primaryKeyId: 'gone', keys: new Map([['k1', keyA]]) })).toThrow(KeyringError);
  });
});

describe('key generation', () => {
  it('generates distinct valid key ids that start with the date', () => {
    const a = generateKeyId(new Date('2026-01-15T10:00:00Z'));
    const b = generateKeyId(new Date('2026-01-15T10:00:00Z'));
    expect(a).toMatch(/^k20260115_[0-9a-f]{6}$/);
    expect(a).toMatch(KEY_ID_PATTERN);
    expect(a).not.toBe(b);
  });

  it('generates distinct 32-byte keys', () => {
    const a = generateKey();
    expect(a).toHaveLength(32);
    expect(a.equals(generateKey())).toBe(false);
  });

  it('puts a new primary key in front and keeps every old key', () => {
    const keyring = createKeyring([
      ['k2', keyB],
      ['k1', keyA],
    ]);
    const rotated = addPrimaryKey(keyring, 'k3');
    expect(rotated.primaryKeyId).toBe('k3');
    expect([...rotated.keys.keys()]).toEqual(['k3', 'k2', 'k1']);
    expect(rotated.keys.get('k1')).toEqual(keyA);
    expect(keyring.primaryKeyId).toBe('k2');
  });

  it('copies keys, so changing the caller’s buffer does not change the keyring', () => {
    const key = Buffer.from(keyA);
    const keyring = createKeyring([['k1', key]]);
    key.fill(0);
    expect(keyring.keys.get('k1')).toEqual(keyA);
  });
});
