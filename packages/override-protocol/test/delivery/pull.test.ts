import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { decodeCbor, decodeSign1, encodeCbor, type SafetyNetError } from '@safety-net/core';
import { afterEach, describe, expect, it } from 'vitest';
import { sseEvent } from '../../src/delivery/event-stream.js';
import { MemoryOutbox, type OutboxEntry, pullEndpoint, pullSignals } from '../../src/delivery/index.js';
import { acknowledgement } from '../../src/index.js';
import { AGENT, ManualTimers, openGuard, signal } from '../guard/world.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const events = (base: string) => `${base}/agents/${encodeURIComponent(AGENT)}/events`;
const ackSignal = (bytes: Uint8Array) =>
  acknowledgement.parse(acknowledgement.fromCbor(decodeCbor(decodeSign1(bytes).payload!))).signal;

/** A control plane on loopback: the pull endpoint over a memory outbox, and `POST /acks` collecting acks. */
async function controlPlane(options: { timers?: ManualTimers; keepAliveMs?: number } = {}) {
  const outbox = new MemoryOutbox();
  const acks: string[] = [];
  const pull = pullEndpoint({
    outbox,
    authorize: (r) => r.headers.get('authorization') !== 'Bearer wrong',
    ...options,
  });
  const server = createAdaptorServer({
    fetch: async (request: Request) => {
      if (new URL(request.url).pathname !== '/acks') return pull(request);
      acks.push(ackSignal(new Uint8Array(await request.arrayBuffer())));
      return new Response(null, { status: 204 });
    },
  }) as Server;
  const base = await listen(server);
  return { outbox, acks, base };
}

/** Runs a puller until `done()` holds, then stops it; returns what it reported. */
async function pullUntil(options: Omit<Parameters<typeof pullSignals>[0], 'signal'>, done: () => boolean) {
  const stop = new AbortController();
  const errors: SafetyNetError[] = [];
  const finished = pullSignals({ onError: (e) => errors.push(e), ...options, signal: stop.signal });
  for (let i = 0; i < 500 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
  stop.abort();
  const position = await finished;
  return { errors, position };
}

describe('pull delivery over Server-Sent Events, on loopback (spec §7.2)', () => {
  it('streams the outbox to the guard, posts each acknowledgement once, and resumes after a position', async () => {
    const { outbox, acks, base } = await controlPlane();
    const { guard } = await openGuard();
    outbox.append(AGENT, 'ov-signal', signal('p1', 1, 'pause'));
    const live = pullUntil({ url: events(base), acks: `${base}/acks`, guard }, () => acks.length === 2);
    await new Promise((r) => setTimeout(r, 50));
    outbox.append(AGENT, 'ov-signal', signal('s2', 2, 'stop')); // arrives live, on the open stream
    const { errors, position } = await live;
    expect(errors).toEqual([]);
    expect(acks).toEqual(['p1', 's2']);
    expect(position).toBe(2);
    expect(guard.mode()).toBe('stopped');

    outbox.append(AGENT, 'ov-signal', signal('r3', 3, 'resume', { lifts: ['p1'] }));
    const { guard: fresh } = await openGuard();
    const resumed = await pullUntil(
      { url: events(base), acks: `${base}/acks`, guard: fresh, after: 2 },
      () => acks.length === 3,
    );
    expect(acks).toEqual(['p1', 's2', 'r3']);
    expect(resumed.position).toBe(3);
  });

  it('loses nothing when the stream is cut mid-event: the event arrives once, after a reconnect with Last-Event-ID', async () => {
    const entries: OutboxEntry[] = [1, 2, 3].map((n) => ({
      position: n,
      name: 'ov-signal',
      bytes: signal(`s${n}`, n, 'pause'),
    }));
    const lastIds: (string | undefined)[] = [];
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      if (req.url === '/acks') {
        const chunks: Buffer[] = [];
        req.on('data', (c) => chunks.push(c));
        req.on('end', () => {
          acks.push(ackSignal(new Uint8Array(Buffer.concat(chunks))));
          res.writeHead(204).end();
        });
        return;
      }
      lastIds.push(req.headers['last-event-id'] as string | undefined);
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      if (lastIds.length === 1) {
        const second = sseEvent(entries[1]!);
        res.write(`retry: 5\n\n${sseEvent(entries[0]!)}${second.slice(0, second.length / 2)}`, () =>
          res.socket?.destroy(),
        );
      } else res.write(`${sseEvent(entries[1]!)}${sseEvent(entries[2]!)}`);
    });
    const acks: string[] = [];
    const base = await listen(server);
    const { guard } = await openGuard();
    const received: boolean[] = [];
    const target = {
      ...guard,
      receive: async (bytes: Uint8Array) => {
        const answer = await guard.receive(bytes);
        received.push(answer.duplicate);
        return answer;
      },
      acceptPolicy: (b: Uint8Array) => guard.acceptPolicy(b),
      acceptRevocation: (b: Uint8Array) => guard.acceptRevocation(b),
    };
    const { errors } = await pullUntil(
      { url: `${base}/events`, acks: `${base}/acks`, guard: target },
      () => acks.length === 3,
    );
    expect(lastIds).toEqual([undefined, '1']);
    expect(acks).toEqual(['s1', 's2', 's3']);
    expect(received).toEqual([false, false, false]); // each delivered once, none a duplicate
    expect(errors.every((e) => e.code === 'ERR_OV_DELIVERY_FAILED')).toBe(true);
  });

  it('writes retry first, and a keep-alive comment on each tick of its (injected) timer, at most every 15 s', async () => {
    const timers = new ManualTimers();
    const { base } = await controlPlane({ timers });
    const response = await fetch(events(base), { headers: { accept: 'text/event-stream' } });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const reader = response.body!.getReader();
    const text = async () => new TextDecoder().decode((await reader.read()).value);
    expect(await text()).toBe('retry: 1000\n\n');
    expect([...timers.pending.values()].map((t) => t.ms)).toEqual([15_000]);
    timers.fireAll();
    expect(await text()).toBe(': keep-alive\n');
    timers.fireAll();
    expect(await text()).toBe(': keep-alive\n');
    await reader.cancel();
    expect(() => pullEndpoint({ outbox: new MemoryOutbox(), authorize: () => true, keepAliveMs: 15_001 })).toThrow(
      expect.objectContaining({ code: 'ERR_OV_CONFIG_INVALID' }),
    );
  });

  it('replays after Last-Event-ID, from the oldest kept event when that position is gone', async () => {
    const { outbox, base } = await controlPlane();
    for (let n = 1; n <= 4; n++) outbox.append(AGENT, 'ov-signal', signal(`s${n}`, n, 'pause'));
    const read = async (lastId: string) => {
      const response = await fetch(events(base), { headers: { accept: 'text/event-stream', 'last-event-id': lastId } });
      const reader = response.body!.getReader();
      let text = '';
      while (!text.includes('id: 4\n')) text += new TextDecoder().decode((await reader.read()).value);
      await reader.cancel();
      return [...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
    };
    expect(await read('2')).toEqual([3, 4]);
    const small = new MemoryOutbox({ maxEvents: 2 });
    for (let n = 1; n <= 4; n++) small.append(AGENT, 'ov-signal', signal(`s${n}`, n, 'pause'));
    expect((await small.after(AGENT, 0, 10)).map((e) => e.position)).toEqual([3, 4]);
  });

  it('refuses what it cannot serve with 4xx: a bad Last-Event-ID, no event-stream Accept, a POST, a stranger', async () => {
    const { base } = await controlPlane();
    const get = (headers: Record<string, string>, url = events(base)) => fetch(url, { headers });
    const bad = await get({ accept: 'text/event-stream', 'last-event-id': '1x' });
    expect([bad.status, await bad.json()]).toEqual([400, { code: 'ERR_INPUT_INVALID' }]);
    expect((await get({})).status).toBe(406);
    expect((await get({ accept: 'text/event-stream', authorization: 'Bearer wrong' })).status).toBe(403);
    expect((await fetch(events(base), { method: 'POST' })).status).toBe(405);
    expect((await get({}, `${base}/agents/a/b/events`)).status).toBe(404);
  });
});

describe('pull delivery by long-poll, on loopback (spec §7.3)', () => {
  it('answers 204 when nothing came by the wait, then the entries as a CBOR array of triples', async () => {
    const timers = new ManualTimers();
    const { outbox, base } = await controlPlane({ timers });
    const waiting = fetch(`${events(base)}?after=0&wait=25`);
    for (let i = 0; i < 100 && timers.pending.size === 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect([...timers.pending.values()].map((t) => t.ms)).toEqual([25_000]);
    timers.fireAll();
    expect((await waiting).status).toBe(204);

    const pending = fetch(`${events(base)}?after=0&wait=25`);
    for (let i = 0; i < 100 && timers.pending.size === 0; i++) await new Promise((r) => setTimeout(r, 5));
    const stop = signal('s1', 1, 'stop');
    outbox.append(AGENT, 'ov-signal', stop); // wakes the waiting request before its timer
    const answer = await pending;
    expect(answer.headers.get('content-type')).toBe('application/cbor');
    expect(decodeCbor(new Uint8Array(await answer.arrayBuffer()))).toEqual([[1, 'ov-signal', stop]]);
  });

  it('caps an answer at 1 MiB, in order, and refuses a wait over 60 s or a malformed position', async () => {
    const { outbox, base } = await controlPlane();
    const big = new Uint8Array(60 * 1024);
    for (let n = 0; n < 20; n++) outbox.append(AGENT, 'ov-lease', big);
    const first = await fetch(`${events(base)}?after=0&wait=1`);
    const body = new Uint8Array(await first.arrayBuffer());
    const triples = decodeCbor(body) as [number, string, Uint8Array][];
    expect(body.length).toBeLessThanOrEqual(1024 * 1024);
    expect(triples.map((t) => t[0])).toEqual(Array.from({ length: triples.length }, (_, i) => i + 1));
    expect(triples.length).toBeGreaterThanOrEqual(16);
    expect(triples.length).toBeLessThan(20);
    for (const query of ['after=0&wait=61', 'after=-1', 'after=1.5', 'after=&wait=1']) {
      const r = await fetch(`${events(base)}?${query}`);
      expect([query, r.status, await r.json()]).toEqual([query, 400, { code: 'ERR_INPUT_INVALID' }]);
    }
  });

  it('feeds the guard and posts acknowledgements from a long-polling agent', async () => {
    const { outbox, acks, base } = await controlPlane();
    const { guard } = await openGuard();
    outbox.append(AGENT, 'ov-signal', signal('p1', 1, 'pause'));
    outbox.append(AGENT, 'ov-signal', signal('s2', 2, 'stop'));
    const { errors, position } = await pullUntil(
      { url: events(base), acks: `${base}/acks`, guard, transport: 'long-poll', wait: 1 },
      () => acks.length === 2,
    );
    expect(errors).toEqual([]);
    expect(acks).toEqual(['p1', 's2']);
    expect(position).toBe(2);
    expect(guard.mode()).toBe('stopped');
  });
});

describe('a puller facing a broken or hostile server', () => {
  it('waits the retry time the stream set before reconnecting', async () => {
    let requests = 0;
    const base = await listen(
      createServer((_req, res) => {
        requests++;
        res.writeHead(200, { 'content-type': 'text/event-stream' }).end('retry: 2500\n\n');
      }),
    );
    const { guard } = await openGuard();
    const timers = new ManualTimers();
    const stop = new AbortController();
    const finished = pullSignals({ url: base, acks: base, guard, signal: stop.signal, timers });
    for (let i = 0; i < 200 && timers.pending.size === 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect([...timers.pending.values()].map((t) => t.ms)).toEqual([2500]);
    expect(requests).toBe(1);
    timers.fireAll();
    for (let i = 0; i < 200 && requests < 2; i++) await new Promise((r) => setTimeout(r, 5));
    expect(requests).toBe(2);
    stop.abort();
    await finished;
  });

  it('does not spin on a long-poll answered 204 at once: it asks again a second after it last asked', async () => {
    let requests = 0;
    const base = await listen(
      createServer((_req, res) => {
        requests++;
        res.writeHead(204).end();
      }),
    );
    const { guard } = await openGuard();
    const timers = new ManualTimers();
    const stop = new AbortController();
    const finished = pullSignals({ url: base, acks: base, guard, signal: stop.signal, timers, transport: 'long-poll' });
    for (let i = 0; i < 200 && timers.pending.size === 0; i++) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 100));
    expect([requests, [...timers.pending.values()].map((t) => t.ms)]).toEqual([1, [1000]]);
    timers.fireAll();
    for (let i = 0; i < 200 && requests < 2; i++) await new Promise((r) => setTimeout(r, 5));
    expect(requests).toBe(2);
    stop.abort();
    await finished;
  });

  /** A server answering every request with `answer`, counting requests. */
  async function hostile(answer: (res: ServerResponse) => void) {
    let requests = 0;
    const base = await listen(
      createServer((_req, res) => {
        requests++;
        answer(res);
      }),
    );
    return { base, requests: () => requests };
  }

  it('reports typed errors for oversize and malformed answers, keeps going, and never throws', async () => {
    const { guard } = await openGuard();
    const cases: [string, 'sse' | 'long-poll', (res: ServerResponse) => void][] = [
      [
        'ERR_INPUT_TOO_LARGE',
        'long-poll',
        (res) => res.writeHead(200, { 'content-type': 'application/cbor' }).end(new Uint8Array(1024 * 1024 + 1)),
      ],
      [
        'ERR_INPUT_INVALID',
        'long-poll',
        (res) => res.writeHead(200, { 'content-type': 'application/cbor' }).end(Buffer.from([0xff, 0x00])),
      ],
      [
        'ERR_INPUT_INVALID',
        'long-poll',
        (res) =>
          res
            .writeHead(200, { 'content-type': 'application/cbor' })
            .end(encodeCbor([[0, 'ov-signal', new Uint8Array(1)]])),
      ],
      ['ERR_OV_DELIVERY_FAILED', 'long-poll', (res) => res.writeHead(500).end()],
      [
        'ERR_INPUT_TOO_LARGE',
        'sse',
        (res) =>
          res.writeHead(200, { 'content-type': 'text/event-stream' }).end(`retry: 5\n\ndata: ${'A'.repeat(100_000)}\n`),
      ],
      [
        'ERR_INPUT_INVALID',
        'sse',
        (res) =>
          res
            .writeHead(200, { 'content-type': 'text/event-stream' })
            .end('retry: 5\n\nid: 1\nevent: ov-signal\ndata: !!\n\n'),
      ],
      [
        'ERR_OV_DELIVERY_FAILED',
        'sse',
        (res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('data: x\n\n'),
      ],
    ];
    for (const [code, transport, answer] of cases) {
      const { base, requests } = await hostile(answer);
      const timers = new ManualTimers();
      const stop = new AbortController();
      const errors: string[] = [];
      const finished = pullSignals({
        url: base,
        acks: base,
        guard,
        transport,
        signal: stop.signal,
        timers,
        onError: (e) => errors.push(e.code),
      });
      for (let i = 0; i < 200 && requests() < 2; i++) {
        timers.fireAll(); // the retry delay
        await new Promise((r) => setTimeout(r, 5));
      }
      stop.abort();
      await expect(finished).resolves.toBeTypeOf('number');
      expect([code, requests() >= 2, errors[0]]).toEqual([code, true, code]);
    }
    expect(guard.mode()).toBe('running');
  });
});
