import { promises as dns } from 'node:dns';
import net from 'node:net';
import ipaddr from 'ipaddr.js';
import { Agent, buildConnector } from 'undici';

/** The environment variable whose CIDRs the operator lets Hookline reach despite the guard. */
export const ALLOWED_NETWORKS_ENV = 'HOOKLINE_ALLOWED_NETWORKS';

/** `code` of every {@link BlockedDestinationError}, stable across releases. */
export const BLOCKED_DESTINATION_CODE = 'HOOKLINE_BLOCKED_DESTINATION';

/** Why an address is not public. The values are stable: callers may store and match them. */
export const BLOCK_REASON = {
  loopback: 'loopback',
  unspecified: 'unspecified',
  private: 'private',
  carrierGradeNat: 'carrier-grade nat',
  linkLocal: 'link-local',
  multicast: 'multicast',
  broadcast: 'broadcast',
  benchmarking: 'benchmarking',
  documentation: 'documentation',
  reserved: 'reserved',
  uniqueLocal: 'unique local',
  siteLocal: 'site-local',
  cloudMetadata: 'cloud metadata',
  ipv4Compatible: 'ipv4-compatible',
  ipv4Translated: 'ipv4-translated',
  nat64LocalUse: 'nat64 local-use',
  teredo: 'teredo',
  invalidAddress: 'invalid address',
} as const;
export type BlockReason = (typeof BLOCK_REASON)[keyof typeof BLOCK_REASON];

/** Why a webhook URL is refused before any address is looked at. */
export const URL_REFUSAL = {
  invalidUrl: 'invalid url',
  unsupportedScheme: 'unsupported scheme',
  credentialsInUrl: 'credentials in url',
  doesNotResolve: 'does not resolve',
} as const;
export type UrlRefusal = (typeof URL_REFUSAL)[keyof typeof URL_REFUSAL];

type Address = ipaddr.IPv4 | ipaddr.IPv6;
type Cidr = [Address, number];

const isV6 = (address: Address): address is ipaddr.IPv6 => address.kind() === 'ipv6';

/** One network the operator allows, as written and as parsed. */
export interface AllowedNetwork {
  /** The entry as the operator wrote it, trimmed. */
  readonly source: string;
  readonly range: Readonly<Cidr>;
}

/** Networks that the guard lets through even though they are not public; empty by default. */
export type AllowedNetworks = readonly AllowedNetwork[];

export type AddressCheck = { allowed: true } | { allowed: false; reason: BlockReason };

export type DestinationCheck =
  | { allowed: true }
  | {
      allowed: false;
      reason: BlockReason | UrlRefusal;
      /** Safe to show to the tenant: it never names an address that a hostname resolved to. */
      message: string;
    };

/** Looks a hostname up; every address it returns must pass the guard. */
export type Resolver = (hostname: string) => Promise<{ address: string; family: number }[]>;

export interface GuardOptions {
  /** From {@link parseAllowedNetworks}; pass `[]` to allow the public internet only. */
  allowedNetworks: AllowedNetworks;
  /** Default: `dns.promises.lookup(hostname, { all: true, verbatim: true })`, the resolver Node itself uses. */
  resolve?: Resolver;
}

export interface GuardedConnectorOptions extends GuardOptions {
  /** How long the TCP (and TLS) handshake may take once an address is chosen. Default: 10 000 ms, undici's. */
  connectTimeoutMs?: number;
}

/**
 * Everything `Agent` accepts except what could route around the guard: a connector or socket path of
 * its own, a dispatcher factory, or interceptors (a redirect interceptor would follow `Location`).
 */
export type GuardedAgentOptions = GuardedConnectorOptions &
  Omit<Agent.Options, 'connect' | 'factory' | 'interceptors' | 'socketPath'>;

/** `HOOKLINE_ALLOWED_NETWORKS` holds an entry that is not an address or CIDR. */
export class InvalidAllowedNetworkError extends Error {
  constructor(readonly entry: string) {
    super(`${ALLOWED_NETWORKS_ENV}: "${entry}" is not an IP address or CIDR such as 10.0.0.0/8 or fd00::/8`);
    this.name = 'InvalidAllowedNetworkError';
  }
}

/** An outbound connection was refused because its destination is not public and not allowed. */
export class BlockedDestinationError extends Error {
  readonly code = BLOCKED_DESTINATION_CODE;

  constructor(
    /** The hostname of the URL, never the address it resolved to. */
    readonly hostname: string,
    readonly reason: BlockReason,
    message: string,
  ) {
    super(message);
    this.name = 'BlockedDestinationError';
  }
}

/** Undici's own connect timeout, kept so that guarded connections behave like unguarded ones. */
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/** How far {@link describeBlocked} follows `cause`: undici and Temporal wrap errors a few levels deep. */
const MAX_CAUSE_DEPTH = 5;

const parseCidrs = (...cidrs: string[]): Cidr[] => cidrs.map((cidr) => ipaddr.parseCIDR(cidr));

// Checked before ipaddr's ranges because some of these sit inside ranges with a vaguer name (fd00:ec2::254
// is unique local, 169.254.169.254 link-local) and 168.63.129.16 (Azure's wire server) looks unicast.
const CLOUD_METADATA = parseCidrs(
  '169.254.169.254/32',
  '169.254.170.2/32', // AWS ECS task metadata
  '100.100.100.200/32', // Alibaba Cloud
  '168.63.129.16/32',
  'fd00:ec2::254/128',
);

// ipaddr files these under 'reserved'; the precise name tells an operator what the tenant tried.
const DOCUMENTATION = parseCidrs('192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24', '2001:db8::/32');
const BENCHMARKING = parseCidrs('198.18.0.0/15', '2001:2::/48');

const NAT64_WELL_KNOWN = ipaddr.parseCIDR('64:ff9b::/96');
// Deprecated by RFC 4291; ipaddr names it unicast, but nothing on the public internet lives there.
const IPV4_COMPATIBLE = ipaddr.parseCIDR('::/96');
// Everything else outside 2000::/3 is unallocated, whatever ipaddr calls it.
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');

const RANGE_REASONS: Readonly<Record<string, BlockReason>> = {
  loopback: BLOCK_REASON.loopback,
  unspecified: BLOCK_REASON.unspecified,
  private: BLOCK_REASON.private,
  carrierGradeNat: BLOCK_REASON.carrierGradeNat,
  linkLocal: BLOCK_REASON.linkLocal,
  multicast: BLOCK_REASON.multicast,
  broadcast: BLOCK_REASON.broadcast,
  benchmarking: BLOCK_REASON.benchmarking,
  uniqueLocal: BLOCK_REASON.uniqueLocal,
  deprecatedSiteLocal: BLOCK_REASON.siteLocal,
  rfc6145: BLOCK_REASON.ipv4Translated,
  teredo: BLOCK_REASON.teredo,
};

/**
 * Parses `HOOKLINE_ALLOWED_NETWORKS`: comma-separated CIDRs, whitespace around entries ignored. A bare
 * address stands for itself (/32 or /128). Undefined or blank allows nothing.
 *
 * @throws InvalidAllowedNetworkError naming the first entry that is not an address or CIDR.
 */
export function parseAllowedNetworks(value: string | undefined): AllowedNetworks {
  const entries = (value ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  return Object.freeze(entries.map((entry) => Object.freeze({ source: entry, range: parseNetwork(entry) })));
}

function parseNetwork(entry: string): Cidr {
  const slash = entry.indexOf('/');
  const address = slash === -1 ? entry : entry.slice(0, slash);
  // net.isIP accepts only the canonical spellings, so "10.1/8" or "0x0a.0.0.0/8" cannot slip in with a
  // meaning the operator did not intend; zone ids have no place in a network.
  if (net.isIP(address) === 0 || address.includes('%')) throw new InvalidAllowedNetworkError(entry);
  try {
    const [network, bits] =
      slash === -1 ? [ipaddr.parse(address), address.includes(':') ? 128 : 32] : ipaddr.parseCIDR(entry);
    return normaliseMapped(network, bits);
  } catch {
    throw new InvalidAllowedNetworkError(entry);
  }
}

/** An operator who writes ::ffff:10.0.0.0/104 means 10.0.0.0/8; addresses are compared the same way. */
function normaliseMapped(network: Address, bits: number): Cidr {
  if (isV6(network) && network.isIPv4MappedAddress() && bits >= 96) {
    return [network.toIPv4Address(), bits - 96];
  }
  return [network, bits];
}

/**
 * Decides whether Hookline may connect to one IP address: public addresses pass, and so does anything
 * inside an allowed network; everything else is refused with a stable reason.
 */
export function checkAddress(address: string, allowed: AllowedNetworks): AddressCheck {
  if (net.isIP(address) === 0) return { allowed: false, reason: BLOCK_REASON.invalidAddress };
  let parsed: Address;
  try {
    parsed = ipaddr.parse(address);
  } catch {
    return { allowed: false, reason: BLOCK_REASON.invalidAddress };
  }
  if (isAllowed(parsed, allowed)) return { allowed: true };
  const reason = classify(parsed);
  return reason === undefined ? { allowed: true } : { allowed: false, reason };
}

function isAllowed(address: Address, allowed: AllowedNetworks): boolean {
  const comparable = isV6(address) && address.isIPv4MappedAddress() ? address.toIPv4Address() : address;
  return allowed.some(({ range }) => matches(comparable, range));
}

/** ipaddr throws when the kinds differ; here that simply means no match. */
function matches(address: Address, range: Readonly<Cidr>): boolean {
  return address.kind() === range[0].kind() && address.match(range[0], range[1]);
}

const inAny = (address: Address, ranges: readonly Cidr[]) => ranges.some((range) => matches(address, range));

/** Undefined when the address is public. */
function classify(address: Address): BlockReason | undefined {
  if (isV6(address)) {
    const embedded = embeddedIPv4(address);
    if (embedded === 'opaque') return BLOCK_REASON.nat64LocalUse;
    if (embedded !== undefined) return classify(embedded);
  }
  if (inAny(address, CLOUD_METADATA)) return BLOCK_REASON.cloudMetadata;
  if (inAny(address, DOCUMENTATION)) return BLOCK_REASON.documentation;
  if (inAny(address, BENCHMARKING)) return BLOCK_REASON.benchmarking;
  const range: string = address.range();
  if (range !== 'unicast') return RANGE_REASONS[range] ?? BLOCK_REASON.reserved;
  if (isV6(address)) {
    if (matches(address, IPV4_COMPATIBLE)) return BLOCK_REASON.ipv4Compatible;
    if (!matches(address, GLOBAL_UNICAST_V6)) return BLOCK_REASON.reserved;
  }
  return undefined;
}

/**
 * The IPv4 address that an IPv6 address carries to its destination, so that [::ffff:127.0.0.1] is judged
 * as 127.0.0.1. Teredo and IPv4-compatible forms are refused by their own names instead: Teredo hides the
 * client address and the IPv4-compatible form is obsolete.
 */
function embeddedIPv4(address: ipaddr.IPv6): ipaddr.IPv4 | 'opaque' | undefined {
  const range = address.range();
  if (range === 'ipv4Mapped') return address.toIPv4Address();
  // ipaddr's rfc6052 is 64:ff9b::/96 plus RFC 8215's local-use 64:ff9b:1::/48, inside which each network
  // chooses where the IPv4 address sits: it cannot be extracted, and local use is never the internet.
  if (range === 'rfc6052') {
    return matches(address, NAT64_WELL_KNOWN) ? ipv4FromParts(address.parts[6], address.parts[7]) : 'opaque';
  }
  // 2002:AABB:CCDD::/48 routes to the 6to4 relay at AA.BB.CC.DD.
  if (range === '6to4') return ipv4FromParts(address.parts[1], address.parts[2]);
  return undefined;
}

function ipv4FromParts(high = 0, low = 0): ipaddr.IPv4 {
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

/**
 * Validates a webhook URL when it is created or updated: http(s) only, no credentials in the URL, and the
 * host (an IP literal, or every address its name resolves to) must be public or allowed.
 *
 * The message is meant for the tenant, so it names their hostname but never what an internal name
 * resolved to. This check alone is not enough: DNS can change after it, so deliveries must also go
 * through {@link createGuardedAgent}.
 */
export async function checkDestination(url: string, options: GuardOptions): Promise<DestinationCheck> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return refuse(URL_REFUSAL.invalidUrl, 'the URL is not a valid absolute URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return refuse(
      URL_REFUSAL.unsupportedScheme,
      `only http and https URLs can receive webhooks, not ${parsed.protocol}`,
    );
  }
  if (parsed.username !== '' || parsed.password !== '') {
    return refuse(
      URL_REFUSAL.credentialsInUrl,
      'the URL must not contain a username or password; put credentials in a custom header',
    );
  }
  const hostname = unbracket(parsed.hostname);
  let vetted: Vetted;
  try {
    vetted = await vetHost(hostname, options);
  } catch {
    return refuse(URL_REFUSAL.doesNotResolve, `${hostname} does not resolve`);
  }
  if (vetted.kind === 'unresolved') return refuse(URL_REFUSAL.doesNotResolve, `${hostname} does not resolve`);
  if (vetted.kind === 'refused') return refuse(vetted.reason, `${hostname} ${describeRefusal(vetted)}`);
  return { allowed: true };
}

const refuse = (reason: BlockReason | UrlRefusal, message: string): DestinationCheck => ({
  allowed: false,
  reason,
  message,
});

type Vetted =
  { kind: 'ok'; address: string } | { kind: 'refused'; reason: BlockReason; literal: boolean } | { kind: 'unresolved' };

/** The one place that turns a hostname into an address Hookline may connect to. Resolver errors propagate. */
async function vetHost(hostname: string, options: GuardOptions): Promise<Vetted> {
  if (net.isIP(hostname) !== 0) {
    const check = checkAddress(hostname, options.allowedNetworks);
    return check.allowed ? { kind: 'ok', address: hostname } : { kind: 'refused', reason: check.reason, literal: true };
  }
  const addresses = isLocalhost(hostname)
    ? [LOCALHOST_ADDRESS]
    : (await (options.resolve ?? lookupAll)(hostname)).map((answer) => answer.address);
  const [first] = addresses;
  if (first === undefined) return { kind: 'unresolved' };
  // One internal answer among public ones is enough to refuse: the client may pick any of them.
  for (const address of addresses) {
    const check = checkAddress(address, options.allowedNetworks);
    if (!check.allowed) return { kind: 'refused', reason: check.reason, literal: false };
  }
  return { kind: 'ok', address: first };
}

/** Names the reason, never the address: for a hostname, that address is what the tenant must not learn. */
function describeRefusal(refused: { reason: BlockReason; literal: boolean }): string {
  return refused.literal
    ? `is not a public address (${refused.reason})`
    : `resolves to a non-public address (${refused.reason})`;
}

const lookupAll: Resolver = (hostname) => dns.lookup(hostname, { all: true, verbatim: true });

// RFC 6761 reserves these names for loopback. Answering for them ourselves means "localhost." cannot
// reach a resolver that returns something else, and the allow list decides as it does for 127.0.0.1.
const LOCALHOST_ADDRESS = '127.0.0.1';

function isLocalhost(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost');
}

function unbracket(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}

/**
 * An undici connector that enforces the guard on every new connection, including IP literals (for which
 * Node skips DNS). Names are resolved here, every answer is checked, and the socket is opened to the
 * checked address itself, so a DNS answer that changes between check and connect (rebinding) cannot
 * reach an internal address. TLS still presents and verifies the original hostname (SNI).
 *
 * Refusals call back with {@link BlockedDestinationError}; resolver failures are passed on unchanged,
 * since a name that fails to resolve now may resolve on a later attempt.
 */
export function createGuardedConnector(options: GuardedConnectorOptions): buildConnector.connector {
  const connect = buildConnector({ timeout: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS });
  return (connectOptions, callback) => {
    const hostname = unbracket(connectOptions.hostname);
    void vetHost(hostname, options).then(
      (vetted) => {
        if (vetted.kind === 'unresolved') {
          callback(Object.assign(new Error(`${hostname} does not resolve`), { code: 'ENOTFOUND', hostname }), null);
          return;
        }
        if (vetted.kind === 'refused') {
          const message = `Refused to connect to ${hostname}: it ${describeRefusal(vetted)}`;
          callback(new BlockedDestinationError(hostname, vetted.reason, message), null);
          return;
        }
        // An IP literal gets no SNI, as undici does unguarded (RFC 6066 allows only names there).
        const servername = connectOptions.servername || (net.isIP(hostname) === 0 ? hostname : undefined);
        try {
          connect({ ...connectOptions, hostname: vetted.address, servername }, callback);
        } catch (error) {
          callback(toError(error), null);
        }
      },
      (error: unknown) => callback(toError(error), null),
    );
  };
}

const toError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));

/**
 * An undici `Agent` whose every connection goes through {@link createGuardedConnector}. Use it with
 * undici's `request`, which does not follow redirects, so a 3xx cannot lead anywhere unchecked.
 */
export function createGuardedAgent(options: GuardedAgentOptions): Agent {
  const { allowedNetworks, resolve, connectTimeoutMs, ...agentOptions } = options;
  return new Agent({
    ...agentOptions,
    connect: createGuardedConnector({ allowedNetworks, resolve, connectTimeoutMs }),
  });
}

/**
 * Finds a {@link BlockedDestinationError} in an error or its `cause` chain (the error itself and up to
 * five causes), so that a delivery can classify a blocked connection as a permanent failure.
 */
export function describeBlocked(err: unknown): BlockedDestinationError | undefined {
  let current: unknown = err;
  for (let depth = 0; depth <= MAX_CAUSE_DEPTH && current !== undefined && current !== null; depth++) {
    if (current instanceof BlockedDestinationError) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
