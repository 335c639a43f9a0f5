import http from 'node:http';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { type Agent, request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ALLOWED_NETWORKS_ENV,
  BLOCKED_DESTINATION_CODE,
  BlockedDestinationError,
  InvalidAllowedNetworkError,
  checkAddress,
  checkDestination,
  createGuardedAgent,
  describeBlocked,
  parseAllowedNetworks,
  type Resolver,
} from '../../src/security/network-guard';
import { DNS, HOSTILE, INTERNAL_ANSWERS, PUBLIC, PUBLIC_V4, tableResolver } from '../support/hostile-urls';

const resolve = tableResolver(DNS);
const publicOnly = { allowedNetworks: parseAllowedNetworks(undefined), resolve };

describe('checkDestination', () => {
  it.each(HOSTILE)('refuses $url as $reason', async ({ url, reason }) => {
    expect(await checkDestination(url, publicOnly)).toMatchObject({ allowed: false, reason });
  });

  it.each(PUBLIC)('lets %s through', async (url) => {
    expect(await checkDestination(url, publicOnly)).toEqual({ allowed: true });
  });

  it.each([
    'http://2130706433/',
    'http://0177.0.0.1/',
    'http://0x7f.1/',
    'http://0x7f000001/',
    'http://127.1/',
    'http://0177.0.0.0x1/',
    'http://127.0.0.1./',
  ])('relies on the URL parser turning %s into 127.0.0.1', (url) => {
    expect(new URL(url).hostname).toBe('127.0.0.1');
  });

  it('refuses a name when any one of its addresses is internal', async () => {
    const result = await checkDestination('https://mixed.example/', publicOnly);
    expect(result).toEqual({
      allowed: false,
      reason: 'private',
      message: 'mixed.example resolves to a non-public address (private)',
    });
  });

  it.each(Object.entries(INTERNAL_ANSWERS))('never reveals what %s resolved to', async (hostname, answers) => {
    const result = await checkDestination(`https://${hostname}/`, publicOnly);
    if (result.allowed) throw new Error(`${hostname} should have been refused`);
    expect(result.message).toBe(`${hostname} resolves to a non-public address (${result.reason})`);
    const rest = result.message.slice(hostname.length);
    for (const answer of answers) expect(rest).not.toContain(answer);
  });

  it('tells the tenant to put credentials in a header instead of the URL', async () => {
    const result = await checkDestination('https://user:secret@public.example/', publicOnly);
    expect(result).toMatchObject({ allowed: false, message: expect.stringContaining('custom header') });
  });

  it('asks the resolver only for names, never for IP literals or localhost', async () => {
    const spy = tableResolver(DNS);
    const options = { allowedNetworks: [], resolve: spy };
    await checkDestination('http://127.0.0.1/', options);
    await checkDestination('http://[::1]/', options);
    await checkDestination('http://localhost./', options);
    await checkDestination('https://public.example/', options);
    expect(spy.calls).toEqual(['public.example']);
  });
});

describe('the allow list', () => {
  const loopbackAllowed = { allowedNetworks: parseAllowedNetworks('127.0.0.0/8,::1/128'), resolve };

  it.each([
    'http://127.0.0.1:1234/',
    'http://127.8.9.10/',
    'http://[::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://localhost:3000/',
    'http://127.0.0.1.nip.io/',
  ])('lets %s through when loopback is allowed', async (url) => {
    expect(await checkDestination(url, loopbackAllowed)).toEqual({ allowed: true });
  });

  it.each([
    ['http://10.0.0.1/', 'private'],
    ['http://169.254.169.254/', 'cloud metadata'],
    ['http://[::2]/', 'ipv4-compatible'],
    ['http://mixed.example/', 'private'],
  ])('still refuses %s when only loopback is allowed', async (url, reason) => {
    expect(await checkDestination(url, loopbackAllowed)).toMatchObject({ allowed: false, reason });
  });

  it('treats a bare address as a network of one', () => {
    const allowed = parseAllowedNetworks('10.0.0.5, fd00::5');
    expect(checkAddress('10.0.0.5', allowed)).toEqual({ allowed: true });
    expect(checkAddress('10.0.0.6', allowed)).toEqual({ allowed: false, reason: 'private' });
    expect(checkAddress('fd00::5', allowed)).toEqual({ allowed: true });
    expect(checkAddress('fd00::6', allowed)).toEqual({ allowed: false, reason: 'unique local' });
  });

  it('reads an IPv4-mapped network as the IPv4 network it stands for', () => {
    const allowed = parseAllowedNetworks('::ffff:10.0.0.0/104');
    expect(checkAddress('10.1.2.3', allowed)).toEqual({ allowed: true });
    expect(checkAddress('::ffff:10.1.2.3', allowed)).toEqual({ allowed: true });
    expect(checkAddress('10.255.0.1', allowed)).toEqual({ allowed: true });
    expect(checkAddress('172.16.0.1', allowed)).toEqual({ allowed: false, reason: 'private' });
  });

  it('does not carry an allowed IPv4 network over to NAT64 or 6to4 addresses', () => {
    const allowed = parseAllowedNetworks('10.0.0.0/8');
    expect(checkAddress('64:ff9b::a00:1', allowed)).toEqual({ allowed: false, reason: 'private' });
    expect(checkAddress('2002:a00:1::', allowed)).toEqual({ allowed: false, reason: 'private' });
  });
});

describe('parseAllowedNetworks', () => {
  it('reads comma-separated CIDRs and bare addresses, ignoring whitespace and empty entries', () => {
    const networks = parseAllowedNetworks(' 10.0.0.0/8 ,192.168.1.5,, fd00::/8 ,\t::1 ,');
    expect(networks.map((network) => network.source)).toEqual(['10.0.0.0/8', '192.168.1.5', 'fd00::/8', '::1']);
    expect(networks.map((network) => network.range[1])).toEqual([8, 32, 8, 128]);
  });

  it.each([undefined, '', '  ', ','])('allows nothing for %j', (value) => {
    expect(parseAllowedNetworks(value)).toEqual([]);
  });

  it.each([
    'nonsense',
    '10.0.0.0/33',
    '::1/129',
    '10.1/8',
    '0x0a.0.0.0/8',
    '10.0.0.0/',
    '10.0.0.0/8/8',
    'fe80::1%eth0',
  ])('rejects %s with an error naming the entry and the variable', (entry) => {
    let error: unknown;
    try {
      parseAllowedNetworks(`127.0.0.0/8, ${entry}`);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(InvalidAllowedNetworkError);
    expect((error as InvalidAllowedNetworkError).entry).toBe(entry);
    expect((error as Error).message).toContain(`"${entry}"`);
    expect((error as Error).message).toContain(ALLOWED_NETWORKS_ENV);
  });

  it('returns a frozen list', () => {
    const networks = parseAllowedNetworks('10.0.0.0/8');
    expect(Object.isFrozen(networks)).toBe(true);
    expect(Object.isFrozen(networks[0])).toBe(true);
  });
});

describe('checkAddress', () => {
  it.each([
    ['93.184.216.34', { allowed: true }],
    ['2606:4700::1111', { allowed: true }],
    ['168.63.129.16', { allowed: false, reason: 'cloud metadata' }],
    ['fe80::1%eth0', { allowed: false, reason: 'link-local' }],
    ['192.88.99.1', { allowed: false, reason: 'reserved' }],
    ['0x7f.1', { allowed: false, reason: 'invalid address' }],
    ['127.1', { allowed: false, reason: 'invalid address' }],
    ['example.com', { allowed: false, reason: 'invalid address' }],
    ['', { allowed: false, reason: 'invalid address' }],
  ])('judges %s as %j', (address, expected) => {
    expect(checkAddress(address, [])).toEqual(expected);
  });
});

describe('describeBlocked', () => {
  const blocked = new BlockedDestinationError('internal.example', 'private', 'blocked');

  it('finds the blocked error itself and inside a chain of causes', () => {
    expect(describeBlocked(blocked)).toBe(blocked);
    const wrapped = new Error('activity failed', { cause: new Error('fetch failed', { cause: blocked }) });
    expect(describeBlocked(wrapped)).toBe(blocked);
  });

  it('looks no deeper than five causes', () => {
    const wrap = (cause: unknown, times: number): unknown =>
      times === 0 ? cause : wrap(new Error(`level ${times}`, { cause }), times - 1);
    expect(describeBlocked(wrap(blocked, 5))).toBe(blocked);
    expect(describeBlocked(wrap(blocked, 6))).toBeUndefined();
  });

  it('returns undefined for other errors, non-errors and cycles', () => {
    const cyclic = new Error('cyclic') as Error & { cause?: unknown };
    cyclic.cause = cyclic;
    expect(describeBlocked(new Error('ECONNREFUSED'))).toBeUndefined();
    expect(describeBlocked('a string')).toBeUndefined();
    expect(describeBlocked(undefined)).toBeUndefined();
    expect(describeBlocked(cyclic)).toBeUndefined();
  });

  it('exposes a stable code, the hostname and the reason', () => {
    expect(blocked).toMatchObject({
      name: 'BlockedDestinationError',
      code: BLOCKED_DESTINATION_CODE,
      hostname: 'internal.example',
      reason: 'private',
    });
  });
});

describe('createGuardedAgent', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
  });

  async function startListener(reply: (res: http.ServerResponse) => void = (res) => res.end('ok')) {
    const received: http.IncomingMessage[] = [];
    const server = http.createServer((req, res) => {
      received.push(req);
      reply(res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    return { port: (server.address() as AddressInfo).port, received };
  }

  function guardedAgent(options: Parameters<typeof createGuardedAgent>[0]): Agent {
    const agent = createGuardedAgent(options);
    cleanups.push(() => agent.close());
    return agent;
  }

  /** Answers publicly for the first lookup (the validation) and with loopback ever after (the delivery). */
  function rebindingResolver(): Resolver & { calls: string[] } {
    const calls: string[] = [];
    const rebind = async (hostname: string) => {
      calls.push(hostname);
      return [{ address: calls.length === 1 ? PUBLIC_V4 : '127.0.0.1', family: 4 }];
    };
    return Object.assign(rebind, { calls });
  }

  async function failureOf(promise: Promise<unknown>): Promise<unknown> {
    try {
      await promise;
    } catch (err) {
      return err;
    }
    throw new Error('expected the request to fail');
  }

  it('refuses at connect time a name that was public when validated and rebinds to loopback', async () => {
    const listener = await startListener();
    const rebind = rebindingResolver();
    const url = `http://rebind.example:${listener.port}/hook`;

    expect(await checkDestination(url, { allowedNetworks: [], resolve: rebind })).toEqual({ allowed: true });
    const dispatcher = guardedAgent({ allowedNetworks: [], resolve: rebind });
    const error = await failureOf(request(url, { method: 'POST', body: '{}', dispatcher }));

    const blocked = describeBlocked(error);
    expect(blocked).toBeInstanceOf(BlockedDestinationError);
    expect(blocked).toMatchObject({ code: BLOCKED_DESTINATION_CODE, hostname: 'rebind.example', reason: 'loopback' });
    expect(blocked?.message).toBe(
      'Refused to connect to rebind.example: it resolves to a non-public address (loopback)',
    );
    expect(rebind.calls).toEqual(['rebind.example', 'rebind.example']);
    expect(listener.received).toHaveLength(0);
  });

  it('connects to the address it checked when the allow list covers it', async () => {
    const listener = await startListener();
    const rebind = rebindingResolver();
    const url = `http://rebind.example:${listener.port}/hook`;
    const allowedNetworks = parseAllowedNetworks('127.0.0.0/8');

    expect(await checkDestination(url, { allowedNetworks, resolve: rebind })).toEqual({ allowed: true });
    const dispatcher = guardedAgent({ allowedNetworks, resolve: rebind });
    const response = await request(url, { method: 'POST', body: '{}', dispatcher });

    expect(response.statusCode).toBe(200);
    expect(await response.body.text()).toBe('ok');
    expect(listener.received).toHaveLength(1);
    expect(listener.received[0]?.headers.host).toBe(`rebind.example:${listener.port}`);
  });

  it('refuses an IP literal at connect time, although Node would not look it up', async () => {
    const listener = await startListener();
    const spy = tableResolver({});
    const dispatcher = guardedAgent({ allowedNetworks: [], resolve: spy });

    const error = await failureOf(request(`http://127.0.0.1:${listener.port}/`, { dispatcher }));

    expect(describeBlocked(error)).toMatchObject({ hostname: '127.0.0.1', reason: 'loopback' });
    expect(spy.calls).toEqual([]);
    expect(listener.received).toHaveLength(0);
  });

  it('refuses at connect time a name with one public and one internal address', async () => {
    const listener = await startListener();
    const resolveMixed = tableResolver({ 'mixed.example': [PUBLIC_V4, '127.0.0.1'] });
    const dispatcher = guardedAgent({ allowedNetworks: [], resolve: resolveMixed });

    const error = await failureOf(request(`http://mixed.example:${listener.port}/`, { dispatcher }));

    expect(describeBlocked(error)).toMatchObject({ hostname: 'mixed.example', reason: 'loopback' });
    expect(listener.received).toHaveLength(0);
  });

  it('passes a failed lookup on as an ordinary, retryable connection error', async () => {
    const dispatcher = guardedAgent({ allowedNetworks: [], resolve: tableResolver({}) });

    const error = await failureOf(request('http://gone.example/', { dispatcher }));

    expect(describeBlocked(error)).toBeUndefined();
    expect(error).toMatchObject({ code: 'ENOTFOUND' });
  });

  it('leaves redirects unfollowed', async () => {
    const listener = await startListener((res) => {
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
    });
    const dispatcher = guardedAgent({
      allowedNetworks: parseAllowedNetworks('127.0.0.0/8'),
      resolve: tableResolver({ 'redirect.example': ['127.0.0.1'] }),
    });

    const response = await request(`http://redirect.example:${listener.port}/`, { method: 'POST', dispatcher });
    await response.body.dump();

    expect(response.statusCode).toBe(302);
    expect(listener.received).toHaveLength(1);
  });

  it('presents the original hostname for TLS while connecting to the checked address', async () => {
    const servernames: (string | undefined)[] = [];
    // No certificate is needed: the server records the name the client asked for and ends the handshake.
    const server = tls.createServer({
      SNICallback: (servername, done) => {
        servernames.push(servername);
        done(new Error('no certificate in this test'), undefined);
      },
    });
    server.on('tlsClientError', () => {});
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const { port } = server.address() as AddressInfo;
    const dispatcher = guardedAgent({
      allowedNetworks: parseAllowedNetworks('127.0.0.1'),
      resolve: tableResolver({ 'tls.example': ['127.0.0.1'] }),
    });

    await failureOf(request(`https://tls.example:${port}/`, { dispatcher }));

    expect(servernames).toEqual(['tls.example']);
  });
});
