import { publicKeyOf } from '@safety-net/core';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { AttemptDeadlines } from '../../src/controller/attempt-deadline.js';
import { fetchPost, nodePost, type Post } from '../../src/controller/post.js';
import { pushOverHttp } from '../../src/controller/push.js';
import { agentKey, emergencyStop, ManualTime, makeController, NOW, serve, servedAgent, until } from './world.js';

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

const node = nodePost()!;
afterAll(() => node.close());
const TRANSPORTS: [string, Post][] = [
  ['node:http', node.post],
  ['fetch', fetchPost(globalThis.fetch)],
];
const SIGNAL = new Uint8Array([0xd2, 0x84, 1, 2, 3]);
const cose = (body: Uint8Array, status = 200) =>
  new Response(body as Uint8Array<ArrayBuffer>, { status, headers: { 'content-type': 'application/cose' } });

/** An endpoint answering every push with `answer`; it records the bodies it was sent. */
async function endpoint(answer: (request: Request) => Response | Promise<Response>) {
  const received: Uint8Array[] = [];
  const http = await serve(async (request) => {
    received.push(new Uint8Array(await request.arrayBuffer()));
    return answer(request);
  });
  closers.push(http.close);
  return { url: `${http.origin}/signals`, received };
}

describe.each(TRANSPORTS)('pushOverHttp over %s (spec §7.1, §7.6)', (_name, post) => {
  const push = (url: string, deadlines = new AttemptDeadlines(new ManualTime(0).timers, 2000)) =>
    pushOverHttp(post, url, SIGNAL, deadlines);

  it('takes 200 and 403 with a COSE body as acknowledgements, byte for byte, and sends the signal as it is', async () => {
    const ack = new Uint8Array(300).map((_, i) => i & 0xff);
    const ok = await endpoint(() => cose(ack));
    expect(await push(ok.url)).toEqual({ kind: 'ack', bytes: ack });
    expect(ok.received).toEqual([SIGNAL]);
    const refused = await endpoint(() => cose(ack, 403));
    expect(await push(refused.url)).toEqual({ kind: 'ack', bytes: ack });
  });

  it('takes a 4xx with a code as a refusal, and anything else as unanswered', async () => {
    const conflict = await endpoint(() => Response.json({ code: 'ERR_OV_STALE' }, { status: 409 }));
    expect(await push(conflict.url)).toEqual({ kind: 'refused', code: 'ERR_OV_STALE' });
    for (const answer of [
      () => Response.json({ code: 'ERR_OV_STORE_FAILED' }, { status: 503 }),
      () => Response.json({ code: 'not a code' }, { status: 400 }),
      () => new Response('{', { status: 400, headers: { 'content-type': 'application/json' } }),
      () => cose(new Uint8Array(8), 500),
      () => new Response(new Uint8Array(8), { status: 200, headers: { 'content-type': 'text/plain' } }),
    ]) {
      expect(await push((await endpoint(answer)).url)).toEqual({ kind: 'unanswered' });
    }
  });

  it('does not follow a redirect: the signed bytes go to the registered endpoint only', async () => {
    const elsewhere = await endpoint(() => cose(new Uint8Array(4)));
    const redirecting = await endpoint(() => new Response(null, { status: 307, headers: { location: elsewhere.url } }));
    expect(await push(redirecting.url)).toEqual({ kind: 'unanswered' });
    expect(elsewhere.received).toEqual([]);
  });

  it('leaves an answer over 64 KiB unanswered', async () => {
    const big = await endpoint(() => cose(new Uint8Array(64 * 1024 + 1)));
    expect(await push(big.url)).toEqual({ kind: 'unanswered' });
    const streamed = await endpoint(() => {
      const chunk = new Uint8Array(16 * 1024);
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        pull: (c) => (sent++ < 8 ? c.enqueue(chunk) : c.close()),
      });
      return new Response(body, { headers: { 'content-type': 'application/cose' } });
    });
    expect(await push(streamed.url)).toEqual({ kind: 'unanswered' });
  });

  it('cancels an attempt at its deadline, and a refused connection is unanswered', async () => {
    let closed = false;
    const silent = await serve(
      (request) =>
        new Promise<Response>(() => {
          request.signal.addEventListener('abort', () => {
            closed = true;
          });
        }),
    );
    closers.push(silent.close);
    const time = new ManualTime(0);
    const deadlines = new AttemptDeadlines(time.timers, 2000);
    const attempt = push(`${silent.origin}/signals`, deadlines);
    await new Promise((r) => setTimeout(r, 50));
    await time.advance(2000);
    expect(await attempt).toEqual({ kind: 'unanswered' });
    await until(() => closed, 'the request to be cancelled');
    expect(time.pendingDelays()).toEqual([]);
    const gone = await serve(() => new Response(null));
    await gone.close();
    expect(await push(`${gone.origin}/signals`)).toEqual({ kind: 'unanswered' });
  });
});

describe('the controller’s transport', () => {
  it('pushes over node:http by default and through the fetch it is given otherwise, with the same outcome', async () => {
    const agents = await Promise.all([0, 1].map((i) => servedAgent(i)));
    closers.push(...agents.map((a) => a.close));
    const fetched: string[] = [];
    const global = globalThis.fetch;
    const spy: typeof fetch = (input, init) => {
      fetched.push(String(input));
      return global(input, init);
    };
    globalThis.fetch = spy;
    closers.push(() => {
      globalThis.fetch = global;
    });
    for (const [i, options] of [{}, { fetch: spy }].entries()) {
      const controller = makeController(new ManualTime(NOW * 1000), options);
      const a = agents[i]!;
      controller.registerAgent({ id: a.id, key: publicKeyOf(agentKey(i)), endpoint: a.endpoint, domains: ['ward-3'] });
      const issued = await controller.issue(emergencyStop());
      expect((await controller.acknowledged(issued.jti)).map((d) => d.state)).toEqual(['final']);
      expect(a.guard.mode()).toBe('stopped');
      await controller.close();
    }
    // The default went round the global fetch; the injected one carried the second controller's push.
    expect(fetched).toEqual([`${agents[1]!.endpoint}/signals`]);
  });
});
