/** When the client sends a request again; see {@link HooklineClientOptions.retry}. */
export interface RetryOptions {
  /** Attempts after the first. @default 2 */
  maxRetries?: number;
  /**
   * The longest wait between attempts. A `Retry-After` asking for more ends the retries: the error is
   * thrown with `retryAfterSeconds` so the caller can decide. @default 30_000
   */
  maxDelayMs?: number;
  /** The first wait when the answer has no `Retry-After`; it doubles on each retry. @default 500 */
  baseDelayMs?: number;
}

export const DEFAULT_RETRY = { maxRetries: 2, maxDelayMs: 30_000, baseDelayMs: 500 } as const satisfies RetryOptions;

/**
 * The wait a `Retry-After` header asks for, in milliseconds: delay-seconds or an HTTP date (RFC 9110
 * section 10.2.3). Undefined when the header is absent or unreadable.
 */
export function retryAfterMs(header: string | null, now: number = Date.now()): number | undefined {
  if (header === null) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The wait before retry number `retry` (0-based) when the server named none: doubling, with jitter. */
export function backoffMs(retry: number, baseDelayMs: number, maxDelayMs: number): number {
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** retry);
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

/** Statuses worth another attempt: throttled, or a server (or a proxy in front of it) failing for now. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 502 || status === 503 || status === 504 || status === 500;
}
