import type { RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import type { Logger } from 'pino';
import { HttpProblem } from './problem';

export interface RateLimitOptions {
  /** Requests per minute for each client; 0 turns limiting off. */
  perMinute: number;
  /**
   * The API key a request authenticated with, once known. Requests without one (no key, an invalid,
   * revoked or expired one, routes that need none) are counted per client address instead.
   */
  keyOf: (req: Parameters<RequestHandler>[0]) => string | undefined;
  logger: Logger;
}

const WINDOW_MS = 60_000;

/**
 * The rate limiter: a fixed window of one minute per API key, and per client address for requests
 * without a valid key (IPv6 addresses by their /56, as one client usually holds a whole prefix). Every
 * answer carries the IETF `RateLimit` and `RateLimit-Policy` headers (draft 8); past the limit the answer
 * is a 429 problem with `Retry-After`. Undefined when limiting is off.
 *
 * The counts live in this process's memory, which is right for the one API process Hookline runs. Behind
 * a load balancer, N processes would each allow the full rate, N times it in all, and a restart forgets
 * the counts: several processes need a shared store (express-rate-limit takes Redis, Memcached or
 * PostgreSQL stores through its `store` option) or the limit enforced at the balancer.
 */
export function createRateLimiter(options: RateLimitOptions): RequestHandler | undefined {
  const { perMinute, keyOf, logger } = options;
  if (perMinute === 0) return undefined;
  return rateLimit({
    windowMs: WINDOW_MS,
    limit: perMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (req) => {
      const key = keyOf(req);
      return key === undefined ? `address:${ipKeyGenerator(req.ip ?? '')}` : `key:${key}`;
    },
    handler: (req, res, next) => {
      const retryAfter = String(res.getHeader('retry-after') ?? WINDOW_MS / 1000);
      const who = keyOf(req) === undefined ? 'this address' : 'this API key';
      const detail = `More than ${perMinute} requests in a minute from ${who}; try again in ${retryAfter} s.`;
      next(new HttpProblem(429, 'rate-limited', detail, { 'retry-after': retryAfter }));
    },
    logger: {
      error: (err, message) => logger.error({ err }, message ?? 'Rate limiter error'),
      warn: (err, message) => logger.warn({ err }, message ?? 'Rate limiter warning'),
    },
  });
}
