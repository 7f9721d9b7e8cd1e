import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';

/** Serves a fetch handler on loopback (on `port`, default any free one); returns its base URL and a `close`. */
export async function serveOnLoopback(handler: (request: Request) => Promise<Response>, port = 0) {
  const server = createAdaptorServer({ fetch: handler });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
