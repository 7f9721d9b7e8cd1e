import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { EctDag, EXECUTION_CONTEXT_HEADER, formatExecutionContext, MemoryReplayCache } from '@safety-net/core';
import * as forExpress from '@safety-net/core/express';
import * as forFastify from '@safety-net/core/fastify';
import * as forHono from '@safety-net/core/hono';
import express from 'express';
import express4 from 'express4';
import fastify from 'fastify';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { agents } from './agents.js';

type Options = Parameters<typeof forHono.executionContext>[0];

/** Each framework, serving POST /tasks behind the adapter on loopback; the route answers the accepted actions. */
const frameworks: Record<string, (options: Options) => Promise<{ url: string; close(): Promise<void> }>> = {
  async hono(options) {
    const app = new Hono();
    app.use('*', forHono.executionContext(options));
    app.post('/tasks', (c) => c.json(accepted(forHono.executionContextOf(c))));
    return listening(serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server);
  },
  async express(options) {
    const app = express();
    app.use(forExpress.executionContext(options));
    app.post('/tasks', (req, res) => void res.json(accepted(forExpress.executionContextOf(req))));
    return listening(app.listen(0, '127.0.0.1'));
  },
  // Express 4 is still what most deployments run and the peer range admits it: its types and its runtime are tested.
  async express4(options) {
    const app = express4();
    app.use(forExpress.executionContext(options));
    app.post('/tasks', (req, res) => void res.json(accepted(forExpress.executionContextOf(req))));
    return listening(app.listen(0, '127.0.0.1'));
  },
  async fastify(options) {
    const app = fastify();
    app.addHook('onRequest', forFastify.executionContext(options));
    app.post('/tasks', async (request) => ({
      ...accepted(forFastify.executionContextOf(request)),
    }));
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    return { url, close: () => app.close() };
  },
};

/** The loopback URL of a server once it listens, and how to close it. */
async function listening(server: Server): Promise<{ url: string; close(): Promise<void> }> {
  if (!server.listening) await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The actions of a verified context, as the routes answer them. */
const accepted = (context: { ects: readonly { claims: { exec_act: string } }[] }) => ({
  accepted: context.ects.map((e) => e.claims.exec_act),
});

describe.each(Object.keys(frameworks))('the %s adapter, with the real framework on loopback', (name) => {
  it('refuses a request without ECTs (401) or with a malformed field (400), and admits verified ones', async () => {
    const a = agents(`adapter-${name}`);
    const dag = new EctDag();
    const server = await frameworks[name]!({
      key: a.keys,
      audience: a.shipping,
      clock: a.clock,
      replay: new MemoryReplayCache(),
      dag,
    });
    const post = (value?: string) =>
      fetch(`${server.url}/tasks`, {
        method: 'POST',
        headers: value === undefined ? {} : { [EXECUTION_CONTEXT_HEADER]: value },
      });
    try {
      const missing = await post();
      expect(missing.status).toBe(401);
      expect(missing.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(missing.headers.get('www-authenticate')).toBe('Execution-Context');
      expect(await missing.json()).toMatchObject({ status: 401, code: 'ERR_ECT_HEADER_MISSING' });

      const malformed = await post('a.b.c.d');
      expect([malformed.status, ((await malformed.json()) as { code: string }).code]).toEqual([
        400,
        'ERR_ECT_HEADER_INVALID',
      ]);

      const reserve = a.task('reserve');
      const pick = a.task('pick', [reserve.jti]);
      const ok = await post(formatExecutionContext([await a.jws(pick), a.cose(reserve)]));
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({ accepted: ['reserve', 'pick'] });
      expect(dag.topologicalOrder()).toEqual([reserve.jti, pick.jti]);

      const replayed = await post(formatExecutionContext([a.cose(reserve)]));
      expect([replayed.status, ((await replayed.json()) as { code: string }).code]).toEqual([
        409,
        'ERR_ECT_DUPLICATE_JTI',
      ]);
    } finally {
      await server.close();
    }
  });
});

describe('executionContextOf', () => {
  it('is a typed error where the middleware did not run', () => {
    expect(() => forExpress.executionContextOf({} as never)).toThrow(
      expect.objectContaining({ code: 'ERR_INPUT_INVALID' }),
    );
  });
});
