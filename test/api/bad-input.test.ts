import { METHODS } from 'node:http';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import fc from 'fast-check';
import { Pool } from 'undici';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { z } from 'zod';
import { apiRoutes } from '../../src/api/app';
import type { ApiRoute } from '../../src/api/route';
import { deliveryWorkflowId } from '../../src/contract/delivery';
import { PROBLEM_CONTENT_TYPE, ProblemSchema } from '../../src/contract/problem';
import { createApiKey, revokeApiKey } from '../../src/db/api-keys';
import { startDevServer } from '../../src/temporal-server/servers';
import { STORES, testEncryption, type TempDatabase } from '../support/fixtures';
import { startReceiver, type Receiver } from '../support/receiver';
import { eventually, newWorkspaceWithKey, startApiStack, type ApiHarness, type ApiStack } from './harness';

// Generated requests that the API must refuse, to every route of the route table (new routes are
// covered as they are added) and to paths that are none. Each must answer 4xx with a problem, none 5xx,
// and none may change the database or start a workflow. The dev server, because the time-skipping one has no
// visibility queries to count workflows with.

/** Requests in flight at once, over keep-alive connections. */
const CONCURRENCY = 8;
/** Requests per route: every one on SQLite; on PostgreSQL a quarter, as the store changes what is written. */
const REQUESTS_PER_ENDPOINT = { sqlite: 480, postgres: 120 } as const;
/** What express.json() accepts (see `MAX_BODY_BYTES`); larger bodies must answer 413. */
const BODY_LIMIT = 256 * 1024;

const routes = apiRoutes(() => ({}));
const allowedOn = new Map<string, string[]>();
for (const route of routes) {
  const methods = route.method === 'get' ? ['GET', 'HEAD'] : [route.method.toUpperCase()];
  allowedOn.set(route.path, [...(allowedOn.get(route.path) ?? []), ...methods]);
}
// CONNECT opens a tunnel rather than asking for a resource; no client sends it to an API.
const METHODS_TO_TRY = METHODS.filter((method) => method !== 'CONNECT');

describe.each(STORES)('generated bad input on %s', (store) => {
  let env: TestWorkflowEnvironment;
  let temp: TempDatabase;
  let api: ApiHarness;
  let stack: ApiStack | undefined;
  let receiver: Receiver | undefined;
  let pool: Pool;
  let sent = 0;
  let firstSentAt = 0;

  /** What the generated requests start from: a caller with every kind of key, and things that exist. */
  interface World {
    keys: { manage: string; emit: string; revoked: string; expired: string };
    /** Values of path parameters that name something of the caller's workspace, by the segment before them. */
    existing: Record<string, string>;
    otherWorkspaceWebhook: string;
  }
  let world: World;

  beforeAll(async () => {
    env = await startDevServer({
      executable: inject('devServerExecutable'),
      dataConverter: testEncryption.dataConverter,
    });
    // Rate limiting stays on, far above what the run sends, so that its path is exercised too.
    stack = await startApiStack(env, { store, settings: { HOOKLINE_RATE_LIMIT_PER_MINUTE: '100000000' } });
    ({ temp, api } = stack);
    receiver = await startReceiver();
    const ws = await newWorkspaceWithKey(temp.db);
    const other = await newWorkspaceWithKey(temp.db);
    const emit = await createApiKey(temp.db, ws.workspaceId, { scope: 'emit' });
    const revoked = await createApiKey(temp.db, ws.workspaceId);
    await revokeApiKey(temp.db, ws.workspaceId, revoked.apiKey.id);
    const expired = await createApiKey(temp.db, ws.workspaceId, { expiresAt: new Date(Date.now() - 60_000) });

    const webhook = await api.request<{ id: string }>('POST', '/v1/webhooks', {
      key: ws.key,
      body: { url: receiver.url, events: ['*'] },
    });
    const foreign = await api.request<{ id: string }>('POST', '/v1/webhooks', {
      key: other.key,
      body: { url: receiver.url, events: ['document.received'] },
    });
    const event = await api.request<{ id: string }>('POST', '/v1/events', {
      key: ws.key,
      body: { type: 'lead.created', data: { leadId: 'lead_1', source: 'api' } },
    });
    await receiver.waitForRequests(1);
    await env.client.workflow.getHandle(deliveryWorkflowId(ws.workspaceId, event.body.id)).result();
    await eventually(async () => (await workflowIds()).length > 0, { what: 'the event in Temporal visibility' });

    world = {
      keys: { manage: ws.key, emit: emit.key, revoked: revoked.key, expired: expired.key },
      existing: {
        webhooks: webhook.body.id,
        events: event.body.id,
        'api-keys': emit.apiKey.id,
        redeliveries: 'rdl_none',
      },
      otherWorkspaceWebhook: foreign.body.id,
    };
    pool = new Pool(api.url, { connections: CONCURRENCY });
    firstSentAt = performance.now();
  });

  afterAll(async () => {
    if (sent > 0) {
      const seconds = ((performance.now() - firstSentAt) / 1000).toFixed(1);
      console.log(`bad-input: ${sent} generated requests to ${routes.length} routes and unknown paths in ${seconds} s`);
    }
    await pool?.close();
    await stack?.stop(receiver ? [receiver] : []);
  });

  async function workflowIds(): Promise<string[]> {
    const { executions } = await env.client.workflowService.listWorkflowExecutions({
      namespace: 'default',
      pageSize: 1000,
    });
    return executions.map((e) => `${e.execution?.workflowId}/${e.execution?.runId}`).sort();
  }

  async function databaseState() {
    const { db } = temp;
    return {
      workspaces: await db.query((q, { workspaces }) => q.select().from(workspaces).orderBy(workspaces.id)),
      webhooks: await db.query((q, { webhooks }) => q.select().from(webhooks).orderBy(webhooks.id)),
      // A key's last use is recorded on every authenticated request, refused ones included: by design.
      apiKeys: (await db.query((q, { apiKeys }) => q.select().from(apiKeys).orderBy(apiKeys.id))).map(
        ({ lastUsedAt: _lastUsedAt, ...key }) => key,
      ),
    };
  }

  /** A request as generated: readable when fast-check prints a counterexample. */
  interface BadRequest {
    method: string;
    params: Record<string, { value: string; encoded: boolean }>;
    query: [string, string][];
    headers: Record<string, string>;
    body?: string | Uint8Array;
    /** What should make the API refuse it. */
    breaks: string[];
  }

  const NASTY = [
    '\u0000',
    '\uD800',
    '\uDFFF',
    'a\uDC00b\uD83D',
    '\u202E\u202Dabc',
    '\u200F\u200E',
    '\u200B',
    '\uFEFF',
    '\r\n',
    '\u2028\u2029',
    '\u0085',
    'é',
    'e\u0301',
    '😀',
    '𝕏',
    '﷽',
    '__proto__',
    'constructor',
    'prototype',
    '../../etc/passwd',
    '%00',
    "' OR 1=1 --",
    '<script>alert(1)</script>',
    '${7*7}',
  ];

  const oddString = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.string({ unit: 'grapheme', maxLength: 20 }),
    fc.constantFrom(...NASTY),
    fc.array(fc.constantFrom(...NASTY), { minLength: 1, maxLength: 5 }).map((parts) => parts.join('')),
  );
  const hugeString = fc
    .tuple(fc.constantFrom('a', 'é', '\u0000', '😀', '\uD800'), fc.integer({ min: 1_000, max: 60_000 }))
    .map(([unit, count]) => unit.repeat(count));
  /** Printable ASCII: what HTTP clients accept in header values. */
  const headerText = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)) });

  const junkValue: fc.Arbitrary<unknown> = fc.oneof(
    oddString,
    { arbitrary: hugeString, weight: 1 },
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(oddString, { maxLength: 5 }),
    fc.dictionary(fc.oneof(oddString, fc.constantFrom('__proto__', 'constructor', 'prototype')), fc.jsonValue(), {
      maxKeys: 5,
    }),
    fc.jsonValue({ maxDepth: 4 }),
  );

  /** A body each route accepts, mutated below; `{}` for routes added later. */
  const SAMPLE_BODIES: Record<string, Record<string, unknown>> = {
    createWebhook: { url: 'https://example.com/hooks', events: ['lead.created'], headers: { 'x-tenant': 'acme' } },
    updateWebhook: { description: 'changed', enabled: false },
    rotateWebhookSecret: { gracePeriodSeconds: 60 },
    testWebhook: { type: 'lead.created' },
    emitEvent: { type: 'lead.created', data: { leadId: 'lead_2', source: 'api', nested: { list: [1, 2] } } },
    redeliverEvent: {},
    createApiKey: { scope: 'emit', name: 'fuzz' },
  };

  /** What the route's own schema refuses, as the server will parse it (after the JSON round trip). */
  function refusedBySchema(route: ApiRoute, text: string | undefined): boolean {
    return !route.request.body!.safeParse(text === undefined ? {} : JSON.parse(text)).success;
  }

  /** Where {@link deepText} goes in a body. */
  const DEEP = '\u0000deep\u0000';

  /** `{"a":{"a":…}}` or `[[…]]`, `levels` deep, built as text: a value this deep overflows JSON.stringify. */
  const deepText = fc
    .tuple(fc.integer({ min: 33, max: 60_000 }), fc.boolean())
    .map(([levels, arrays]) =>
      arrays ? `${'['.repeat(levels)}${']'.repeat(levels)}` : `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`,
    );

  function withKey(sample: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
    const copy = { ...sample };
    // Defined, not assigned: assigning `__proto__` would set the prototype instead of adding a key.
    Object.defineProperty(copy, key, { value, enumerable: true, configurable: true, writable: true });
    return copy;
  }

  /** Paths to every object in a value, the value itself included. */
  function objectPaths(value: unknown, path: string[] = []): string[][] {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
    return [path, ...Object.entries(value).flatMap(([key, inner]) => objectPaths(inner, [...path, key]))];
  }

  /** The sample with `key` added to the object at `path`. */
  function withKeyAt(
    sample: Record<string, unknown>,
    path: string[],
    key: string,
    value: unknown,
  ): Record<string, unknown> {
    const [first, ...rest] = path;
    if (first === undefined) return withKey(sample, key, value);
    return withKey(sample, first, withKeyAt(sample[first] as Record<string, unknown>, rest, key, value));
  }

  /**
   * Bodies the route must refuse. Some by the rules under test here, whatever the schema says: a
   * `__proto__` key, nesting deeper than any field may. The rest are near misses of its sample, junk and
   * no body at all, kept where the route's own schema refuses them.
   */
  function refusedBodies(route: ApiRoute): fc.Arbitrary<string | undefined> {
    const sample = SAMPLE_BODIES[route.operationId] ?? {};
    const keys = [...Object.keys(sample), 'extra', '__proto__', 'constructor', 'prototype'];
    // In a body otherwise valid: only the rule itself stands between these and success.
    const proto = fc
      .tuple(fc.constantFrom(...objectPaths(sample)), fc.oneof(junkValue, fc.constant({ polluted: true })))
      .map(([path, value]) => JSON.stringify(withKeyAt(sample, path, '__proto__', value)));
    const deep = fc
      .tuple(fc.constantFrom(...keys), deepText)
      .map(([key, text]) => JSON.stringify(withKey(sample, key, DEEP)).replace(JSON.stringify(DEEP), text));
    const nested = fc.tuple(fc.constantFrom(...keys), fc.constantFrom('constructor', 'prototype', 'x'), junkValue);
    const nearMisses = fc
      .oneof(
        fc
          .tuple(fc.constantFrom(...keys), junkValue)
          .map(([key, value]) => JSON.stringify(withKey(sample, key, value))),
        nested.map(([key, inner, value]) => JSON.stringify(withKey(sample, key, withKey({}, inner, value)))),
        fc
          .constantFrom(...keys)
          .map((key) => JSON.stringify(Object.fromEntries(Object.entries(sample).filter(([k]) => k !== key)))),
        junkValue.filter((value) => typeof value === 'object' && value !== null).map((value) => JSON.stringify(value)),
        fc.constant(undefined),
      )
      .filter((text) => refusedBySchema(route, text));
    return fc.oneof(proto, deep, { arbitrary: nearMisses, weight: 3 });
  }

  /** What body-parser refuses as JSON: its strict mode takes only an object or an array, after a BOM. */
  function malformedJson(raw: string): boolean {
    const text = raw.replace(/^\uFEFF/, '');
    if (text.length === 0) return false;
    const first = /^[ \t\n\r]*(.)/s.exec(text)?.[1];
    if (first !== '{' && first !== '[') return true;
    try {
      JSON.parse(text);
      return false;
    } catch {
      return true;
    }
  }

  const malformedBodies: fc.Arbitrary<string | Uint8Array> = fc.oneof(
    fc.constantFrom(
      '{"url": ',
      '{',
      '[1,]',
      "{'a': 1}",
      '{"a": 1}}',
      'null',
      '"text"',
      '42',
      'true',
      'NaN',
      ' ',
      '\uFEFF\uFEFF{}',
    ),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 200 }).filter(malformedJson),
    fc
      .json()
      .map((json) => `${json}}`)
      .filter(malformedJson),
    fc
      .uint8Array({ minLength: 1, maxLength: 200 })
      .filter((bytes) => malformedJson(new TextDecoder().decode(bytes)))
      .map((bytes) => Buffer.from(bytes)),
  );

  const nonEmptyBody = fc.oneof(
    fc.json({ maxDepth: 3 }).filter((json) => json.length > 0),
    fc.string({ minLength: 1, maxLength: 200 }),
  );

  type Change = (req: BadRequest) => void;
  const change = (why: string, apply: (req: BadRequest) => void): { why: string; apply: Change } => ({ why, apply });
  type Mutation = ReturnType<typeof change>;

  function setBody(req: BadRequest, contentType: string | undefined, body: string | Uint8Array | undefined): void {
    delete req.headers['content-type'];
    if (contentType !== undefined) req.headers['content-type'] = contentType;
    if (body === undefined) delete req.body;
    else req.body = body;
  }

  /** Changes any one of which makes any request to any path refused. */
  const anyRequestBreaks: fc.Arbitrary<Mutation> = fc.oneof(
    {
      arbitrary: malformedBodies.map((body) =>
        change('malformed JSON', (req) => setBody(req, 'application/json', body)),
      ),
      weight: 3,
    },
    fc
      .tuple(fc.constantFrom('latin1', 'iso-8859-1', 'windows-1252', 'us-ascii', 'koi8-r', 'x-unknown'), nonEmptyBody)
      .map(([charset, body]) =>
        change(`charset ${charset}`, (req) => setBody(req, `application/json; charset=${charset}`, body)),
      ),
    fc.tuple(fc.constantFrom('compress', 'x-custom', 'exi', 'pack200-gzip'), nonEmptyBody).map(([encoding, body]) =>
      change(`content-encoding ${encoding}`, (req) => {
        setBody(req, 'application/json', body);
        req.headers['content-encoding'] = encoding;
      }),
    ),
    {
      arbitrary: fc
        .integer({ min: BODY_LIMIT, max: BODY_LIMIT + 4096 })
        .map((size) =>
          change(`a body of ${size} bytes`, (req) => setBody(req, 'application/json', `{"x":"${'a'.repeat(size)}"}`)),
        ),
      weight: 1,
    },
  );

  /** Percent-encodes every byte but the unreserved ones; lone surrogates go as U+FFFD, as in any client. */
  function percentEncode(text: string): string {
    return [...Buffer.from(text, 'utf8')]
      .map((byte) =>
        /[A-Za-z0-9._~-]/.test(String.fromCharCode(byte))
          ? String.fromCharCode(byte)
          : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`,
      )
      .join('');
  }

  const paramNames = (path: string) => [...path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]!);

  /** The segment before a parameter names what it is: `/v1/webhooks/:id` is a webhook's id. */
  function existingValue(path: string, name: string): string {
    const segments = path.split('/');
    return world.existing[segments[segments.indexOf(`:${name}`) - 1] ?? ''] ?? 'x';
  }

  function routeBreaks(route: ApiRoute): fc.Arbitrary<Mutation> {
    const options: fc.Arbitrary<Mutation>[] = [anyRequestBreaks];
    const allowed = allowedOn.get(route.path) ?? [];
    options.push(
      fc
        .constantFrom(...METHODS_TO_TRY.filter((method) => !allowed.includes(method)))
        .map((method) => change(`method ${method}`, (req) => void (req.method = method))),
    );

    if (route.auth) {
      const authorize = (why: string, headers: Record<string, string>) =>
        change(why, (req) => {
          delete req.headers.authorization;
          delete req.headers['x-api-key'];
          Object.assign(req.headers, headers);
        });
      const keys = [
        fc.constant(authorize('no key', {})),
        headerText.map((key) => authorize('an unknown key', { authorization: `Bearer hk_${key.trim() || 'x'}` })),
        headerText.map((key) => authorize('an unknown x-api-key', { 'x-api-key': `hk_${key}` })),
        fc.constant(authorize('a revoked key', { authorization: `Bearer ${world.keys.revoked}` })),
        fc.constant(authorize('an expired key', { 'x-api-key': world.keys.expired })),
        fc
          .constantFrom('Basic aGs6aGs=', 'Bearer', `Token ${world.keys.manage}`, `Bearer ${world.keys.manage} extra`)
          .map((authorization) => authorize('a malformed authorization', { authorization })),
      ];
      if (route.scope === 'manage') {
        keys.push(fc.constant(authorize('an emit key', { authorization: `Bearer ${world.keys.emit}` })));
      }
      options.push(fc.oneof(...keys));
    }

    const { params, query, body, headers } = route.request;
    for (const name of paramNames(route.path)) {
      const valid = existingValue(route.path, name);
      const refusedByParams = (value: string) =>
        !params?.safeParse({ ...Object.fromEntries(paramNames(route.path).map((n) => [n, 'x'])), [name]: value })
          .success;
      const setParam = (why: string, value: string, encoded = true) =>
        change(`${name}: ${why}`, (req) => void (req.params[name] = { value, encoded }));
      const unknown = fc
        .stringMatching(/^[A-Za-z0-9._~-]{1,128}$/)
        .filter((id) => id !== valid && id !== '.' && id !== '..');
      const foreign =
        name === 'id' && route.path.startsWith('/v1/webhooks/') ? [fc.constant(world.otherWorkspaceWebhook)] : [];
      options.push(
        fc.oneof(
          oddString.filter((value) => value.length > 0 && refusedByParams(value)).map((v) => setParam('invalid', v)),
          fc.integer({ min: 129, max: 3000 }).map((n) => setParam('too long', 'a'.repeat(n))),
          fc.oneof(unknown, ...foreign).map((id) => setParam('unknown', id)),
          fc
            .constantFrom('%', '%E0%A4%A', '%FF', '%C0%AF', '%ZZ')
            .map((raw) => setParam('a broken escape', raw, false)),
        ),
      );
    }

    for (const name of Object.keys((query as z.ZodObject | undefined)?.shape ?? {})) {
      // Cursors are opaque strings to the schema: what makes them refused is that the API did not sign them.
      const refused = (value: string) => name === 'cursor' || !query!.safeParse({ [name]: value }).success;
      const unsigned = fc
        .jsonValue({ maxDepth: 2 })
        .map((v) => Buffer.from(JSON.stringify(v) ?? 'null').toString('base64url'));
      const junk = fc.oneof(
        fc.constantFrom('', '0', '-1', '1.5', 'abc', 'NaN', 'Infinity', '1e400', '٣', 'pending ', 'x'.repeat(2049)),
        fc.integer().map(String),
        oddString,
        unsigned,
        unsigned.map((payload) => `${payload}.${payload.slice(0, 22)}`),
      );
      options.push(
        fc.oneof(
          junk
            .filter(refused)
            .map((value) => change(`${name}=${JSON.stringify(value)}`, (req) => void req.query.push([name, value]))),
          fc
            .tuple(junk, junk)
            .map(([a, b]) => change(`${name} twice`, (req) => void req.query.push([name, a], [name, b]))),
        ),
      );
    }

    for (const name of Object.keys((headers as z.ZodObject | undefined)?.shape ?? {})) {
      options.push(
        fc
          .oneof(
            fc.constant(''),
            fc.integer({ min: 256, max: 4000 }).map((n) => 'k'.repeat(n)),
          )
          .filter((value) => !headers!.safeParse({ [name]: value }).success)
          .map((value) => change(`${name} of ${value.length} characters`, (req) => void (req.headers[name] = value))),
      );
    }

    if (body) {
      options.push(
        refusedBodies(route).map((text) =>
          change('a refused body', (req) => setBody(req, text === undefined ? undefined : 'application/json', text)),
        ),
        fc
          .tuple(
            fc.constantFrom(
              'text/plain',
              'text/json',
              'application/x-www-form-urlencoded',
              'multipart/form-data; boundary=x',
              'application/xml',
              'application/jsonx',
              'application/x-ndjson',
              'application/octet-stream',
            ),
            nonEmptyBody,
          )
          .map(([type, text]) => change(`content-type ${type}`, (req) => setBody(req, type, text))),
        nonEmptyBody.map((text) => change('no content-type', (req) => setBody(req, undefined, text))),
      );
    }
    return fc.oneof(...options);
  }

  /** Changes that must not matter: unknown query parameters and headers. */
  function noise(route: ApiRoute): fc.Arbitrary<Mutation> {
    const known = new Set(Object.keys((route.request.query as z.ZodObject | undefined)?.shape ?? {}));
    return fc.oneof(
      fc
        .tuple(
          oddString.filter((name) => !known.has(name)),
          oddString,
        )
        .map(([name, value]) => change('', (req) => void req.query.push([name, value]))),
      fc
        .tuple(fc.stringMatching(/^[a-z0-9-]{1,20}$/), headerText)
        .map(([name, value]) => change('', (req) => void (req.headers[`x-noise-${name}`] = value))),
    );
  }

  function baseRequest(route: ApiRoute): BadRequest {
    const key = route.scope === 'emit' ? world.keys.emit : world.keys.manage;
    const sample = SAMPLE_BODIES[route.operationId] ?? {};
    return {
      method: route.method.toUpperCase(),
      params: Object.fromEntries(
        paramNames(route.path).map((n) => [n, { value: existingValue(route.path, n), encoded: true }]),
      ),
      query: [],
      headers: {
        ...(route.auth ? { authorization: `Bearer ${key}` } : {}),
        ...(route.request.body ? { 'content-type': 'application/json' } : {}),
      },
      ...(route.request.body ? { body: JSON.stringify(sample) } : {}),
      breaks: [],
    };
  }

  function badRequests(route: ApiRoute): fc.Arbitrary<BadRequest> {
    return fc
      .tuple(fc.array(routeBreaks(route), { minLength: 1, maxLength: 2 }), fc.array(noise(route), { maxLength: 3 }))
      .map(([breaks, extras]) => {
        const req = baseRequest(route);
        for (const { why, apply } of [...breaks, ...extras]) {
          apply(req);
          if (why) req.breaks.push(why);
        }
        return req;
      });
  }

  /** Requests to paths that no route has, under prefixes that no route starts with. */
  const unknownPaths: fc.Arbitrary<BadRequest & { path: string }> = fc
    .tuple(
      fc.constantFrom('/v1/zz-unknown', '/v2', '/zz', '/v1/webhooks/x/y/z', '/v1/events/x/redeliveries/y/z'),
      fc.array(
        oddString.filter((s) => s.length > 0),
        { maxLength: 4 },
      ),
      fc.constantFrom(...METHODS_TO_TRY),
      fc.boolean(),
      fc.option(anyRequestBreaks),
    )
    .map(([prefix, segments, method, keyed, extra]) => {
      const req: BadRequest & { path: string } = {
        method,
        path: [prefix, ...segments.map(percentEncode)].join('/'),
        params: {},
        query: [],
        headers: keyed ? { authorization: `Bearer ${world.keys.manage}` } : {},
        breaks: ['no such path'],
      };
      if (extra) {
        extra.apply(req);
        req.breaks.push(extra.why);
      }
      return req;
    });

  function urlOf(route: ApiRoute | undefined, req: BadRequest & { path?: string }): string {
    const path =
      req.path ??
      route!.path.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => {
        const param = req.params[name]!;
        return param.encoded ? percentEncode(param.value) : param.value;
      });
    const query = req.query.map(([name, value]) => `${percentEncode(name)}=${percentEncode(value)}`).join('&');
    return query ? `${path}?${query}` : path;
  }

  interface Answer {
    status: number;
    contentType: string;
    text: string;
  }

  async function send(url: string, req: BadRequest): Promise<Answer> {
    const res = await pool.request({ method: req.method, path: url, headers: req.headers, body: req.body });
    const text = await res.body.text();
    sent++;
    return { status: res.statusCode, contentType: String(res.headers['content-type'] ?? ''), text };
  }

  /** Why the answer is wrong, or undefined when it is a 4xx problem. */
  function wrongAnswer(req: BadRequest, answer: Answer): string | undefined {
    if (answer.status < 400 || answer.status >= 500) return `answered ${answer.status}`;
    if (!answer.contentType.startsWith(PROBLEM_CONTENT_TYPE))
      return `answered ${answer.status} as ${answer.contentType}`;
    if (req.method === 'HEAD') return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(answer.text);
    } catch {
      return `answered ${answer.status} with a body that is not JSON: ${answer.text.slice(0, 200)}`;
    }
    const problem = ProblemSchema.safeParse(parsed);
    if (!problem.success) return `answered a body that is not a problem: ${answer.text.slice(0, 200)}`;
    if (problem.data.status !== answer.status)
      return `answered ${answer.status} with a problem of status ${problem.data.status}`;
    return undefined;
  }

  async function checkBatch(batch: (BadRequest & { path?: string })[], route?: ApiRoute): Promise<void> {
    const answers = await Promise.all(
      batch.map(async (req) => {
        const url = urlOf(route, req);
        return { req, url, answer: await send(url, req) };
      }),
    );
    const wrong = answers.flatMap(({ req, url, answer }) => {
      const why = wrongAnswer(req, answer);
      return why ? [`${req.method} ${url.slice(0, 300)} (${req.breaks.join(', ')}): ${why}`] : [];
    });
    if (wrong.length > 0) throw new Error(wrong.join('\n'));
  }

  async function expectNothingChanged(run: () => Promise<void>, settleMs: number): Promise<void> {
    const database = await databaseState();
    const workflows = await workflowIds();
    await run();
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    expect(await databaseState()).toEqual(database);
    expect(await workflowIds()).toEqual(workflows);
  }

  describe('generated bad requests', () => {
    it.each(routes.map((route) => [`${route.method.toUpperCase()} ${route.path}`, route] as const))(
      `answers ${REQUESTS_PER_ENDPOINT[store]} to %s with 4xx problems, never 5xx, and changes nothing`,
      async (_name, route) => {
        // Visibility is eventually consistent: give a workflow started by mistake time to show.
        await expectNothingChanged(
          () =>
            fc.assert(
              fc.asyncProperty(
                fc.array(badRequests(route), { minLength: CONCURRENCY, maxLength: CONCURRENCY }),
                (batch) => checkBatch(batch, route),
              ),
              { numRuns: REQUESTS_PER_ENDPOINT[store] / CONCURRENCY },
            ),
          route.temporal ? 500 : 0,
        );
      },
    );

    it(`answers ${REQUESTS_PER_ENDPOINT[store]} to paths no route has with 4xx problems and changes nothing`, async () => {
      await expectNothingChanged(
        () =>
          fc.assert(
            fc.asyncProperty(fc.array(unknownPaths, { minLength: CONCURRENCY, maxLength: CONCURRENCY }), (batch) =>
              checkBatch(batch),
            ),
            { numRuns: REQUESTS_PER_ENDPOINT[store] / CONCURRENCY },
          ),
        0,
      );
    });
  });
});
