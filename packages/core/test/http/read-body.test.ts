import { connect } from 'node:net';
import { isSafetyNetError } from '@safety-net/core';
import { mediaTypeOf, readBody } from '@safety-net/core/internal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveWeb } from './agents.js';

const MAX = 1000;
const TIMEOUT_MS = 300;

/** What a handler made of the body: its length, `late`, or the code it was refused with. */
async function outcome(read: Promise<Uint8Array | undefined>): Promise<string> {
  try {
    const body = await read;
    return body === undefined ? 'late' : `${body.length} bytes`;
  } catch (e) {
    if (isSafetyNetError(e)) return e.code;
    throw e;
  }
}

/** Sends `head` and then each chunk `gapMs` apart on a raw socket; resolves with the answer's body text. */
function rawRequest(head: string, chunks: string[], gapMs: number, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    let timer: ReturnType<typeof setTimeout> | undefined;
    socket.on('data', (d) => {
      answer += d.toString('latin1');
      const body = answer.split('\r\n\r\n')[1];
      if (body?.includes('}')) {
        clearTimeout(timer);
        socket.destroy();
        resolve(body.slice(body.indexOf('{'), body.lastIndexOf('}') + 1));
      }
    });
    socket.on('error', reject);
    socket.write(head);
    let i = 0;
    const next = () => {
      if (i < chunks.length) {
        socket.write(chunks[i++]!);
        timer = setTimeout(next, gapMs);
      }
    };
    next();
  });
}

describe('readBody on loopback', () => {
  let server: Awaited<ReturnType<typeof serveWeb>>;
  let port: number;
  const results: { result: string; ms: number }[] = [];
  beforeAll(async () => {
    server = await serveWeb(async (request) => {
      const started = performance.now();
      const result = await outcome(readBody(request, { max: MAX, timeoutMs: TIMEOUT_MS }));
      results.push({ result, ms: Math.round(performance.now() - started) });
      return Response.json(results.at(-1));
    });
    port = Number(new URL(server.url).port);
  });
  afterAll(() => server.close());

  const post = (body: Uint8Array) =>
    fetch(`${server.url}/`, { method: 'POST', body: body as Uint8Array<ArrayBuffer> }).then(
      (r) => r.json() as Promise<{ result: string; ms: number }>,
    );

  it('reads a body of exactly the limit, and refuses one byte more', async () => {
    expect((await post(new Uint8Array(MAX))).result).toBe(`${MAX} bytes`);
    expect((await post(new Uint8Array(MAX + 1))).result).toBe('ERR_INPUT_TOO_LARGE');
  });

  it('refuses a declared size over the limit before any of the body arrives', async () => {
    const head = `POST / HTTP/1.1\r\nhost: x\r\ncontent-length: ${MAX + 1}\r\n\r\n`;
    // No body byte is ever sent: the answer comes from the header alone, well before the timeout.
    const answer = JSON.parse(await rawRequest(head, [], 0, port)) as { result: string; ms: number };
    expect(answer.result).toBe('ERR_INPUT_TOO_LARGE');
    expect(answer.ms).toBeLessThan(TIMEOUT_MS);
  });

  it('refuses a chunked body without a declared size once it passes the limit', async () => {
    const head = 'POST / HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n';
    const chunk = `${(600).toString(16)}\r\n${'a'.repeat(600)}\r\n`;
    const answer = JSON.parse(await rawRequest(head, [chunk, chunk, chunk], 10, port)) as { result: string };
    expect(answer.result).toBe('ERR_INPUT_TOO_LARGE');
  });

  it('gives up on a slow drip at the timeout, though every byte comes within it of the last', async () => {
    const head = 'POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\n';
    const answer = JSON.parse(await rawRequest(head, Array(100).fill('a'), 50, port)) as {
      result: string;
      ms: number;
    };
    expect(answer.result).toBe('late');
    // 100 bytes 50 ms apart take 5 s; the answer comes at the timeout.
    expect(answer.ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 5);
    expect(answer.ms).toBeLessThan(2000);
  });

  it('reads a body shorter than its Content-Length whose connection closes as unreadable', async () => {
    const before = results.length;
    const socket = connect(port, '127.0.0.1');
    socket.write('POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\n0123456789');
    await new Promise((resolve) => setTimeout(resolve, 30));
    socket.destroy();
    while (results.length === before) await new Promise((resolve) => setTimeout(resolve, 5));
    // Refused as soon as the connection closes, not left to the timeout.
    expect(results[before]).toMatchObject({ result: 'ERR_INPUT_INVALID' });
    expect(results[before]!.ms).toBeLessThan(TIMEOUT_MS);
  });
});

describe('readBody on streams', () => {
  /** `n` one-byte chunks; the stream errors at chunk `failAt`, and records whether it was cancelled. */
  function trickle(n: number, failAt?: number) {
    let i = 0;
    const state = { cancelled: false };
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        if (i === failAt) c.error(new TypeError('terminated'));
        else if (i++ < n) c.enqueue(Uint8Array.of(i & 0xff));
        else c.close();
      },
      cancel() {
        state.cancelled = true;
      },
    });
    return { stream, state };
  }

  it('joins a body of many chunks in order, from a request or a response', async () => {
    const body = await readBody(new Response(trickle(3000).stream), { max: 3000 });
    expect(body.length).toBe(3000);
    expect([...body.subarray(0, 3)]).toEqual([1, 2, 3]);
    expect(body[2999]).toBe(3000 & 0xff);
    const request = new Request('http://x/', { method: 'POST', body: 'abc' });
    expect(new TextDecoder().decode(await readBody(request, { max: 3 }))).toBe('abc');
    expect((await readBody(new Response(null), { max: 0 })).length).toBe(0);
  });

  it('cancels a stream over the limit without reading the rest', async () => {
    const { stream, state } = trickle(5000);
    expect(await outcome(readBody(new Response(stream), { max: 100 }))).toBe('ERR_INPUT_TOO_LARGE');
    expect(state.cancelled).toBe(true);
  });

  it('turns a stream that fails into ERR_INPUT_INVALID', async () => {
    expect(await outcome(readBody(new Response(trickle(10, 5).stream), { max: 100 }))).toBe('ERR_INPUT_INVALID');
  });

  it('cancels a stalled stream at the timeout and reads it as undefined', async () => {
    const state = { cancelled: false };
    const stalled = new ReadableStream<Uint8Array>({
      start: (c) => c.enqueue(new Uint8Array([1])),
      cancel: () => {
        state.cancelled = true;
      },
    });
    expect(await outcome(readBody(new Response(stalled), { max: 100, timeoutMs: 30 }))).toBe('late');
    expect(state.cancelled).toBe(true);
  });

  /** `message` whose `body` must not be touched: a body of declared length is read whole. */
  const wholeOnly = <T extends Request | Response>(message: T): T =>
    new Proxy(message, {
      get: (target, key) => {
        if (key === 'body') throw new Error('body read as a stream');
        const value = Reflect.get(target, key, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });

  it('reads a body of declared length whole, without its stream', async () => {
    const request = new Request('http://x/', { method: 'POST', body: 'abc', headers: { 'content-length': '3' } });
    expect(new TextDecoder().decode(await readBody(wholeOnly(request), { max: 3 }))).toBe('abc');
    const empty = new Response(null, { headers: { 'content-length': '0' } });
    expect((await readBody(wholeOnly(empty), { max: 0 })).length).toBe(0);
  });

  it('refuses a message built in process that carries more than it declares, past the limit', async () => {
    const response = new Response('x'.repeat(101), { headers: { 'content-length': '3' } });
    expect(await outcome(readBody(wholeOnly(response), { max: 100 }))).toBe('ERR_INPUT_TOO_LARGE');
  });

  it('reads a stalled body of declared length as undefined at the timeout, and a failing one as unreadable', async () => {
    const stalled = new ReadableStream<Uint8Array>({ start: (c) => c.enqueue(new Uint8Array([1])) });
    const late = new Response(stalled, { headers: { 'content-length': '10' } });
    expect(await outcome(readBody(wholeOnly(late), { max: 100, timeoutMs: 30 }))).toBe('late');
    const failing = new Response(trickle(10, 5).stream, { headers: { 'content-length': '10' } });
    expect(await outcome(readBody(wholeOnly(failing), { max: 100, timeoutMs: 1000 }))).toBe('ERR_INPUT_INVALID');
  });

  it('refuses a declared size over the limit whatever the body', async () => {
    const response = new Response('x', { headers: { 'content-length': '101' } });
    expect(await outcome(readBody(response, { max: 100 }))).toBe('ERR_INPUT_TOO_LARGE');
  });
});

describe('mediaTypeOf', () => {
  it('is the type without parameters, in lower case', () => {
    const typed = (t: string) => new Response(null, { headers: { 'content-type': t } });
    expect(mediaTypeOf(typed('Application/COSE; charset=x'))).toBe('application/cose');
    expect(mediaTypeOf(typed(' application/json '))).toBe('application/json');
    expect(mediaTypeOf(new Response(null))).toBeUndefined();
  });
});
