import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProblemSchema } from '../../src/contract/problem';
import { createCodecRouter, type JsonPayload } from '../../src/security/codec-server';
import { createKeyring, generateKey } from '../../src/security/keyring';
import { EncryptionCodec } from '../../src/security/payload-codec';

const TOKEN = 'codec-test-token';
const UI_ORIGIN = 'http://localhost:8233';
const MARKER = 'PII-MARKER-123';

const keyring = createKeyring([['k1', generateKey()]]);
const codec = new EncryptionCodec(keyring);

let server: Server;
let baseUrl: string;

beforeAll(async () => {
  const app = express();
  app.use(
    '/codec',
    createCodecRouter({
      codec,
      authorize: async (req) => req.get('authorization') === `Bearer ${TOKEN}`,
      allowedOrigins: [UI_ORIGIN],
      maxBodyBytes: 64 * 1024,
    }),
  );
  server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/codec`;
});

afterAll(async () => {
  await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
});

function toJson(payload: Payload): JsonPayload {
  return {
    metadata: Object.fromEntries(
      Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value).toString('base64')]),
    ),
    data: Buffer.from(payload.data ?? []).toString('base64'),
  };
}

function post(route: 'encode' | 'decode', body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${baseUrl}/${route}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${TOKEN}`,
      'x-namespace': 'default',
      ...headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function expectProblem(response: Response, status: number, type: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  // The one problem shape of the API, so clients read codec errors like any other.
  const problem = ProblemSchema.parse(await response.json());
  expect(problem).toMatchObject({ type, status });
  return problem;
}

describe('codec server', () => {
  it('encodes payloads so the marker is hidden, then decodes them back', async () => {
    const original = toJson(defaultPayloadConverter.toPayload({ marker: MARKER }));
    const encodeResponse = await post('encode', { payloads: [original] });
    expect(encodeResponse.status).toBe(200);
    const encoded = (await encodeResponse.json()) as { payloads: JsonPayload[] };
    expect(encoded.payloads).toHaveLength(1);
    const [payload] = encoded.payloads;
    expect(Buffer.from(payload?.data ?? '', 'base64').includes(MARKER)).toBe(false);
    expect(Buffer.from(payload?.metadata?.encoding ?? '', 'base64').toString()).toBe('binary/encrypted');

    const decodeResponse = await post('decode', encoded);
    expect(decodeResponse.status).toBe(200);
    expect(decodeResponse.headers.get('cache-control')).toBe('no-store');
    expect(await decodeResponse.json()).toEqual({ payloads: [original] });
  });

  it('decodes several payloads in order and passes unencrypted ones through', async () => {
    const plain = toJson(defaultPayloadConverter.toPayload('not secret'));
    const [encrypted] = await codec.encode([defaultPayloadConverter.toPayload({ marker: MARKER })]);
    const response = await post('decode', { payloads: [plain, toJson(encrypted ?? {}), {}] });
    expect(response.status).toBe(200);
    const { payloads } = (await response.json()) as { payloads: JsonPayload[] };
    expect(payloads[0]).toEqual(plain);
    expect(Buffer.from(payloads[1]?.data ?? '', 'base64').toString()).toBe(JSON.stringify({ marker: MARKER }));
    expect(payloads[2]).toEqual({});
  });

  it('answers 401 problem+json without the expected authorization', async () => {
    const body = { payloads: [] };
    for (const headers of [{ authorization: '' }, { authorization: 'Bearer wrong' }]) {
      const response = await post('decode', body, headers);
      const problem = await expectProblem(response, 401, 'urn:hookline:problem:unauthorized');
      expect(problem.title).toBe('Unauthorized');
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
  });

  it('answers 400 problem+json for bodies that are not the protocol’s JSON', async () => {
    const bodies: unknown[] = [
      'this is not json',
      '{"payloads": [',
      {},
      { payloads: 'none' },
      { payloads: [{ data: 'not base64!' }] },
      { payloads: [{ metadata: { encoding: 42 } }] },
      [1, 2, 3],
    ];
    for (const body of bodies) {
      await expectProblem(await post('decode', body), 400, 'urn:hookline:problem:validation-error');
    }
    const textBody = await post('encode', 'payloads', { 'content-type': 'text/plain' });
    await expectProblem(textBody, 400, 'urn:hookline:problem:validation-error');
  });

  it('answers 400 naming the index of a payload that does not decrypt', async () => {
    const [good, bad] = await codec.encode([
      defaultPayloadConverter.toPayload('fine'),
      defaultPayloadConverter.toPayload({ marker: MARKER }),
    ]);
    const tampered = Buffer.from(bad?.data ?? []);
    tampered.writeUInt8(tampered.readUInt8(tampered.length - 1) ^ 0x01, tampered.length - 1);
    const response = await post('decode', { payloads: [toJson(good ?? {}), toJson({ ...bad, data: tampered })] });
    const problem = await expectProblem(response, 400, 'urn:hookline:problem:validation-error');
    expect(problem.errors).toEqual([{ field: 'payloads.1', message: expect.stringContaining('cannot be decoded') }]);
    expect(problem.detail).not.toContain(MARKER);
  });

  it('answers 400 naming the key id of a payload under an unknown key', async () => {
    const foreign = new EncryptionCodec(createKeyring([['elsewhere', generateKey()]]));
    const [payload] = await foreign.encode([defaultPayloadConverter.toPayload({ marker: MARKER })]);
    const response = await post('decode', { payloads: [toJson(payload ?? {})] });
    const problem = await expectProblem(response, 400, 'urn:hookline:problem:validation-error');
    expect(problem.detail).toContain('payloads.0');
    expect(problem.detail).toContain('"elsewhere"');
  });

  it('answers 413 problem+json for a body over the limit', async () => {
    const response = await post('encode', { payloads: [{ data: 'A'.repeat(128 * 1024) }] });
    await expectProblem(response, 413, 'urn:hookline:problem:payload-too-large');
  });

  it('answers a preflight from an allowed origin with 204 and the CORS headers', async () => {
    const response = await fetch(`${baseUrl}/decode`, {
      method: 'OPTIONS',
      headers: {
        origin: UI_ORIGIN,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, x-namespace, authorization',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    expect(response.headers.get('access-control-allow-credentials')).toBe('true');
    expect(response.headers.get('access-control-allow-methods')).toBe('POST, OPTIONS');
    expect(response.headers.get('access-control-allow-headers')).toBe('Content-Type, X-Namespace, Authorization');
    expect(response.headers.get('vary')).toMatch(/Origin/);
  });

  it('gives a disallowed origin no CORS permission', async () => {
    const preflight = await fetch(`${baseUrl}/encode`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
    expect(preflight.headers.get('vary')).toMatch(/Origin/);

    const post = await fetch(`${baseUrl}/decode`, {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'application/json' },
      body: JSON.stringify({ payloads: [] }),
    });
    expect(post.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('lets the allowed origin read error answers too', async () => {
    const response = await post('decode', { payloads: [] }, { origin: UI_ORIGIN, authorization: '' });
    expect(response.status).toBe(401);
    expect(response.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
  });

  it('passes faults of the codec or of authorize to the app’s error middleware instead of blaming the caller', async () => {
    const app = express();
    const broken = { encode: () => Promise.reject(new Error('KMS unreachable')), decode: () => Promise.resolve([]) };
    app.use('/ok-auth', createCodecRouter({ codec: broken, authorize: () => true, allowedOrigins: [] }));
    app.use(
      '/broken-auth',
      createCodecRouter({ codec, authorize: () => Promise.reject(new Error('db down')), allowedOrigins: [] }),
    );
    const seen: string[] = [];
    app.use(((err, _req, res, _next) => {
      seen.push((err as Error).message);
      res.status(503).json({ seen: (err as Error).message });
    }) as express.ErrorRequestHandler);
    const other = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    try {
      const base = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
      const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"payloads":[{}]}' };
      expect((await fetch(`${base}/ok-auth/encode`, init)).status).toBe(503);
      expect((await fetch(`${base}/broken-auth/decode`, init)).status).toBe(503);
      expect(seen).toEqual(['KMS unreachable', 'db down']);
    } finally {
      await new Promise<void>((resolve) => other.close(() => resolve()));
    }
  });

  it('refuses origins that are not exact origins when the router is created', () => {
    const create = (origin: string) => () =>
      createCodecRouter({ codec, authorize: () => true, allowedOrigins: [origin] });
    expect(create('*')).toThrow(/allowedOrigins\[0\]/);
    expect(create('http://localhost:8233/')).toThrow(/allowedOrigins\[0\]/);
    expect(create('localhost:8233')).toThrow(/allowedOrigins\[0\]/);
    expect(create('https://temporal.example.com')).not.toThrow();
  });
});
