import { consistencyProof, fixedClock, toBase64Url, utf8 } from '@safety-net/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgTestSchemas, pgTestUrl } from '../../../../test-support/postgres.js';
import {
  addCheckpoint,
  detectFork,
  formatAddCheckpoint,
  formatVerifierKey,
  MemoryWitnessStore,
  noteVerifierOf,
  openNote,
  TLOG_SIZE_MEDIA_TYPE,
  verifyForkFinding,
  type WitnessStore,
  witnessHandler,
} from '../../src/index.js';
import { migrateWitness, PostgresWitnessStore } from '../../src/postgres.js';
import { SqliteWitnessStore } from '../../src/sqlite.js';
import { SAMPLE_NOW } from '../../src/testing.js';
import { checkpointOf, LOG_VERIFIER, leaves, ORIGIN, WITNESS_A } from '../notes-fixtures.js';
import { serveOnLoopback } from '../support/serve.js';

const WITNESS_VKEY = formatVerifierKey(noteVerifierOf(WITNESS_A));
const LOG_VKEY = formatVerifierKey(LOG_VERIFIER);
const code = (c: string) => expect.objectContaining({ code: c });

const url = pgTestUrl();
const schemas = url ? new PgTestSchemas(url) : undefined;
afterAll(() => schemas?.close());

// PostgreSQL joins when a server is given; postgres-store.test.ts says why it is skipped otherwise.
const stores: [string, () => WitnessStore | Promise<WitnessStore>][] = [
  ['memory', () => new MemoryWitnessStore()],
  ['SQLite', () => new SqliteWitnessStore(':memory:')],
  ...(schemas
    ? [
        [
          'PostgreSQL',
          async () => {
            const pool = schemas.pool(await schemas.create(), 2);
            await migrateWitness(pool);
            return new PostgresWitnessStore(pool);
          },
        ] as [string, () => Promise<WitnessStore>],
      ]
    : []),
];

describe.each(stores)('the witness over HTTP on loopback (%s store)', (_name, makeStore) => {
  let base: string;
  let close: () => Promise<void>;
  let store: WitnessStore;
  const clock = fixedClock(SAMPLE_NOW * 1000);

  beforeAll(async () => {
    store = await makeStore();
    const handler = witnessHandler({ signer: WITNESS_A, logs: [{ origin: ORIGIN, keys: [LOG_VKEY] }], store, clock });
    ({ base, close } = await serveOnLoopback(handler));
  });
  afterAll(() => close());

  const post = (body: string, path = '/add-checkpoint') =>
    fetch(`${base}${path}`, { method: 'POST', body }).then(async (r) => ({
      status: r.status,
      type: r.headers.get('content-type'),
      text: await r.text(),
    }));
  const request = (oldSize: number, note: string, proof: Uint8Array[] = []) =>
    post(formatAddCheckpoint({ oldSize, proof, checkpoint: note }));

  it('cosigns a first checkpoint (old 0, no proof) with a cosignature/v1 line that verifies', async () => {
    const note = checkpointOf(3);
    const answer = await request(0, note);
    expect(answer.status).toBe(200);
    const opened = openNote(`${note}${answer.text}`, [LOG_VKEY, WITNESS_VKEY]);
    expect(opened.verified.map((s) => [s.name, s.timestamp])).toEqual([
      [ORIGIN, 0],
      ['witness-a.example', SAMPLE_NOW],
    ]);
    expect((await store.latest(ORIGIN))?.size).toBe(3);
  });

  it('answers 409 with its size when the old size is not the one it holds', async () => {
    const answer = await request(0, checkpointOf(5));
    expect(answer).toEqual({ status: 409, type: TLOG_SIZE_MEDIA_TYPE, text: '3\n' });
  });

  it('answers 422 to a consistency proof that does not verify, and keeps the request', async () => {
    const proof = consistencyProof(leaves(5), 3);
    proof[0] = proof[0]!.map((b) => b ^ 1);
    expect((await request(3, checkpointOf(5), proof)).status).toBe(422);
    expect((await store.evidence(ORIGIN)).map((e) => e.kind)).toEqual(['inconsistent']);
    expect((await store.latest(ORIGIN))?.size).toBe(3);
  });

  it('advances with a proof that verifies, and cosigns the same checkpoint again without one', async () => {
    const note = checkpointOf(5);
    expect((await request(3, note, consistencyProof(leaves(5), 3))).status).toBe(200);
    expect((await request(5, note)).status).toBe(200);
    expect((await store.latest(ORIGIN))?.size).toBe(5);
  });

  it('answers 400, 404 and 403 as the table says', async () => {
    expect((await post('old 01\n\n' + checkpointOf(5))).status).toBe(400);
    expect((await post('old 5\n' + checkpointOf(5))).status).toBe(400);
    expect((await request(6, checkpointOf(5))).status).toBe(400);
    expect((await post('x'.repeat(70_000))).status).toBe(400);
    expect(
      (await post(formatAddCheckpoint({ oldSize: 0, proof: [new Uint8Array(32)], checkpoint: checkpointOf(5) })))
        .status,
    ).toBe(400);
    const other = checkpointOf(5).replace(ORIGIN, 'other.example/audit/main');
    expect(await request(5, other)).toMatchObject({ status: 404, text: '{"code":"ERR_AU_WITNESS_UNKNOWN_LOG"}' });
    const unsigned = checkpointOf(5).replace(/— [^\n]+\n$/, `— other.example ${'A'.repeat(92)}\n`);
    expect(await request(5, unsigned)).toMatchObject({ status: 403, text: '{"code":"ERR_AU_NOTE_UNVERIFIED"}' });
    const forged = checkpointOf(5).replace(/ [A-Za-z0-9+/]{20}/, (m) =>
      m.replace(/[A-Z]/, (c) => (c === 'A' ? 'B' : 'A')),
    );
    expect((await request(5, forged)).status).toBe(403);
    expect((await post('', '/other')).status).toBe(404);
    expect((await fetch(`${base}/add-checkpoint`)).status).toBe(405);
  });

  it('keeps two checkpoints of one size with different roots as fork evidence, answers 409, and stops cosigning', async () => {
    const forked = checkpointOf(5, [...leaves(4), utf8('another entry')]);
    expect(await request(5, forked)).toEqual({ status: 409, type: TLOG_SIZE_MEDIA_TYPE, text: '5\n' });
    const kept = (await store.evidence(ORIGIN)).filter((e) => e.kind === 'same_size');
    expect(kept).toHaveLength(1);
    expect(kept[0]!.b).toBe(forked);
    // What the witness kept is Fork Evidence anyone holding the log's key can check.
    expect(detectFork(kept[0]!.a, kept[0]!.b, { keys: [LOG_VKEY], origin: ORIGIN })?.kind).toBe('same_size');
    expect(await store.halted(ORIGIN)).toBe(true);
    expect(await request(5, checkpointOf(5))).toMatchObject({ status: 403, text: '{"code":"ERR_AU_FORK_DETECTED"}' });
    await store.resume(ORIGIN);
    expect((await request(5, checkpointOf(5))).status).toBe(200);
  });

  it('never rolls back under concurrent requests: one of two racing advances wins, the other gets 409', async () => {
    const a = request(5, checkpointOf(8), consistencyProof(leaves(8), 5));
    const b = request(5, checkpointOf(9), consistencyProof(leaves(9), 5));
    const statuses = (await Promise.all([a, b])).map((r) => r.status).sort();
    expect(statuses).toEqual([200, 409]);
    expect([8, 9]).toContain((await store.latest(ORIGIN))?.size);
  });

  it('maps every answer in the client, retrying once with the size it was told', async () => {
    const url = `${base}/add-checkpoint`;
    const held = (await store.latest(ORIGIN))!.size;
    const proof = (size: number) => consistencyProof(leaves(12), size);
    const result = await addCheckpoint(url, { checkpoint: checkpointOf(12), oldSize: 0, proof });
    expect(result.oldSize).toBe(held);
    expect(openNote(`${checkpointOf(12)}${result.cosignatures.join('\n')}\n`, [WITNESS_VKEY]).verified).toHaveLength(1);
    const other = checkpointOf(5).replace(ORIGIN, 'other.example/audit/main');
    await expect(addCheckpoint(url, { checkpoint: other, oldSize: 0, proof })).rejects.toThrow(
      code('ERR_AU_WITNESS_UNKNOWN_LOG'),
    );
    const bad = (size: number) => proof(size).map((h) => h.map((b) => b ^ 1));
    await expect(addCheckpoint(url, { checkpoint: checkpointOf(13), oldSize: 12, proof: bad })).rejects.toThrow(
      code('ERR_AU_PROOF_INVALID'),
    );
    // The witness holds 12: a checkpoint of 10 can never be cosigned.
    await expect(addCheckpoint(url, { checkpoint: checkpointOf(10), oldSize: 0, proof })).rejects.toThrow(
      code('ERR_AU_WITNESS_CONFLICT'),
    );
  });

  it('keeps a proof that reproduces a larger root from another prefix as Fork Evidence, and stops cosigning', async () => {
    // The log forked: a tree sharing 10 of the 12 entries the witness cosigned, then diverging, grown to 15.
    const held = (await store.latest(ORIGIN))!;
    expect(held.size).toBe(12);
    const forked = [...leaves(10), ...Array.from({ length: 5 }, (_, i) => utf8(`forked ${i}`))];
    const next = checkpointOf(15, forked);
    // The log's own proof of that tree from size 12: it reproduces the new root, not the held one.
    expect((await request(12, next, consistencyProof(forked, 12))).status).toBe(422);
    const kept = (await store.evidence(ORIGIN)).filter((e) => e.kind === 'different_size');
    expect(kept).toHaveLength(1);
    const hashes = kept[0]!.proof.map(toBase64Url);
    const finding = { origin: ORIGIN, kind: 'inconsistent' as const, a: held.checkpoint, b: next, hashes };
    expect(verifyForkFinding(finding, { keys: [LOG_VKEY] })).toEqual(finding);
    expect(await store.halted(ORIGIN)).toBe(true);
    expect(await request(12, checkpointOf(13))).toMatchObject({ status: 403, text: '{"code":"ERR_AU_FORK_DETECTED"}' });
    await store.resume(ORIGIN);
    expect((await request(12, checkpointOf(13), consistencyProof(leaves(13), 12))).status).toBe(200);
  });
});
