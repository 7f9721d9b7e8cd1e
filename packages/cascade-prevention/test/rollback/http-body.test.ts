import { describe, expect, it } from 'vitest';
import { codeOf } from '../../../../test-support/codes.js';
import { httpTransport, participantHandler, type RollbackParticipant } from '../../src/index.js';

/** A body of `n` one-byte chunks, as a peer writing byte by byte with chunked encoding sends it. */
function trickle(n: number, failAt?: number): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(c) {
      if (i === failAt) c.error(new TypeError('terminated'));
      else if (i++ < n) c.enqueue(Uint8Array.of(i & 0xff));
      else c.close();
    },
  });
}

const address = { agent: 'spiffe://example.org/agent/inventory', steps: [] };
const signal = new AbortController().signal;

async function rejection(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'no error';
  } catch (e) {
    return codeOf(() => {
      throw e;
    });
  }
}

describe('HTTP bodies from a misbehaving peer', () => {
  it('the participant reads a body of 300,000 one-byte chunks and answers with a code, not a crash', async () => {
    const seen: number[] = [];
    const participant = {
      raiseFences: async (b: Uint8Array) => void seen.push(b.length),
    } as unknown as RollbackParticipant;
    const handler = participantHandler(participant);
    const response = await handler(
      new Request('http://p/fence', {
        method: 'POST',
        body: trickle(300_000),
        headers: { 'content-type': 'application/cose' },
        duplex: 'half',
      } as RequestInit),
    );
    expect(response.status).toBe(204);
    expect(seen).toEqual([300_000]);
  });

  it('the coordinator side reads such a compensate answer whole, and a broken stream is a typed failure', async () => {
    const answering = (body: () => ReadableStream<Uint8Array>) =>
      httpTransport({
        fetch: (async () => new Response(body(), { status: 200 })) as typeof fetch,
        endpointOf: () => 'http://p',
      });
    const bytes = await answering(() => trickle(300_000)).compensate(address, new Uint8Array(1), signal);
    expect(bytes.length).toBe(300_000);
    expect(bytes[299_999]).toBe(300_000 & 0xff);
    expect(await rejection(answering(() => trickle(10, 5)).compensate(address, new Uint8Array(1), signal))).toBe(
      'ERR_INPUT_INVALID',
    );
    expect(await rejection(answering(() => trickle(5_000_000)).compensate(address, new Uint8Array(1), signal))).toBe(
      'ERR_INPUT_TOO_LARGE',
    );
  });
});
