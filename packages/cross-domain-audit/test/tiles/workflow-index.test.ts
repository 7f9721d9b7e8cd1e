import { decodeCbor, encodeCbor, generateKey, isSafetyNetError, seededRandom, signSign1 } from '@safety-net/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogEntry } from '../../src/log/entry.js';
import { MemoryLogStore } from '../../src/store/memory-log-store.js';
import { TileLogClient } from '../../src/tiles/client.js';
import { logHandler } from '../../src/tiles/handler.js';
import { openCheckpoint, sampleEntry, testLog } from '../support/log-fixture.js';
import { serveOnLoopback } from '../support/serve.js';

const codeOf = async (p: Promise<unknown>) => {
  try {
    await p;
    return undefined;
  } catch (e) {
    return isSafetyNetError(e) ? e.code : String(e);
  }
};

const signer = generateKey('Ed25519', seededRandom('workflow-index-http'));
function record(jti: string, wid: string, ect?: string): LogEntry {
  const claims = new Map<string, unknown>([
    ['jti', jti],
    ['wid', wid],
  ]);
  if (ect) claims.set('stitch', [new Map([['ect', ect]])]);
  return { kind: 'eat', body: signSign1(encodeCbor(claims as never), signer, { protectedHeader: { typ: 'x' } }) };
}

describe('the workflow index over HTTP (spec §5.5)', () => {
  const log = testLog(new MemoryLogStore());
  const TOKEN = 'Bearer auditor-7';
  let server: Awaited<ReturnType<typeof serveOnLoopback>>;
  let open: Awaited<ReturnType<typeof serveOnLoopback>>;

  beforeAll(async () => {
    await log.append([record('a', 'wf 1/x'), sampleEntry(1), record('b', 'wf-2', 'wf 1/x'), record('c', 'wf 1/x')]);
    server = await serveOnLoopback(
      logHandler({
        log,
        prefix: '/audit/main',
        authorizeAuditor: (r) => r.headers.get('authorization') === TOKEN,
        maxWorkflowIndices: 2,
      }),
    );
    open = await serveOnLoopback(logHandler({ log, prefix: '/audit/main' }));
  });
  afterAll(async () => {
    await server?.close();
    await open?.close();
  });

  it('answers the indices of a workflow as CBOR to an authenticated auditor only, never cached', async () => {
    const url = `${server.base}/audit/main/wid/${encodeURIComponent('wf-2')}`;
    const ok = await fetch(url, { headers: { authorization: TOKEN } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('application/cbor');
    expect(ok.headers.get('cache-control')).toBe('private, no-store');
    expect(decodeCbor(new Uint8Array(await ok.arrayBuffer()))).toEqual([2]);
    for (const headers of [new Headers(), new Headers({ authorization: 'Bearer someone-else' })]) {
      const refused = await fetch(url, { headers });
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toBe('Bearer');
      expect(await refused.json()).toEqual({ code: 'ERR_KEY_UNTRUSTED' });
    }
    // Without an authenticator the index is not served at all.
    expect((await fetch(`${open.base}/audit/main/wid/wf-2`, { headers: { authorization: TOKEN } })).status).toBe(404);
  });

  it('is read by the tile client: by wid and by stitching ECT, at most the configured count', async () => {
    const client = new TileLogClient({ prefix: `${server.base}/audit/main`, openCheckpoint });
    // Records of `wf 1/x` (0, 3) and the record whose stitch names it (2); the log answers two.
    expect(await client.workflow('wf 1/x', TOKEN)).toEqual([0, 2]);
    expect(await client.workflow('wf-9', TOKEN)).toEqual([]);
    expect(await codeOf(client.workflow('wf-2', 'Bearer wrong'))).toBe('ERR_KEY_UNTRUSTED');
    const lying = new TileLogClient({
      prefix: 'http://log.invalid/audit/main',
      openCheckpoint,
      fetch: async () => new Response(encodeCbor([3, 1])),
    });
    expect(await codeOf(lying.workflow('wf-2', TOKEN))).toBe('ERR_INPUT_INVALID');
  });
});
