import { describe, expect, it } from 'vitest';
import { keyringCursorSigner, processCursorSigner } from '../../../src/api/domain/cursor';
import { ValidationError } from '../../../src/api/domain/errors';
import { addPrimaryKey, createKeyring, generateKey } from '../../../src/security/keyring';

const isPage = (value: unknown): value is { after: string } =>
  typeof value === 'object' && value !== null && typeof (value as { after?: unknown }).after === 'string';

describe('page cursors', () => {
  const keyring = createKeyring([['k1', generateKey()]]);

  it('are accepted by every signer made from the same keyring, as API processes behind one address are', () => {
    const cursor = keyringCursorSigner(keyring).encode({ after: 'wh_1' });
    expect(keyringCursorSigner(keyring).decode(cursor, isPage)).toEqual({ after: 'wh_1' });
  });

  it('are refused with a 400 on `cursor` under another keyring, after a rotation, by a process key, or altered', () => {
    const cursor = keyringCursorSigner(keyring).encode({ after: 'wh_1' });
    const [payload, signature] = cursor.split('.');
    const forged = `${Buffer.from(JSON.stringify({ after: 'wh_9' })).toString('base64url')}.${signature}`;
    const refusals = [
      () => keyringCursorSigner(createKeyring([['k1', generateKey()]])).decode(cursor, isPage),
      () => keyringCursorSigner(addPrimaryKey(keyring, 'k2', generateKey())).decode(cursor, isPage),
      () => processCursorSigner.decode(cursor, isPage),
      () => keyringCursorSigner(keyring).decode(forged, isPage),
      () => keyringCursorSigner(keyring).decode(`${payload}.${signature}.x`, isPage),
    ];
    for (const refusal of refusals) {
      const error = (() => {
        try {
          refusal();
        } catch (err) {
          return err;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(ValidationError);
      expect(error).toMatchObject({ source: 'query', fields: [expect.objectContaining({ field: 'cursor' })] });
    }
  });
});
