/**
 * Hostile webhook URLs and a fixed DNS table, shared by the guard's unit tests and the API's tests that
 * attack create and update: spellings of internal addresses that URL parsers accept, and names whose
 * answers point inside.
 */
import type { Resolver } from '../../src/security/network-guard';

export const PUBLIC_V4 = '93.184.216.34';
export const PUBLIC_V6 = '2606:2800:220:1:248:1893:25c8:1946';

/** What an internal name resolves to: the tenant must never see these in a message. */
export const INTERNAL_ANSWERS: Record<string, string[]> = {
  'internal.example': ['10.0.0.5'],
  'mixed.example': [PUBLIC_V4, '192.168.1.10'],
  'metadata.google.internal': ['169.254.169.254'],
  'v6-internal.example': ['fd12:3456::1'],
  'mapped.example': ['::ffff:10.20.30.40'],
  '127.0.0.1.nip.io': ['127.0.0.1'],
};

export const DNS: Record<string, string[]> = {
  ...INTERNAL_ANSWERS,
  'public.example': [PUBLIC_V4],
  'example.com': [PUBLIC_V4],
  'dual.example': [PUBLIC_V6, PUBLIC_V4],
  'empty.example': [],
};

/** A resolver over a fixed table, so that no test depends on real DNS. Unknown names fail like getaddrinfo. */
export function tableResolver(table: Record<string, string[]>): Resolver & { calls: string[] } {
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

export const HOSTILE: { url: string; reason: string }[] = [
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

export const PUBLIC = [
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
