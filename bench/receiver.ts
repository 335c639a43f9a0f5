import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface BenchReceiver {
  url: string;
  /** `performance.now()` at which the request for each `webhook-id` arrived (first arrival only). */
  arrivals: Map<string, number>;
  /** Notes an arrival that took no request (the bench's runs with the POST off). */
  arrived(webhookId: string): void;
  /** Answers 500 to the first request of every delivery whose `webhook-id` starts with `prefix`. */
  failFirstAttempt(prefix: string): void;
  /** Every request, duplicates included. */
  requestCount(): number;
  /** Resolves once every id has arrived; rejects after `timeoutMs`. */
  waitFor(ids: readonly string[], timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * The cheapest possible webhook endpoint on a free loopback port: notes when each delivery's request
 * arrives (as soon as its headers are parsed) and answers 200 with an empty body.
 */
export async function startBenchReceiver(): Promise<BenchReceiver> {
  const arrivals = new Map<string, number>();
  let requests = 0;
  const waiters = new Set<() => void>();
  const arrived = (id: string) => {
    if (!arrivals.has(id)) arrivals.set(id, performance.now());
    for (const wake of waiters) wake();
  };
  const failing: string[] = [];
  const failed = new Set<string>();
  const server = http.createServer((req, res) => {
    requests++;
    const id = req.headers['webhook-id'];
    let status = 200;
    if (typeof id === 'string') {
      if (!failed.has(id) && failing.some((prefix) => id.startsWith(prefix))) {
        failed.add(id);
        status = 500;
      } else {
        arrived(id);
      }
    }
    req.resume();
    req.on('end', () => {
      res.writeHead(status, { 'content-length': '0' });
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    arrivals,
    arrived,
    failFirstAttempt: (prefix) => failing.push(prefix),
    requestCount: () => requests,
    waitFor(ids, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!ids.every((id) => arrivals.has(id))) return;
          cleanup();
          resolve();
        };
        const timer = setTimeout(() => {
          cleanup();
          const missing = ids.filter((id) => !arrivals.has(id)).length;
          reject(new Error(`${missing} of ${ids.length} deliveries did not arrive within ${timeoutMs} ms`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
