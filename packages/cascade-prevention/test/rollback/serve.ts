import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { participantHandler, type RollbackParticipant } from '../../src/rollback/index.js';

/**
 * Serves participants on loopback, each under `/<last segment of its agent id>/`; `after(resource, agent)` runs
 * once a participant has handled a request, before the answer is sent. Returns the base URL and a `close`.
 */
export async function serveParticipants(
  participants: readonly RollbackParticipant[],
  after: (resource: string, agent: string) => Promise<void> | void = () => {},
): Promise<{ base: string; endpointOf: (to: { agent: string }) => string; close: () => Promise<void> }> {
  const byName = new Map(participants.map((p) => [p.agent.slice(p.agent.lastIndexOf('/') + 1), p]));
  const handlers = new Map([...byName].map(([name, p]) => [name, participantHandler(p)]));
  const server = createAdaptorServer({
    fetch: async (request: Request) => {
      const [, name, resource] = new URL(request.url).pathname.split('/');
      const handler = handlers.get(name ?? '');
      if (!handler) return new Response(null, { status: 404 });
      const response = await handler(request);
      await after(resource ?? '', byName.get(name!)!.agent);
      return response;
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    endpointOf: (to) => `${base}/${to.agent.slice(to.agent.lastIndexOf('/') + 1)}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
