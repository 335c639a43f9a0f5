import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** Wall-clock arrival time, or the test server's skipped time when a clock is given. */
  at: number;
  /** Wall-clock time the status line went out; absent while the answer is pending or was never sent. */
  answeredAt?: number;
}

export type Reply =
  | {
      status: number;
      body?: string;
      headers?: Record<string, string>;
      delayMs?: number;
      /** Send the status and `body`, then never finish the response. */
      stallBody?: boolean;
    }
  | 'destroy';

export interface ReceiverOptions {
  /** Decides the answer to the n-th request (0-based). Answers 200 by default. */
  reply?: (request: ReceivedRequest, index: number) => Reply;
  /** Reads the current time; pass the test environment's clock to record skipped time. */
  clock?: () => Promise<number> | number;
}

export interface Receiver {
  url: string;
  requests: ReceivedRequest[];
  /** Resolves once `count` requests have arrived; rejects after `timeoutMs`. */
  waitForRequests(count: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
}

/** A real HTTP server on a free loopback port that records every request and answers as scripted. */
export async function startReceiver(options: ReceiverOptions = {}): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const waiters = new Set<() => void>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        const at = options.clock ? await options.clock() : Date.now();
        const request: ReceivedRequest = {
          method: req.method ?? '',
          path: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          at,
        };
        const index = requests.length;
        requests.push(request);
        for (const wake of waiters) wake();
        const reply = options.reply?.(request, index) ?? { status: 200 };
        if (reply === 'destroy') {
          req.socket.destroy();
          return;
        }
        if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
        if (res.destroyed) return;
        res.writeHead(reply.status, reply.headers);
        if (reply.stallBody) {
          res.flushHeaders();
          if (reply.body) res.write(reply.body);
        } else {
          res.end(reply.body ?? '');
        }
        request.answeredAt = Date.now();
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    requests,
    waitForRequests(count, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (requests.length < count) return;
          cleanup();
          resolve(requests.slice());
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`Receiver got ${requests.length} of ${count} requests within ${timeoutMs} ms`));
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
