import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';

export interface ApiServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** How long `close` lets in-flight requests finish before cutting connections. Default 10 s. */
  drainTimeoutMs?: number;
}

export interface ApiServer {
  /** `http://host:port`, with the port actually bound. */
  url: string;
  /** Stops accepting connections, lets in-flight requests finish, then closes idle and remaining ones. */
  close(): Promise<void>;
}

export async function startApiServer(app: Express, options: ApiServerOptions): Promise<ApiServer> {
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(options.port, options.host, (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => server.closeAllConnections(), options.drainTimeoutMs ?? 10_000);
        server.close((err) => {
          clearTimeout(timer);
          if (err) reject(err);
          else resolve();
        });
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
