import { defaultPayloadConverter, METADATA_ENCODING_KEY, type Payload } from '@temporalio/common';
import { decodeUtf8 as decode, encodeUtf8 as encode } from '../../src/shared/temporal-sdk';
import { decodeFromPayloadsAtIndex, encodeToPayloads, loadDataConverter } from '../../src/shared/temporal-sdk';
import { describe, expect, it } from 'vitest';
import { DECRYPTION_FAILURE, DecryptionError } from '../../src/security/field-cipher';
import { addPrimaryKey, createKeyring, generateKey } from '../../src/security/keyring';
import { ENCRYPTED_ENCODING, EncryptionCodec, METADATA_ENCRYPTION_KEY_ID } from '../../src/security/payload-codec';

const MARKER = 'PII-MARKER-123';
const keyring = createKeyring([['k1', generateKey()]]);

/** Whether `needle` occurs anywhere in the payload's bytes: its data or any metadata key or value. */
function containsBytes(payload: Payload, needle: string): boolean {
  const haystacks = [
    payload.data ?? new Uint8Array(),
    ...Object.entries(payload.metadata ?? {}).flatMap(([key, value]) => [encode(key), value]),
  ];
  return haystacks.some((bytes) => Buffer.from(bytes).includes(needle));
}

async function decodeError(codec: EncryptionCodec, payload: Payload): Promise<DecryptionError> {
  const error: unknown = await codec.decode([payload]).then(
    () => undefined,
    (err: unknown) => err,
  );
  if (error instanceof DecryptionError) return error;
  throw new Error(`decode did not fail with a DecryptionError: ${String(error)}`);
}

describe('EncryptionCodec', () => {
  it('hides a converted value entirely and decodes it back to the original payload', async () => {
    const codec = new EncryptionCodec(keyring);
    const original = defaultPayloadConverter.toPayload({ marker: MARKER, email: 'ada@example.com' });
    expect(containsBytes(original, MARKER)).toBe(true);

    const [encoded] = await codec.encode([original]);
    if (!encoded) throw new Error('encode returned no payload');
    expect(containsBytes(encoded, MARKER)).toBe(false);
    // The original encoding, json/plain, is inside the ciphertext too.
    expect(containsBytes(encoded, 'json/plain')).toBe(false);
    expect(Object.keys(encoded.metadata ?? {}).sort()).toEqual([METADATA_ENCODING_KEY, METADATA_ENCRYPTION_KEY_ID]);
    expect(decode(encoded.metadata?.[METADATA_ENCODING_KEY] ?? new Uint8Array())).toBe(ENCRYPTED_ENCODING);
    expect(decode(encoded.metadata?.[METADATA_ENCRYPTION_KEY_ID] ?? new Uint8Array())).toBe('k1');

    const decoded = await codec.decode([encoded]);
    expect(decoded).toEqual([original]);
    expect(defaultPayloadConverter.fromPayload(decoded[0] ?? {})).toEqual({ marker: MARKER, email: 'ada@example.com' });
  });

  it('round-trips values through the SDK data converter path with the codec installed', async () => {
    // What the client and the worker build from `dataConverter: { payloadCodecs: [codec] }`.
    const converter = loadDataConverter({ payloadCodecs: [new EncryptionCodec(keyring)] });
    const values = [{ marker: MARKER }, 'statement.pdf', null, 42];
    const payloads = (await encodeToPayloads(converter, ...values)) ?? [];
    expect(payloads).toHaveLength(values.length);
    for (const payload of payloads) expect(containsBytes(payload, MARKER)).toBe(false);
    for (const [index, value] of values.entries()) {
      expect(await decodeFromPayloadsAtIndex(converter, index, payloads)).toEqual(value);
    }
  });

  it('encrypts equal payloads differently each time', async () => {
    const codec = new EncryptionCodec(keyring);
    const payload = defaultPayloadConverter.toPayload({ marker: MARKER });
    const [a, b] = await codec.encode([payload, payload]);
    expect(Buffer.from(a?.data ?? []).equals(Buffer.from(b?.data ?? []))).toBe(false);
  });

  it('passes payloads that are not encrypted through decode unchanged', async () => {
    const codec = new EncryptionCodec(keyring);
    const plain = defaultPayloadConverter.toPayload({ marker: MARKER });
    const empty: Payload = {};
    const decoded = await codec.decode([plain, empty]);
    expect(decoded[0]).toBe(plain);
    expect(decoded[1]).toBe(empty);
  });

  it('decodes payloads under an old key after a new primary key is added', async () => {
    const original = defaultPayloadConverter.toPayload({ marker: MARKER });
    const [old] = await new EncryptionCodec(keyring).encode([original]);
    if (!old) throw new Error('encode returned no payload');

    const rotated = new EncryptionCodec(addPrimaryKey(keyring, 'k2'));
    expect(await rotated.decode([old])).toEqual([original]);
    const [fresh] = await rotated.encode([original]);
    expect(decode(fresh?.metadata?.[METADATA_ENCRYPTION_KEY_ID] ?? new Uint8Array())).toBe('k2');
  });

  it('names the key id of a payload under a key the keyring does not hold', async () => {
    const other = new EncryptionCodec(createKeyring([['retired', generateKey()]]));
    const [encoded] = await other.encode([defaultPayloadConverter.toPayload({ marker: MARKER })]);
    if (!encoded) throw new Error('encode returned no payload');
    const error = await decodeError(new EncryptionCodec(keyring), encoded);
    expect(error.reason).toBe(DECRYPTION_FAILURE.UNKNOWN_KEY);
    expect(error.keyId).toBe('retired');
    expect(error.message).toContain('"retired"');
  });

  it('refuses a payload whose data was altered', async () => {
    const codec = new EncryptionCodec(keyring);
    const [encoded] = await codec.encode([defaultPayloadConverter.toPayload({ marker: MARKER })]);
    if (!encoded?.data) throw new Error('encode returned no data');
    const data = Buffer.from(encoded.data);
    data.writeUInt8(data.readUInt8(data.length - 1) ^ 0x01, data.length - 1);
    const error = await decodeError(codec, { ...encoded, data });
    expect(error.reason).toBe(DECRYPTION_FAILURE.NOT_AUTHENTIC);
    expect(error.message).not.toContain(MARKER);
  });

  it('refuses an encrypted payload without a key id or without data', async () => {
    const codec = new EncryptionCodec(keyring);
    const [encoded] = await codec.encode([defaultPayloadConverter.toPayload({ marker: MARKER })]);
    if (!encoded) throw new Error('encode returned no payload');
    const withoutKeyId = { ...encoded, metadata: { [METADATA_ENCODING_KEY]: encode(ENCRYPTED_ENCODING) } };
    expect((await decodeError(codec, withoutKeyId)).reason).toBe(DECRYPTION_FAILURE.MALFORMED);
    expect((await decodeError(codec, { metadata: encoded.metadata })).reason).toBe(DECRYPTION_FAILURE.NOT_AUTHENTIC);
  });
});
