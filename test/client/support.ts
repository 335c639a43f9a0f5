import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a {@link FlakyProxy} does with the n-th request (0-based). */
export type ProxyAction =
  /** Pass it to the API and its answer back. */
  | 'forward'
  /** Pass it to the API, then answer the client with `answer` instead: the API acted, its answer was lost. */
  | { forwardThenAnswer: ProxyAnswer }
  /** Answer without asking the API. */
  | ProxyAnswer
  /** Never answer. */
  | 'hang';

export interface ProxyAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface ProxiedRequest {
  method: string;
  path: string;
  body: string;
  at: number;
}

export interface FlakyProxy {
  url: string;
  requests: ProxiedRequest[];
  close(): Promise<void>;
}

/** A problem+json answer, as the API and a gateway in front of it send them. */
export function problemAnswer(status: number, headers: Record<string, string> = {}): ProxyAnswer {
  return {
    status,
    headers: { 'content-type': 'application/problem+json', ...headers },
    body: { type: 'https://hookline.dev/problems/unavailable', title: 'Unavailable', status, detail: 'Try later.' },
  };
}

/**
 * A real HTTP server on a loopback port in front of the real API: it forwards, or answers in the API's
 * place, as `script` decides for each request, so retries are observed against real sockets.
 */
export async function startFlakyProxy(target: string, script: (index: number) => ProxyAction): Promise<FlakyProxy> {
  const requests: ProxiedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const index = requests.length;
        requests.push({ method: req.method ?? '', path: req.url ?? '', body, at: Date.now() });
        const action = script(index);
        if (action === 'hang') return;
        if (action === 'forward' || 'forwardThenAnswer' in action) {
          const headers = Object.fromEntries(
            Object.entries(req.headers).filter(
              (entry): entry is [string, string] => typeof entry[1] === 'string' && FORWARDED.has(entry[0]),
            ),
          );
          const response = await fetch(target + (req.url ?? ''), {
            method: req.method,
            headers,
            body: body || undefined,
          });
          const text = await response.text();
          if (action !== 'forward') return send(res, action.forwardThenAnswer);
          res.writeHead(response.status, { 'content-type': response.headers.get('content-type') ?? 'text/plain' });
          res.end(text);
          return;
        }
        send(res, action);
      })().catch((err: unknown) => {
        res.writeHead(500).end(String(err));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The request headers that matter to the API; hop-by-hop ones stay with the proxy. */
const FORWARDED = new Set(['accept', 'authorization', 'content-type', 'idempotency-key', 'x-api-key']);

function send(res: http.ServerResponse, answer: ProxyAnswer): void {
  res.writeHead(answer.status, answer.headers);
  res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
}
