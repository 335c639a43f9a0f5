import { STATUS_CODES, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { PROBLEM_CONTENT_TYPE } from '../contract/problem';

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
  // Requests Node refuses before Express sees them (an unparseable request line, headers over 16 KiB)
  // still get a problem document.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return socket.destroy();
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
    const body = JSON.stringify({
      type: `urn:hookline:problem:${status === 431 ? 'headers-too-large' : 'malformed-request'}`,
      title: STATUS_CODES[status],
      status,
      detail: status === 431 ? 'The request headers are larger than 16 KiB.' : 'The request is not valid HTTP.',
    });
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: ${PROBLEM_CONTENT_TYPE}\r\n` +
        `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
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
