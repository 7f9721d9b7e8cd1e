import {
  consistencyProof,
  dagNodeOf,
  ect,
  fixedClock,
  generateKey,
  merkleRoot,
  newEctClaims,
  publicKeyOf,
  seededRandom,
  signJws,
  utf8,
  verifyJws,
} from '@safety-net/core';
import { describe, expect, it } from 'vitest';
import {
  describeMessageGarbage,
  describeMessageRoundTrips,
  type MessageCase,
} from '../../../../test-support/message-suites.js';
import {
  AUDIT_MESSAGE_TYPES,
  detectFork,
  forkEvidence,
  formatVerifierKey,
  MemoryLogStore,
  noteCheckpointSigner,
  noteVerifierOf,
  TransparencyLog,
  verifyForkFinding,
} from '../../src/index.js';
import {
  SAMPLE_AUDITOR_KEY,
  SAMPLE_LOG_SIGNER,
  SAMPLE_NOW,
  SAMPLE_ORIGIN,
  sampleCheckpoint,
  sampleForkEvidenceClaims,
} from '../../src/testing.js';

const clock = fixedClock(SAMPLE_NOW * 1000);
const KEYS = [formatVerifierKey(noteVerifierOf(SAMPLE_LOG_SIGNER))];
const options = { keys: KEYS, origin: SAMPLE_ORIGIN };
const code = (c: string) => expect.objectContaining({ code: c });
const stranger = generateKey('Ed25519', seededRandom('fork-test/stranger'));

// A second type for the suites' "message of another type" check: core's ECT.
const ectCase: MessageCase = {
  type: ect,
  claims: newEctClaims(
    { iss: 'https://auditor.example', aud: 'https://log.example', exec_act: 'audit', wid: 'w1' },
    { clock, random: seededRandom('fork-test/ect') },
  ),
  key: SAMPLE_AUDITOR_KEY,
};
const cases: MessageCase[] = [
  { type: forkEvidence, claims: sampleForkEvidenceClaims, key: SAMPLE_AUDITOR_KEY },
  ectCase,
];
describeMessageRoundTrips(cases, clock, () => stranger);
describeMessageGarbage(cases.slice(0, 1), clock);

const entries = (n: number) => Array.from({ length: n }, (_, i) => utf8(`entry ${i}`));

describe('fork detection (spec §5.8)', () => {
  it('finds two checkpoints of one size with different roots, in either order', () => {
    const [a, b] = [sampleCheckpoint(4), sampleCheckpoint(4, 'rewritten')];
    expect(detectFork(a, b, options)).toEqual({ origin: SAMPLE_ORIGIN, kind: 'same_size', a, b });
    expect(detectFork(a, a, options)).toBeUndefined();
    expect(verifyForkFinding(sampleForkEvidenceClaims, { keys: KEYS }).kind).toBe('same_size');
  });

  it('finds a smaller checkpoint whose root is not the prefix of the larger tree', () => {
    const small = sampleCheckpoint(3, 'rewritten');
    const large = sampleCheckpoint(6);
    const honestPrefix = { root: merkleRoot(entries(6).slice(0, 3)), proof: consistencyProof(entries(6), 3) };
    const finding = detectFork(large, small, { ...options, prefix: honestPrefix });
    expect(finding).toMatchObject({ kind: 'inconsistent', a: small, b: large });
    expect(finding!.hashes).toHaveLength(1 + honestPrefix.proof.length);
    expect(verifyForkFinding(finding!, { keys: KEYS })).toEqual(finding);
    // The honest smaller checkpoint is consistent: no fork.
    expect(detectFork(sampleCheckpoint(3), large, { ...options, prefix: honestPrefix })).toBeUndefined();
  });

  it('refuses a prefix that the larger checkpoint does not prove, and evidence that proves nothing', () => {
    const forged = { root: new Uint8Array(32), proof: consistencyProof(entries(6), 3) };
    expect(() => detectFork(sampleCheckpoint(3), sampleCheckpoint(6), { ...options, prefix: forged })).toThrow(
      code('ERR_AU_PROOF_INVALID'),
    );
    const agreeing = { ...sampleForkEvidenceClaims, b: sampleForkEvidenceClaims.a };
    expect(() => verifyForkFinding(agreeing, { keys: KEYS })).toThrow(code('ERR_AU_PROOF_INVALID'));
  });

  it('refuses checkpoints the log did not sign, or of another origin', () => {
    const otherLog = generateKey('Ed25519', seededRandom('fork-test/other-log'));
    const foreignKeys = [formatVerifierKey({ name: SAMPLE_ORIGIN, type: 0x01, key: publicKeyOf(otherLog) })];
    expect(() => detectFork(sampleCheckpoint(4), sampleCheckpoint(4, 'x'), { ...options, keys: foreignKeys })).toThrow(
      code('ERR_AU_NOTE_UNVERIFIED'),
    );
    expect(() =>
      detectFork(sampleCheckpoint(4), sampleCheckpoint(4, 'x'), { ...options, origin: 'x.example/a' }),
    ).toThrow(code('ERR_AU_ORIGIN_MISMATCH'));
  });

  it('signs evidence as an ECT DAG node of exec_act au.fork, listed among the package’s types', () => {
    expect(AUDIT_MESSAGE_TYPES).toContain(forkEvidence);
    expect(sampleForkEvidenceClaims.iat).toBe(SAMPLE_NOW);
    expect(dagNodeOf(forkEvidence, sampleForkEvidenceClaims).exec_act).toBe('au.fork');
    const bytes = forkEvidence.sign(sampleForkEvidenceClaims, SAMPLE_AUDITOR_KEY);
    const verified = forkEvidence.verify(bytes, { key: publicKeyOf(SAMPLE_AUDITOR_KEY), clock });
    expect(verified.ok && verified.claims).toEqual(sampleForkEvidenceClaims);
    expect(() => forkEvidence.parse({ ...sampleForkEvidenceClaims, hashes: ['x'] })).toThrow(
      code('ERR_CLAIMS_INVALID'),
    );
    expect(() => forkEvidence.parse({ ...sampleForkEvidenceClaims, kind: 'inconsistent' })).toThrow(
      code('ERR_CLAIMS_INVALID'),
    );
  });
});

/** A log of the sample origin and key: the same log, as the party it is shown to sees it. */
async function shownLog(shared: number, own: number, tag: string): Promise<TransparencyLog> {
  const log = new TransparencyLog({
    origin: SAMPLE_ORIGIN,
    store: new MemoryLogStore(),
    signer: noteCheckpointSigner(SAMPLE_LOG_SIGNER, SAMPLE_ORIGIN),
  });
  const entry = (text: string) => ({ kind: 'tombstone' as const, body: utf8(text) });
  await log.append(Array.from({ length: shared }, (_, i) => entry(`shared ${i}`)));
  await log.append(Array.from({ length: own }, (_, i) => entry(`${tag} ${i}`)));
  return log;
}

describe('forks between checkpoints of different sizes, from a real forked log (spec §5.8)', () => {
  it('a consistency proof of the larger tree fixes a prefix root other than the smaller checkpoint’s', async () => {
    // One log key, two histories sharing 4 entries: 6 entries shown to one party, 11 to another.
    const [one, other] = [await shownLog(4, 2, 'one'), await shownLog(4, 7, 'other')];
    const [small, large] = [(await one.checkpoint())!, (await other.checkpoint())!];
    const proof = await other.consistencyProof(6);
    const finding = detectFork(small, large, { ...options, prefix: { proof } });
    expect(finding).toMatchObject({ origin: SAMPLE_ORIGIN, kind: 'inconsistent', a: small, b: large });
    // The prefix root the proof fixes is the larger tree's own first 6 entries.
    expect(finding!.hashes![0]).toBe(Buffer.from(await other.rootAt(6)).toString('base64url'));
    expect(finding!.hashes!.slice(1)).toEqual(proof.map((h) => Buffer.from(h).toString('base64url')));
    expect(verifyForkFinding(finding!, { keys: KEYS })).toEqual(finding);
    // Signed, in both forms, and checked again by whoever receives it.
    const claims = { ...sampleForkEvidenceClaims, ...finding! };
    for (const signed of [
      forkEvidence.verify(forkEvidence.sign(claims, SAMPLE_AUDITOR_KEY), {
        key: publicKeyOf(SAMPLE_AUDITOR_KEY),
        clock,
      }),
      await verifyJws(forkEvidence, await signJws(forkEvidence, claims, SAMPLE_AUDITOR_KEY), {
        key: publicKeyOf(SAMPLE_AUDITOR_KEY),
        clock,
      }),
    ]) {
      expect(signed.ok && verifyForkFinding(signed.claims, { keys: KEYS }).kind).toBe('inconsistent');
    }
    // The honest party's own proof from 6 to a later tree of its history finds nothing.
    const grown = await shownLog(4, 9, 'one');
    expect(
      detectFork(small, (await grown.checkpoint())!, {
        ...options,
        prefix: { proof: await grown.consistencyProof(6) },
      }),
    ).toBeUndefined();
  });

  it('refuses a proof that does not reproduce the larger root: it proves nothing', async () => {
    const [one, other] = [await shownLog(4, 5, 'one'), await shownLog(4, 7, 'other')];
    const [small, large] = [(await (await shownLog(4, 2, 'one')).checkpoint())!, (await other.checkpoint())!];
    // A proof of the other history (9 entries of the first), checked against the 11-entry root.
    const foreign = await one.consistencyProof(6);
    expect(() => detectFork(small, large, { ...options, prefix: { proof: foreign } })).toThrow(
      code('ERR_AU_PROOF_INVALID'),
    );
    const finding = detectFork(small, large, { ...options, prefix: { proof: await other.consistencyProof(6) } })!;
    const tampered = { ...finding, hashes: [finding.hashes![0]!, ...finding.hashes!.slice(2)] };
    expect(() => verifyForkFinding(tampered, { keys: KEYS })).toThrow(code('ERR_AU_PROOF_INVALID'));
    const agreeing = {
      ...finding,
      hashes: [
        Buffer.from(await (await shownLog(4, 2, 'one')).rootAt(6)).toString('base64url'),
        ...finding.hashes!.slice(1),
      ],
    };
    expect(() => verifyForkFinding(agreeing, { keys: KEYS })).toThrow(code('ERR_AU_PROOF_INVALID'));
  });

  it('needs the prefix root when the smaller size is a power of two, which the proof does not fix', async () => {
    const [one, other] = [await shownLog(4, 4, 'one'), await shownLog(4, 8, 'other')];
    const [small, large] = [(await one.checkpoint())!, (await other.checkpoint())!];
    const proof = await other.consistencyProof(8);
    expect(() => detectFork(small, large, { ...options, prefix: { proof } })).toThrow(code('ERR_AU_PROOF_INVALID'));
    const root = await other.rootAt(8);
    const finding = detectFork(small, large, { ...options, prefix: { root, proof } });
    expect(finding?.kind).toBe('inconsistent');
    expect(verifyForkFinding(finding!, { keys: KEYS })).toEqual(finding);
  });
});
