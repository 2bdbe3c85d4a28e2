// How every local API server in this folder listens: an HTTP server on 127.0.0.1 at a port
// the OS picks, so suites running side by side never collide, and a close that ends open
// (kept-alive or hanging) connections instead of waiting for them.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

/** A request handler; one that throws or rejects answers 500 with the error, like a crashed service. */
export type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface LoopbackServer {
  /** http://127.0.0.1:<port> (https://localhost:<port> with tls), no trailing slash. */
  readonly url: string;
  readonly port: number;
  /** Ends every connection and stops listening; calling it again is harmless. */
  close(): Promise<void>;
}

/** With tls, HTTPS with the test's own certificate (issued for "localhost"), at https://localhost:<port>. */
export async function listenOnLoopback(handler: Handler, opts: { tls?: { key: string; cert: string } } = {}): Promise<LoopbackServer> {
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    Promise.resolve()
      .then(() => handler(req, res))
      .catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500);
        res.end(String(err));
      });
  };
  const server = opts.tls ? createHttpsServer(opts.tls, listener) : createServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  return {
    url: opts.tls ? `https://localhost:${port}` : `http://127.0.0.1:${port}`,
    port,
    close: () =>
      (closed ??= new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      })),
  };
}

/** The whole request body. */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
