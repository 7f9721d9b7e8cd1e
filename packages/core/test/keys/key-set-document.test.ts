import {
  encodeCbor,
  generateKey,
  isSafetyNetError,
  keyToCoseKey,
  keyToJwk,
  remoteKeySet,
  seededRandom,
} from '@safety-net/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

// Parsing only: the document comes from an injected fetch, so thousands of bodies run without a server.
const KEY_SET_CODES = new Set(['ERR_KEY_SET_INVALID']);

async function outcome(body: Uint8Array, format: 'jwks' | 'cose'): Promise<string> {
  const keys = remoteKeySet('https://issuer.example/keys', {
    issuer: 'https://issuer.example',
    format,
    fetch: async () => new Response(body, { status: 200 }),
  });
  try {
    await keys.ready();
    return 'ok';
  } catch (e) {
    return isSafetyNetError(e) ? e.code : `foreign ${String(e)}`;
  }
}

const key = generateKey('P-256', seededRandom('key-set-document/fuzz'));

describe('any body gives a set or ERR_KEY_SET_INVALID, never anything else', () => {
  it('random bytes and mutated documents, as JWK Set and as COSE_KeySet', async () => {
    const jwks = new TextEncoder().encode(JSON.stringify({ keys: [keyToJwk(key)] }));
    const cose = encodeCbor([keyToCoseKey(key)]);
    const mutated = (doc: Uint8Array) =>
      fc.array(fc.tuple(fc.nat(doc.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }).map((edits) => {
        const copy = doc.slice();
        for (const [at, value] of edits) copy[at] = value;
        return copy;
      });
    for (const [format, doc] of [
      ['jwks', jwks],
      ['cose', cose],
    ] as const) {
      await fc.assert(
        fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 300 }), mutated(doc)), async (body) => {
          const code = await outcome(body, format);
          expect(code === 'ok' || KEY_SET_CODES.has(code), code).toBe(true);
        }),
        { numRuns: 300, seed: 7 },
      );
    }
  });
});
