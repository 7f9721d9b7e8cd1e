import {
  encodeCbor,
  fixedClock,
  fromBase64Url,
  generateKey,
  isSafetyNetError,
  publicKeyOf,
  seededRandom,
  signSign1,
  utf8,
  verifyConsistency,
} from '@safety-net/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildProofBundle,
  decodeProofBundle,
  encodeProofBundle,
  type ProofBundle,
  type ProofBundlePolicy,
  verifyProofBundle,
} from '../../src/bundle/proof-bundle.js';
import { formatTlogProof, parseTlogProof } from '../../src/bundle/tlog-proof.js';
import type { ForkFinding } from '../../src/fork/detect.js';
import { encodeLogEntry, logForm } from '../../src/log/entry.js';
import { TransparencyLog } from '../../src/log/transparency-log.js';
import { ReceiptIssuer } from '../../src/receipt/receipt.js';
import { MemoryLogStore } from '../../src/store/memory-log-store.js';
import { openTestCheckpoint, testCheckpointSigner, testNoteKey } from '../support/checkpoint-signer.js';
import { ORIGIN, openCheckpoint, sampleEntry, testLog } from '../support/log-fixture.js';

const codeOf = async (p: Promise<unknown>) => {
  try {
    await p;
    return undefined;
  } catch (e) {
    return isSafetyNetError(e) ? e.code : String(e);
  }
};

const policy: ProofBundlePolicy = {
  log: { origin: ORIGIN, keys: [`${ORIGIN}+00000000+AQ==`] },
  witnesses: [{ name: 'witness.example', key: 'witness.example+00000000+BA==' }],
  quorum: 1,
};
const receiptKey = generateKey('Ed25519', seededRandom('bundle-receipt-key'));
const issuer = new ReceiptIssuer({ origin: ORIGIN, key: receiptKey, clock: fixedClock(1_772_323_200_000) });
const eatKey = generateKey('Ed25519', seededRandom('eat-key'));
// An issued record whose presentation carries a disclosure in its unprotected header.
const presentation = signSign1(utf8('record claims'), eatKey, {
  protectedHeader: { typ: 'application/sd-cwt' },
  unprotectedHeader: { other: new Map([[17, [utf8('disclosure')]]]) },
});

describe('proof bundles', () => {
  const log = testLog(new MemoryLogStore(), 4);
  let old: string;
  let bundle: ProofBundle;
  const verify = (b: Uint8Array | ProofBundle, over: Partial<Parameters<typeof verifyProofBundle>[1]> = {}) =>
    verifyProofBundle(b, { openCheckpoint, receiptKey: publicKeyOf(receiptKey), ...over });

  beforeAll(async () => {
    await log.append(Array.from({ length: 5 }, (_, i) => sampleEntry(i)));
    old = (await log.checkpoint())!;
    await log.append([{ kind: 'eat', body: logForm(presentation) }, sampleEntry(5), sampleEntry(6)]);
    bundle = await buildProofBundle(log, {
      indices: [1, 5, 7],
      policy,
      receipt: (p) => issuer.issue(p),
      since: [old],
      openCheckpoint,
    });
    bundle = { ...bundle, items: bundle.items.map((item, i) => (i === 1 ? { ...item, presentation } : item)) };
  });

  it('verifies offline, after a round trip through its CBOR', async () => {
    const bytes = encodeProofBundle(bundle);
    expect(decodeProofBundle(bytes)).toEqual(bundle);
    const seen: Uint8Array[] = [];
    const verified = await verify(bytes, {
      verifyPresentation: async (p) => {
        seen.push(p);
      },
    });
    expect(verified.map((v) => [v.index, v.head.size, v.entry.kind])).toEqual([
      [1, 8, 'tombstone'],
      [5, 8, 'eat'],
      [7, 8, 'tombstone'],
    ]);
    expect(seen).toEqual([presentation]);
  });

  it('refuses a changed entry, path, receipt, presentation or consistency proof', async () => {
    const item = bundle.items[0]!;
    const withItem = (changed: object) => ({ ...bundle, items: [{ ...item, ...changed }] });
    const tampered = item.entry.slice();
    tampered[tampered.length - 1]! ^= 1;
    expect(await codeOf(verify(withItem({ entry: tampered })))).toBe('ERR_AU_PROOF_INVALID');
    const proof = parseTlogProof(item.proof);
    const short = formatTlogProof({ ...proof, path: proof.path.slice(1) });
    expect(await codeOf(verify(withItem({ proof: short })))).toBe('ERR_AU_PROOF_INVALID');
    const swapped = formatTlogProof({ ...proof, path: [proof.path[1]!, proof.path[0]!, ...proof.path.slice(2)] });
    expect(await codeOf(verify(withItem({ proof: swapped })))).toBe('ERR_AU_PROOF_INVALID');
    const moved = formatTlogProof({ ...proof, index: proof.index + 1 });
    expect(await codeOf(verify(withItem({ proof: moved })))).toBe('ERR_AU_PROOF_INVALID');
    const otherReceipt = new ReceiptIssuer({ origin: ORIGIN, key: eatKey }).issue({
      index: 1,
      size: 8,
      path: proof.path,
      rootHash: (await log.treeHead()).rootHash,
    });
    expect(await codeOf(verify(withItem({ receipt: otherReceipt })))).toBe('ERR_AU_RECEIPT_INVALID');
    expect(await codeOf(verify(withItem({}), { receiptKey: undefined }))).toBe('ERR_AU_RECEIPT_INVALID');
    expect(await codeOf(verify(withItem({ presentation })))).toBe('ERR_AU_BUNDLE_INVALID');
    const broken = {
      ...bundle,
      consistency: [{ ...bundle.consistency![0]!, proof: bundle.consistency![0]!.proof.slice(1) }],
    };
    expect(await codeOf(verify(broken))).toBe('ERR_AU_PROOF_INVALID');
  });

  it('reports a consistency proof that reproduces the later root from another prefix as a fork', async () => {
    // The same log key signed another tree of 5 entries: the auditor holds its checkpoint.
    const twin = testLog(new MemoryLogStore(), 4);
    await twin.append([...Array.from({ length: 4 }, (_, i) => sampleEntry(i)), sampleEntry(99)]);
    const held = (await twin.checkpoint())!;
    const forked = await buildProofBundle(log, { indices: [1], policy, since: [held], openCheckpoint });
    let error: unknown;
    await verify(forked).catch((e) => {
      error = e;
    });
    expect(error).toMatchObject({ code: 'ERR_AU_FORK_DETECTED', fork: { kind: 'inconsistent', a: held } });
    // Its first hash is the served tree's own prefix of 5, and the proof takes it to the served root.
    const [root, ...proof] = (error as { fork: ForkFinding }).fork.hashes!.map(fromBase64Url);
    expect(root).toEqual(await log.rootAt(5));
    const { size, rootHash } = await log.treeHead();
    expect(verifyConsistency({ size1: 5, size2: size, root1: root!, root2: rootHash, proof })).toBe(true);
  });

  it('refuses a checkpoint the verifier does not accept, or of another log', async () => {
    const otherKey = testNoteKey(ORIGIN, 'another key');
    expect(await codeOf(verify(bundle, { openCheckpoint: (t) => openTestCheckpoint(otherKey, t) }))).toBe(
      'Error: unsigned',
    );
    const other = new TransparencyLog({
      origin: 'other.example/audit/main',
      store: new MemoryLogStore(),
      signer: testCheckpointSigner(testNoteKey('other.example/audit/main')),
    });
    await other.append([sampleEntry(0)]);
    const foreign = await buildProofBundle(other, {
      indices: [0],
      policy,
      openCheckpoint: (t) => openTestCheckpoint(testNoteKey('other.example/audit/main'), t),
    });
    const mixed = { ...bundle, items: [...bundle.items, ...foreign.items] };
    expect(
      await codeOf(
        verify(mixed, {
          openCheckpoint: (t) =>
            t.startsWith(ORIGIN) ? openCheckpoint(t) : openTestCheckpoint(testNoteKey('other.example/audit/main'), t),
        }),
      ),
    ).toBe('ERR_AU_BUNDLE_INVALID');
  });

  it('decodes nothing but a bundle', () => {
    const bytes = encodeProofBundle(bundle);
    const garbage = [
      new Uint8Array(0),
      utf8('not cbor'),
      encodeCbor(new Map([['v', 2]])),
      encodeCbor(
        new Map<string, unknown>([
          ['v', 1],
          ['origin', ORIGIN],
          ['policy', new Map()],
          ['items', []],
        ]) as never,
      ),
      bytes.slice(0, bytes.length - 1),
      encodeCbor(new Map([[1, 1]])),
    ];
    for (const g of garbage)
      expect(() => decodeProofBundle(g)).toThrow(expect.objectContaining({ code: 'ERR_AU_BUNDLE_INVALID' }));
    expect(encodeLogEntry(sampleEntry(1))).toEqual(bundle.items[0]!.entry);
  });
});
