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

const PUBLIC_V4 = '93.184.216.34';
const PUBLIC_V6 = '2606:2800:220:1:248:1893:25c8:1946';

/** What an internal name resolves to: the tenant must never see these in a message. */
const INTERNAL_ANSWERS: Record<string, string[]> = {
  'internal.example': ['10.0.0.5'],
  'mixed.example': [PUBLIC_V4, '192.168.1.10'],
  'metadata.google.internal': ['169.254.169.254'],
  'v6-internal.example': ['fd12:3456::1'],
  'mapped.example': ['::ffff:10.20.30.40'],
  '127.0.0.1.nip.io': ['127.0.0.1'],
};

const DNS: Record<string, string[]> = {
  ...INTERNAL_ANSWERS,
  'public.example': [PUBLIC_V4],
  'dual.example': [PUBLIC_V6, PUBLIC_V4],
  'empty.example': [],
};

/** A resolver over a fixed table, so that no test depends on real DNS. Unknown names fail like getaddrinfo. */
function tableResolver(table: Record<string, string[]>): Resolver & { calls: string[] } {
  const calls: string[] = [];
  const resolve = async (hostname: string) => {
    calls.push(hostname);
    const answers = table[hostname.toLowerCase().replace(/\.$/, '')];
    if (answers === undefined) {
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname });
    }
    return answers.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(resolve, { calls });
}

const resolve = tableResolver(DNS);
const publicOnly = { allowedNetworks: parseAllowedNetworks(undefined), resolve };

const HOSTILE: { url: string; reason: string }[] = [
  { url: 'http://127.0.0.1/', reason: 'loopback' },
  { url: 'http://127.0.0.1:8080/admin', reason: 'loopback' },
  { url: 'http://2130706433/', reason: 'loopback' },
  { url: 'http://0177.0.0.1/', reason: 'loopback' },
  { url: 'http://0x7f.0.0.1/', reason: 'loopback' },
  { url: 'http://0x7f000001/', reason: 'loopback' },
  { url: 'http://017700000001/', reason: 'loopback' },
  { url: 'http://0x7f.1/', reason: 'loopback' },
  { url: 'http://0177.0.0.0x1/', reason: 'loopback' },
  { url: 'http://0x7F.0.0.01/', reason: 'loopback' },
  { url: 'http://127.1/', reason: 'loopback' },
  { url: 'http://127.0.1/', reason: 'loopback' },
  { url: 'http://127.000.000.001/', reason: 'loopback' },
  { url: 'http://127.0.0.1./', reason: 'loopback' },
  { url: 'http://%31%32%37.0.0.1/', reason: 'loopback' },
  { url: 'http://127.255.255.254/', reason: 'loopback' },
  { url: 'http://0/', reason: 'unspecified' },
  { url: 'http://0.0.0.0/', reason: 'unspecified' },
  { url: 'http://0.0.0.0:3000/', reason: 'unspecified' },
  { url: 'http://0.1.2.3/', reason: 'unspecified' },
  { url: 'http://10.0.0.1/', reason: 'private' },
  { url: 'http://10.255.255.255/', reason: 'private' },
  { url: 'http://012.0.0.1/', reason: 'private' },
  { url: 'http://172.16.0.1/', reason: 'private' },
  { url: 'http://172.31.255.254/', reason: 'private' },
  { url: 'http://192.168.0.1/', reason: 'private' },
  { url: 'https://192.168.1.1:8443/', reason: 'private' },
  { url: 'http://3232235777/', reason: 'private' },
  { url: 'http://100.64.0.1/', reason: 'carrier-grade nat' },
  { url: 'http://100.127.255.254/', reason: 'carrier-grade nat' },
  { url: 'http://169.254.169.254/latest/meta-data/', reason: 'cloud metadata' },
  { url: 'http://2852039166/', reason: 'cloud metadata' },
  { url: 'http://0xa9fea9fe/', reason: 'cloud metadata' },
  { url: 'http://0251.0376.0251.0376/', reason: 'cloud metadata' },
  { url: 'http://0xa9.0xfe.0xa9.0xfe/', reason: 'cloud metadata' },
  { url: 'http://169.254.43518/', reason: 'cloud metadata' },
  { url: 'http://169.254.170.2/v2/credentials', reason: 'cloud metadata' },
  { url: 'http://100.100.100.200/latest/meta-data/', reason: 'cloud metadata' },
  { url: 'http://168.63.129.16/machine', reason: 'cloud metadata' },
  { url: 'http://[fd00:ec2::254]/latest/meta-data/', reason: 'cloud metadata' },
  { url: 'http://169.254.1.1/', reason: 'link-local' },
  { url: 'http://[fe80::1]/', reason: 'link-local' },
  { url: 'http://198.18.0.1/', reason: 'benchmarking' },
  { url: 'http://198.19.255.254/', reason: 'benchmarking' },
  { url: 'http://192.0.2.1/', reason: 'documentation' },
  { url: 'http://198.51.100.7/', reason: 'documentation' },
  { url: 'http://203.0.113.9/', reason: 'documentation' },
  { url: 'http://[2001:db8::1]/', reason: 'documentation' },
  { url: 'http://224.0.0.1/', reason: 'multicast' },
  { url: 'http://239.255.255.250:1900/', reason: 'multicast' },
  { url: 'http://[ff02::1]/', reason: 'multicast' },
  { url: 'http://255.255.255.255/', reason: 'broadcast' },
  { url: 'http://4294967295/', reason: 'broadcast' },
  { url: 'http://240.0.0.1/', reason: 'reserved' },
  { url: 'http://192.0.0.170/', reason: 'reserved' },
  { url: 'http://[100::1]/', reason: 'reserved' },
  { url: 'http://[4000::1]/', reason: 'reserved' },
  { url: 'http://[::1]/', reason: 'loopback' },
  { url: 'http://[0:0:0:0:0:0:0:1]:8080/', reason: 'loopback' },
  { url: 'http://[::]/', reason: 'unspecified' },
  { url: 'http://[::ffff:127.0.0.1]/', reason: 'loopback' },
  { url: 'http://[::ffff:7f00:1]/', reason: 'loopback' },
  { url: 'http://[::ffff:10.0.0.1]/', reason: 'private' },
  { url: 'http://[::ffff:169.254.169.254]/', reason: 'cloud metadata' },
  { url: 'http://[::ffff:0:7f00:1]/', reason: 'ipv4-translated' },
  { url: 'http://[64:ff9b::7f00:1]/', reason: 'loopback' },
  { url: 'http://[64:ff9b::127.0.0.1]/', reason: 'loopback' },
  { url: 'http://[64:ff9b::a9fe:a9fe]/', reason: 'cloud metadata' },
  { url: 'http://[64:ff9b::c0a8:101]/', reason: 'private' },
  { url: 'http://[64:ff9b:1::5db8:d822]/', reason: 'nat64 local-use' },
  { url: 'http://[2002:7f00:1::]/', reason: 'loopback' },
  { url: 'http://[2002:a9fe:a9fe::]/', reason: 'cloud metadata' },
  { url: 'http://[2002:c0a8:101::1]/', reason: 'private' },
  { url: 'http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/', reason: 'teredo' },
  { url: 'http://[::127.0.0.1]/', reason: 'ipv4-compatible' },
  { url: 'http://[::a9fe:a9fe]/', reason: 'ipv4-compatible' },
  { url: 'http://[fc00::1]/', reason: 'unique local' },
  { url: 'http://[fd12:3456:789a::1]/', reason: 'unique local' },
  { url: 'http://[fec0::1]/', reason: 'site-local' },
  { url: 'http://localhost/', reason: 'loopback' },
  { url: 'http://localhost./', reason: 'loopback' },
  { url: 'http://LOCALHOST:3000/', reason: 'loopback' },
  { url: 'http://api.localhost/', reason: 'loopback' },
  { url: 'http://internal.example/', reason: 'private' },
  { url: 'http://mixed.example/', reason: 'private' },
  { url: 'http://metadata.google.internal/computeMetadata/v1/', reason: 'cloud metadata' },
  { url: 'http://127.0.0.1.nip.io/', reason: 'loopback' },
  { url: 'http://v6-internal.example/', reason: 'unique local' },
  { url: 'http://mapped.example/', reason: 'private' },
  { url: 'http://nowhere.example/', reason: 'does not resolve' },
  { url: 'http://empty.example/', reason: 'does not resolve' },
  { url: 'http://user:pass@93.184.216.34/', reason: 'credentials in url' },
  { url: 'https://token@public.example/', reason: 'credentials in url' },
  { url: 'http://93.184.216.34@127.0.0.1/', reason: 'credentials in url' },
  { url: 'ftp://93.184.216.34/', reason: 'unsupported scheme' },
  { url: 'file:///etc/passwd', reason: 'unsupported scheme' },
  { url: 'gopher://127.0.0.1:6379/_INFO', reason: 'unsupported scheme' },
  { url: 'dict://127.0.0.1:11211/stats', reason: 'unsupported scheme' },
  { url: 'ws://public.example/', reason: 'unsupported scheme' },
  { url: 'javascript:alert(1)', reason: 'unsupported scheme' },
  { url: 'data:text/plain,hello', reason: 'unsupported scheme' },
  { url: 'not a url', reason: 'invalid url' },
  { url: 'http://[::1', reason: 'invalid url' },
  { url: 'http://4294967296/', reason: 'invalid url' },
];

const PUBLIC = [
  `https://${PUBLIC_V4}/`,
  `http://${PUBLIC_V4}:8080/hooks?token=abc`,
  'http://8.8.8.8/',
  'https://1.1.1.1:443/',
  'http://[2606:4700::1111]/',
  `http://[${PUBLIC_V6}]:8443/`,
  'http://[::ffff:93.184.216.34]/',
  'http://[64:ff9b::5db8:d822]/',
  'http://[2002:5db8:d822::1]/',
  'https://public.example/webhooks',
  'https://PUBLIC.example./webhooks',
  'https://dual.example/',
];

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
