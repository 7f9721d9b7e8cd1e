import {
  coseKeyThumbprint,
  fixedClock,
  generateKey,
  isSafetyNetError,
  publicKeyOf,
  seededRandom,
  signSign1,
  singleKey,
  toHex,
  utf8,
} from '@safety-net/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeLogEntry, entryLeafHash, logForm } from '../../src/log/entry.js';
import { TransparencyLog } from '../../src/log/transparency-log.js';
import { ReceiptIssuer, verifyReceipt } from '../../src/receipt/receipt.js';
import { MemoryLogStore } from '../../src/store/memory-log-store.js';
import { TileLogClient } from '../../src/tiles/client.js';
import { logHandler } from '../../src/tiles/handler.js';
import { signedMessageRegistrar } from '../../src/tiles/registrar.js';
import { testCheckpointSigner } from '../support/checkpoint-signer.js';
import { LOG_KEY, ORIGIN, openCheckpoint, sampleEntry, testLog } from '../support/log-fixture.js';
import { serveOnLoopback } from '../support/serve.js';

const codeOf = async (p: Promise<unknown>) => {
  try {
    await p;
    return undefined;
  } catch (e) {
    return isSafetyNetError(e) ? e.code : String(e);
  }
};

const receiptKey = generateKey('Ed25519', seededRandom('receipt-key'));
const registrant = generateKey('Ed25519', seededRandom('registrant'));
const stranger = generateKey('Ed25519', seededRandom('stranger'));
const receipts = new ReceiptIssuer({ origin: ORIGIN, key: receiptKey, clock: fixedClock(1_772_323_200_000) });
const registrar = signedMessageRegistrar({ keys: singleKey(publicKeyOf(registrant)) });

const kidOf = (key: typeof registrant) => coseKeyThumbprint(publicKeyOf(key));

function tombstone(text: string, key = registrant, typ = 'application/au-tombstone+cwt', kid = kidOf(key)) {
  return signSign1(utf8(text), key, {
    protectedHeader: { typ, kid },
    unprotectedHeader: { other: new Map([[17, utf8('unsigned disclosure')]]) },
  });
}

describe('the tiles read API over HTTP, read back by the tile client', () => {
  const log = testLog(new MemoryLogStore(), 65_536);
  const SIZE = 70_000;
  let server: Awaited<ReturnType<typeof serveOnLoopback>>;
  let prefix: string;

  beforeAll(async () => {
    await log.append(Array.from({ length: 69_000 }, (_, i) => sampleEntry(i)));
    await log.append(Array.from({ length: SIZE - 69_000 }, (_, i) => sampleEntry(69_000 + i)));
    server = await serveOnLoopback(logHandler({ log, prefix: '/audit/main', registrar, receipts }));
    prefix = `${server.base}/audit/main`;
  }, 60_000);
  afterAll(() => server?.close());

  it('computes entries and proofs of a 70,000-entry tree from its tiles', async () => {
    const client = new TileLogClient({ prefix, openCheckpoint });
    const head = await client.checkpoint();
    expect(head.size).toBe(SIZE);
    expect(toHex(head.rootHash)).toBe(toHex((await log.treeHead()).rootHash));
    for (const i of [0, 255, 256, 12_345, 65_535, 65_536, 68_999, 69_000, 69_999]) {
      const entry = await client.entry(i, head);
      expect(entry).toEqual(encodeLogEntry(sampleEntry(i)));
      const path = await client.inclusionProof(entry, i, head);
      expect(path.map(toHex)).toEqual((await log.inclusionProof(i)).map(toHex));
    }
    const old = await openCheckpoint((await log.checkpointAt(69_000))!);
    const proof = await client.consistencyProof(old, head);
    expect(proof.map(toHex)).toEqual((await log.consistencyProof(69_000)).map(toHex));
  });

  it('refuses what a lying log serves: a changed hash tile or entry bundle', async () => {
    const flipping =
      (match: RegExp): typeof fetch =>
      async (input) => {
        const response = await fetch(input);
        if (!match.test(String(input))) return response;
        const bytes = new Uint8Array(await response.arrayBuffer());
        bytes[bytes.length - 1]! ^= 1;
        return new Response(bytes, { status: 200 });
      };
    const head = await openCheckpoint((await log.checkpoint())!);
    const badTile = new TileLogClient({ prefix, openCheckpoint, fetch: flipping(/tile\/0\//) });
    expect(await codeOf(badTile.entry(300, head))).toBe('ERR_AU_PROOF_INVALID');
    const badBundle = new TileLogClient({ prefix, openCheckpoint, fetch: flipping(/tile\/entries\//) });
    expect(await codeOf(badBundle.entry(69_999, head))).toBe('ERR_AU_PROOF_INVALID');
    const old = await openCheckpoint((await log.checkpointAt(69_000))!);
    const badUpper = new TileLogClient({ prefix, openCheckpoint, fetch: flipping(/tile\/1\//) });
    expect(await codeOf(badUpper.consistencyProof(old, head))).toBe('ERR_AU_PROOF_INVALID');
  });

  it('serves static paths with their media types and caching, and 404 for anything else', async () => {
    const checkpoint = await fetch(`${prefix}/checkpoint`);
    expect(checkpoint.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(checkpoint.headers.get('cache-control')).toBe('public, max-age=2');
    expect(await checkpoint.text()).toBe(await log.checkpoint());
    const tile = await fetch(`${prefix}/tile/1/001.p/17`);
    expect(tile.status).toBe(200);
    expect(tile.headers.get('content-type')).toBe('application/octet-stream');
    expect(tile.headers.get('cache-control')).toContain('immutable');
    expect((await tile.arrayBuffer()).byteLength).toBe(17 * 32);
    expect((await (await fetch(`${prefix}/tile/0/000`)).arrayBuffer()).byteLength).toBe(8192);
    expect((await fetch(`${prefix}/tile/2/000.p/1`)).status).toBe(200);
    for (const missing of [
      'tile/0/274',
      'tile/0/273.p/113',
      'tile/1/001',
      'tile/2/000.p/2',
      'tile/0/x000/001',
      'nope',
    ]) {
      const r = await fetch(`${prefix}/${missing}`);
      expect(r.status, missing).toBe(404);
      await r.body?.cancel();
    }
    expect((await fetch(`${server.base}/elsewhere/checkpoint`)).status).toBe(404);
    expect((await fetch(`${prefix}/checkpoint`, { method: 'POST', body: 'x' })).status).toBe(405);
    expect((await fetch(`${prefix}/add-entry`)).status).toBe(405);
  });
});

describe('registration over HTTP', () => {
  const log = testLog(new MemoryLogStore());
  let server: Awaited<ReturnType<typeof serveOnLoopback>>;
  const post = (body: Uint8Array | string, type = 'application/cose') =>
    fetch(`${server.base}/log/add-entry`, { method: 'POST', body, headers: { 'content-type': type } });

  beforeAll(async () => {
    server = await serveOnLoopback(logHandler({ log, prefix: '/log', registrar, receipts }));
  });
  afterAll(() => server?.close());

  it('answers 200 with a receipt that verifies offline, idempotently, and serves it again', async () => {
    const message = tombstone('tombstone 1');
    const first = await post(message);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('application/cose');
    const entry = encodeLogEntry({ kind: 'tombstone', body: logForm(message) });
    expect(first.headers.get('location')).toBe(`/log/receipt/${toHex(entryLeafHash(entry))}`);
    const head = await openCheckpoint((await log.checkpoint())!);
    const receipt = new Uint8Array(await first.arrayBuffer());
    const verified = verifyReceipt(receipt, { entry, key: publicKeyOf(receiptKey), checkpoints: [head] });
    expect(verified).toMatchObject({ issuer: ORIGIN, iat: 1_772_323_200, index: 0, size: 1 });
    // The entry holds the log form: the unsigned disclosure is gone.
    expect(toHex(await log.entry(0))).toBe(toHex(entry));
    expect(toHex(entry)).not.toContain(toHex(utf8('unsigned disclosure')));

    await post(tombstone('tombstone 2'));
    const again = await post(message);
    expect(again.status).toBe(200);
    const newer = await openCheckpoint((await log.checkpoint())!);
    const second = verifyReceipt(new Uint8Array(await again.arrayBuffer()), {
      entry,
      key: publicKeyOf(receiptKey),
      checkpoints: [newer],
    });
    expect([second.index, second.size]).toEqual([0, 2]);
    const served = await fetch(`${server.base}${first.headers.get('location')}`);
    expect(served.status).toBe(200);
    // A receipt under another root, or for another entry, or by another key, is refused.
    const bytes = new Uint8Array(await served.arrayBuffer());
    expect(() => verifyReceipt(bytes, { entry, key: publicKeyOf(receiptKey), checkpoints: [head] })).toThrow(
      expect.objectContaining({ code: 'ERR_AU_RECEIPT_INVALID' }),
    );
    const other = encodeLogEntry({ kind: 'tombstone', body: logForm(tombstone('tombstone 2')) });
    expect(() => verifyReceipt(bytes, { entry: other, key: publicKeyOf(receiptKey), checkpoints: [newer] })).toThrow(
      expect.objectContaining({ code: 'ERR_AU_RECEIPT_INVALID' }),
    );
    expect(() => verifyReceipt(bytes, { entry, key: publicKeyOf(stranger), checkpoints: [newer] })).toThrow(
      expect.objectContaining({ code: 'ERR_AU_RECEIPT_INVALID' }),
    );
    expect((await fetch(`${server.base}/log/receipt/${'00'.repeat(32)}`)).status).toBe(404);
  });

  it('refuses adversarial bodies with the status and code of spec §5.5', async () => {
    const cases: Array<[string, Promise<Response>, number, string]> = [
      ['not CBOR', post(utf8('hello')), 400, 'ERR_CBOR_TRUNCATED'],
      ['empty', post(new Uint8Array(0)), 400, ''],
      ['a CBOR map', post(Uint8Array.of(0xa0)), 400, ''],
      ['another media type', post(tombstone('x'), 'application/json'), 415, 'ERR_INPUT_INVALID'],
      ['an unknown signer', post(tombstone('x', stranger)), 403, 'ERR_KEY_UNTRUSTED'],
      [
        'a forged signature',
        post(tombstone('x', stranger, undefined, kidOf(registrant))),
        400,
        'ERR_COSE_BAD_SIGNATURE',
      ],
      [
        'a type that is not logged',
        post(tombstone('x', registrant, 'application/au-erasure+cwt')),
        400,
        'ERR_AU_ENTRY_INVALID',
      ],
      ['an entry over 65,535 bytes', post(tombstone('x'.repeat(70_000))), 413, 'ERR_AU_ENTRY_INVALID'],
      ['a body over the limit', post(new Uint8Array(1_048_577)), 413, 'ERR_INPUT_TOO_LARGE'],
    ];
    for (const [what, response, status, code] of cases) {
      const r = await response;
      expect(r.status, what).toBe(status);
      const body = (await r.json()) as { code: string };
      if (code) expect(body.code, what).toBe(code);
      else expect(body.code, what).toMatch(/^ERR_/);
    }
    expect((await log.treeHead()).size).toBe(2);
  });

  it('answers 202 with the receipt location when integration takes longer than the wait', async () => {
    const slowSigner = testCheckpointSigner(LOG_KEY);
    const slow = new TransparencyLog({
      origin: ORIGIN,
      store: new MemoryLogStore(),
      signer: async (head) => {
        await new Promise((r) => setTimeout(r, 300));
        return slowSigner(head);
      },
    });
    const s = await serveOnLoopback(logHandler({ log: slow, registrar, receipts, waitMs: 20 }));
    try {
      const message = tombstone('slow');
      const r = await fetch(`${s.base}/add-entry`, {
        method: 'POST',
        body: message,
        headers: { 'content-type': 'application/cose' },
      });
      expect(r.status).toBe(202);
      const location = r.headers.get('location')!;
      expect((await fetch(`${s.base}${location}`)).status).toBe(404);
      await new Promise((r) => setTimeout(r, 500));
      expect((await fetch(`${s.base}${location}`)).status).toBe(200);
    } finally {
      await s.close();
    }
  });
});
