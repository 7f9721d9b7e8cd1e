import { decodeCbor, fixedClock, generateKey, publicKeyOf, seededRandom, utf8 } from '@safety-net/core';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { type DisclosureStore, erasureRequest, subjectDigest, tombstone } from '../../src/index.js';
import { SAMPLE_NOW, sampleErasureRequestClaims } from '../../src/testing.js';
import { ErasureDomain } from './peer-domains.js';
import { cleanup, closeAll, STORES } from './stores.js';

const clock = fixedClock(SAMPLE_NOW * 1000);
let served: ErasureDomain[] = [];
afterEach(async () => {
  await Promise.all(served.map((d) => d.close()));
  served = [];
  cleanup();
});
afterAll(closeAll);

/**
 * Hospital → pharmacy → lab: the hospital's record of Alice causes the pharmacy's, which causes the lab's. The
 * pharmacy keeps its disclosures in `pharmacyStore` (default: memory).
 */
async function chain(pharmacyStore?: DisclosureStore) {
  const [hospital, pharmacy, lab] = [
    new ErasureDomain('hospital'),
    new ErasureDomain('pharmacy', pharmacyStore),
    new ErasureDomain('lab'),
  ];
  served = [hospital, pharmacy, lab];
  for (const d of served) await d.serve();
  hospital.connect([pharmacy, lab]);
  pharmacy.connect([hospital, lab]);
  lab.connect([pharmacy, hospital]);
  const h = await hospital.record('ect-rx', 'alice', [hospital.stitch('causes', pharmacy, 'ect-rx')]);
  const p = await pharmacy.record('ect-dispense', 'rx-alice', [
    pharmacy.stitch('caused_by', hospital, 'ect-rx'),
    pharmacy.stitch('causes', lab, 'ect-test'),
  ]);
  const l = await lab.record('ect-test', 'lab-alice', [lab.stitch('caused_by', pharmacy, 'ect-test')]);
  // A record of another subject in each domain, stitched to nothing: it must survive.
  const other = await pharmacy.record('ect-other', 'rx-bob', []);
  return { hospital, pharmacy, lab, h, p, l, other };
}

const entryKinds = async (d: ErasureDomain) => {
  const kinds: string[] = [];
  for (let i = 0; i < (await d.log.treeHead()).size; i++)
    kinds.push((decodeCbor(await d.log.entry(i)) as [number, string])[1]);
  return kinds;
};

/** The tombstone a domain logged at `index`, verified with its key. */
async function tombstoneAt(d: ErasureDomain, index: number) {
  const [, kind, body] = decodeCbor(await d.log.entry(index)) as [number, string, Uint8Array];
  expect(kind).toBe('tombstone');
  const verified = tombstone.verify(body, { key: publicKeyOf(d.key), clock });
  if (!verified.ok) throw verified.error;
  return verified.claims;
}

const post = (d: ErasureDomain, body: Uint8Array) =>
  fetch(d.endpoint, { method: 'POST', headers: { 'content-type': 'application/cose' }, body });

describe('an erasure propagated to peer domains over HTTP (spec §7.3 step 6)', () => {
  it('reaches every domain along the stitches, each peer answering with its tombstone, recorded by the asker', async () => {
    const { hospital, pharmacy, lab, h, p, l, other } = await chain();
    const outcome = await hospital.eraser.erase('alice', { basis: 'gdpr-17-1-a' });

    // The hospital asked the pharmacy only (the lab is not stitched to its record), naming the stitch, not Alice.
    expect(outcome.forwarded.map((f) => [f.peer, f.answer?.outcome])).toEqual([['pharmacy.example', 'honoured']]);
    const [sent] = outcome.forwarded;
    const request = erasureRequest.verify(sent!.request, {
      key: publicKeyOf(hospital.key),
      clock,
      audience: pharmacy.issuer,
    });
    expect(request.ok && request.claims).toMatchObject({
      iss: hospital.issuer,
      stitches: [{ ect: 'ect-rx' }],
      basis: 'gdpr-17-1-a',
      pred: [(await tombstoneAt(hospital, outcome.tombstone!.index)).jti],
    });
    expect(Buffer.from(sent!.request).includes(Buffer.from(utf8('alice')))).toBe(false);

    // The pharmacy's answer names its tombstone, which answers that request.
    const answer = sent!.answer as { outcome: 'honoured'; tombstones: number[] };
    expect(answer.tombstones).toHaveLength(1);
    const pharmacyTomb = await tombstoneAt(pharmacy, answer.tombstones[0]!);
    expect(pharmacyTomb).toMatchObject({ request: sent!.jti, entries: [p.entry.index], basis: 'gdpr-17-1-a' });
    expect(await hospital.vault.store.forwarded()).toEqual([{ ...sent, answer }]);

    // The pharmacy forwarded to the lab, and not back to the hospital.
    const fromPharmacy = await pharmacy.vault.store.forwarded();
    expect(fromPharmacy.map((f) => [f.peer, f.answer?.outcome])).toEqual([['lab.example', 'honoured']]);
    expect(await entryKinds(lab)).toEqual(['eat', 'tombstone']);
    expect(await entryKinds(hospital)).toEqual(['eat', 'tombstone']);

    for (const [d, r] of [
      [hospital, h],
      [pharmacy, p],
      [lab, l],
    ] as const) {
      await expect(d.vault.open(r.entry.leafHash, r.digest)).rejects.toMatchObject({ code: 'ERR_AU_ERASED' });
    }
    expect(await pharmacy.vault.open(other.entry.leafHash, other.digest)).toEqual(other.disclosure);
  });

  it('answers the same request again with the same answer and no second tombstone (idempotent by jti)', async () => {
    const { hospital, pharmacy } = await chain();
    const [sent] = (await hospital.eraser.erase('alice')).forwarded;
    const size = (await pharmacy.log.treeHead()).size;
    const again = await post(pharmacy, sent!.request);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(sent!.answer);
    expect((await pharmacy.log.treeHead()).size).toBe(size);

    // A request delivered twice at once, before either delivery is answered: one tombstone, one answer.
    // (Straight to the desk: over HTTP the two deliveries may or may not overlap.)
    const l = await pharmacy.record('ect-late', 'rx-late', [pharmacy.stitch('caused_by', hospital, 'ect-late')]);
    const twice = erasureRequest.sign(
      { ...sampleErasureRequestClaims, iss: hospital.issuer, aud: pharmacy.issuer, stitches: [{ ect: 'ect-late' }] },
      hospital.key,
    );
    const answers = await Promise.all([pharmacy.desk.answer(twice), pharmacy.desk.answer(twice)]);
    expect(answers[0]).toEqual({ outcome: 'honoured', tombstones: [size + 1] });
    expect(answers[1]).toEqual(answers[0]);
    await expect(pharmacy.vault.open(l.entry.leafHash, l.digest)).rejects.toMatchObject({ code: 'ERR_AU_ERASED' });
  });

  it('records a peer that is down as unanswered and sends again once it is back', async () => {
    const { hospital, pharmacy, p } = await chain();
    await pharmacy.close();
    const outcome = await hospital.eraser.erase('alice');
    expect(outcome.forwarded[0]!.answer).toMatchObject({ outcome: 'unanswered' });
    expect((await hospital.vault.store.forwarded())[0]!.answer?.outcome).toBe('unanswered');
    expect(await pharmacy.vault.open(p.entry.leafHash, p.digest)).toEqual(p.disclosure);

    await pharmacy.serve();
    const [retried] = await hospital.eraser.forward();
    expect(retried!.answer).toMatchObject({ outcome: 'honoured', tombstones: [expect.any(Number)] });
    await expect(pharmacy.vault.open(p.entry.leafHash, p.digest)).rejects.toMatchObject({ code: 'ERR_AU_ERASED' });
    // Nothing is left to send.
    expect(await hospital.eraser.forward()).toEqual([]);
  });

  it('forwards after a restart the requests of an erasure whose tombstone a stopped process never logged', async () => {
    const { hospital, pharmacy, p } = await chain();
    const add = hospital.log.add.bind(hospital.log);
    hospital.log.add = () => Promise.reject(new Error('stopped'));
    await expect(hospital.eraser.erase('alice')).rejects.toThrow('stopped');
    hospital.log.add = add;
    expect(await hospital.vault.store.forwarded()).toEqual([]);
    expect(await pharmacy.vault.open(p.entry.leafHash, p.digest)).toEqual(p.disclosure);

    const [logged] = await hospital.eraser.resume();
    const [forwarded] = await hospital.vault.store.forwarded();
    const sent = erasureRequest.verify(forwarded!.request, { key: publicKeyOf(hospital.key), clock });
    expect(sent.ok && sent.claims.pred).toEqual([(await tombstoneAt(hospital, logged!.index)).jti]);
    expect(forwarded!.answer).toMatchObject({ outcome: 'honoured' });
    await expect(pharmacy.vault.open(p.entry.leafHash, p.digest)).rejects.toMatchObject({ code: 'ERR_AU_ERASED' });
  });

  it('is deferred under the peer’s hold, with the hold named, and honoured once the hold is lifted', async () => {
    const { hospital, pharmacy, p } = await chain();
    await pharmacy.eraser.placeHold('case-7', { subjects: [subjectDigest('rx-alice')] }, 'court order 7');
    const [deferred] = (await hospital.eraser.erase('alice')).forwarded;
    expect(deferred!.answer).toEqual({
      outcome: 'deferred',
      code: 'ERR_AU_LEGAL_HOLD',
      hold: { issuer: pharmacy.issuer, hold: 'case-7' },
      tombstones: [],
    });
    expect(await pharmacy.vault.open(p.entry.leafHash, p.digest)).toEqual(p.disclosure);

    await pharmacy.eraser.liftHold('case-7', 'order lifted');
    await expect(pharmacy.vault.open(p.entry.leafHash, p.digest)).rejects.toMatchObject({ code: 'ERR_AU_ERASED' });
    const [honoured] = await hospital.eraser.forward();
    const answer = honoured!.answer as { outcome: string; tombstones: number[] };
    expect(answer.outcome).toBe('honoured');
    expect(await tombstoneAt(pharmacy, answer.tombstones[0]!)).toMatchObject({ request: deferred!.jti });
  });

  it('records a refusal: a request naming a record not stitched to the asker is ERR_AU_NOT_STITCHED', async () => {
    const { hospital, lab } = await chain();
    // The hospital claims a stitch to the lab that the lab's records do not make back.
    await hospital.record('ect-test', 'carol', [hospital.stitch('causes', lab, 'ect-test')]);
    const [refused] = (await hospital.eraser.erase('carol')).forwarded;
    expect(refused).toMatchObject({ peer: 'lab.example', answer: { outcome: 'refused', code: 'ERR_AU_NOT_STITCHED' } });
    expect(await entryKinds(lab)).toEqual(['eat']);
  });

  it('refuses forged, unknown, misaddressed and jti-reusing requests with typed errors', async () => {
    const { hospital, pharmacy, lab } = await chain();
    const claims = {
      ...sampleErasureRequestClaims,
      iss: hospital.issuer,
      aud: pharmacy.issuer,
      stitches: [{ ect: 'ect-rx' }],
    };
    const size = (await pharmacy.log.treeHead()).size;
    const refusal = async (response: Response) => [response.status, ((await response.json()) as { code: string }).code];

    // Signed with another key under the hospital's kid: the signature fails.
    const forger = { ...generateKey('Ed25519', seededRandom('forger')), kid: hospital.key.kid };
    expect(await refusal(await post(pharmacy, erasureRequest.sign(claims, forger)))).toEqual([
      400,
      'ERR_COSE_BAD_SIGNATURE',
    ]);
    // A domain the pharmacy does not know.
    const stranger = { ...generateKey('Ed25519', seededRandom('stranger')), kid: utf8('audit.stranger.example') };
    const strangers = erasureRequest.sign({ ...claims, iss: 'audit.stranger.example' }, stranger);
    expect(await refusal(await post(pharmacy, strangers))).toEqual([403, 'ERR_KEY_NOT_FOUND']);
    // The hospital's genuine request to the pharmacy, replayed to the lab.
    const genuine = erasureRequest.sign(claims, hospital.key);
    expect(await refusal(await post(lab, genuine))).toEqual([400, 'ERR_CLAIMS_AUDIENCE']);
    expect((await post(pharmacy, genuine)).status).toBe(200);
    // Its jti again, with other content.
    const reused = erasureRequest.sign({ ...claims, basis: 'another' }, hospital.key);
    expect(await refusal(await post(pharmacy, reused))).toEqual([409, 'ERR_AU_CONFLICT']);
    // Past its expiry.
    const late = erasureRequest.sign(
      { ...claims, jti: 'au-erase-req-late', iat: SAMPLE_NOW - 90_000, exp: SAMPLE_NOW - 3600 },
      hospital.key,
    );
    expect(await refusal(await post(pharmacy, late))).toEqual([400, 'ERR_CLAIMS_EXPIRED']);
    // Only the genuine request erased anything.
    expect((await entryKinds(pharmacy)).slice(size)).toEqual(['tombstone']);
  });
});

describe.each(STORES)(
  'a peer’s request for a record of two subjects, pharmacy on %s (spec §7.3, peer step 4)',
  (_n, makeStore) => {
    /**
     * The hospital's record of Dave causes two pharmacy records, stitched by two ECTs: one of Dave alone, one of Dave
     * and his carer (which causes the lab's record of Dave). Which of the two is the request's subject the pharmacy
     * cannot tell from the request.
     */
    async function twoSubjects() {
      const domains = await chain(await makeStore());
      const { hospital, pharmacy, lab } = domains;
      await hospital.record('ect-visit', 'dave', [
        hospital.stitch('causes', pharmacy, 'ect-visit'),
        hospital.stitch('causes', pharmacy, 'ect-solo'),
      ]);
      const solo = await pharmacy.record('ect-solo', 'rx-dave', [pharmacy.stitch('caused_by', hospital, 'ect-solo')]);
      const shared = await pharmacy.record(
        'ect-visit',
        ['rx-dave', 'rx-carer'],
        [pharmacy.stitch('caused_by', hospital, 'ect-visit'), pharmacy.stitch('causes', lab, 'ect-visit-test')],
      );
      const labDave = await lab.record('ect-visit-test', 'lab-dave', [
        lab.stitch('caused_by', pharmacy, 'ect-visit-test'),
      ]);
      return { ...domains, solo, shared, labDave };
    }

    it('erases nothing, answers 202 ERR_AU_SUBJECT_AMBIGUOUS, and erases only the subject the operator names', async () => {
      const { hospital, pharmacy, lab, solo, shared, labDave } = await twoSubjects();
      const [dave, carer] = shared.subjects;
      const opens = (leafHash: Uint8Array, d: { digest: string }) => pharmacy.vault.open(leafHash, d.digest);
      const pharmacySize = (await pharmacy.log.treeHead()).size;

      const outcome = await hospital.eraser.erase('dave');
      const [sent] = outcome.forwarded;
      const ambiguous = { outcome: 'deferred', code: 'ERR_AU_SUBJECT_AMBIGUOUS', tombstones: [] };
      expect(sent).toMatchObject({ peer: pharmacy.domain, answer: ambiguous });
      // Over the wire: 202 and nothing but the answer (no record, no subject).
      const again = await post(pharmacy, sent!.request);
      expect(again.status).toBe(202);
      expect(await again.json()).toEqual(ambiguous);

      // Neither subject of the shared record, nor the single-subject record of the same request, was erased;
      // nothing was logged or forwarded to the lab.
      expect(await opens(shared.entry.leafHash, dave!)).toEqual(dave!.disclosure);
      expect(await opens(shared.entry.leafHash, carer!)).toEqual(carer!.disclosure);
      expect(await opens(solo.entry.leafHash, solo)).toEqual(solo.disclosure);
      expect((await pharmacy.log.treeHead()).size).toBe(pharmacySize);
      expect(await pharmacy.vault.store.forwarded()).toEqual([]);
      // Asked again, the request stays deferred: only the operator settles it.
      expect((await hospital.eraser.forward()).map((f) => f.answer)).toEqual([ambiguous]);
      expect((await pharmacy.log.treeHead()).size).toBe(pharmacySize);

      // The operator may name only a subject the request's records hold, and only for a request awaiting one.
      await expect(pharmacy.desk.resolve(sent!.jti, 'rx-bob')).rejects.toMatchObject({ code: 'ERR_INPUT_INVALID' });
      await expect(pharmacy.desk.resolve('au-erase-req-none', 'rx-dave')).rejects.toMatchObject({
        code: 'ERR_INPUT_INVALID',
      });
      expect((await pharmacy.log.treeHead()).size).toBe(pharmacySize);

      const resolved = await pharmacy.desk.resolve(sent!.jti, 'rx-dave');
      expect(resolved).toEqual({ outcome: 'honoured', tombstones: [pharmacySize] });
      const tomb = await tombstoneAt(pharmacy, pharmacySize);
      expect(tomb).toMatchObject({ request: sent!.jti, pred: [sent!.jti] });
      expect(tomb.destroyed.sort()).toEqual([dave!.digest, solo.digest].sort());
      expect(tomb.entries).toEqual([solo.entry.index, shared.entry.index].sort((a, b) => a - b));
      expect((await pharmacy.log.treeHead()).size).toBe(pharmacySize + 1);
      await expect(opens(shared.entry.leafHash, dave!)).rejects.toMatchObject({ code: 'ERR_AU_ERASED' });
      await expect(opens(solo.entry.leafHash, solo)).rejects.toMatchObject({ code: 'ERR_AU_ERASED' });
      // The carer asked for nothing: their disclosure still opens.
      expect(await opens(shared.entry.leafHash, carer!)).toEqual(carer!.disclosure);

      // What was erased is forwarded on (to the lab, not back to the hospital).
      const fromPharmacy = await pharmacy.vault.store.forwarded();
      expect(fromPharmacy.map((f) => [f.peer, f.answer?.outcome])).toEqual([['lab.example', 'honoured']]);
      await expect(lab.vault.open(labDave.entry.leafHash, labDave.digest)).rejects.toMatchObject({
        code: 'ERR_AU_ERASED',
      });

      // The hospital learns it on its next forward; the request is settled, so nothing awaits the operator.
      const [honoured] = await hospital.eraser.forward();
      expect(honoured).toMatchObject({ jti: sent!.jti, answer: { outcome: 'honoured', tombstones: [pharmacySize] } });
      expect(await hospital.eraser.forward()).toEqual([]);
      await expect(pharmacy.desk.resolve(sent!.jti, 'rx-carer')).rejects.toMatchObject({ code: 'ERR_INPUT_INVALID' });
      expect(await opens(shared.entry.leafHash, carer!)).toEqual(carer!.disclosure);

      // A later request naming the shared record, which has lost Dave, must not take the carer left in it for its
      // subject: it is deferred as ambiguous, and the carer's disclosure still opens.
      await hospital.record('ect-revisit', 'dave', [hospital.stitch('causes', pharmacy, 'ect-visit')]);
      const [later] = (await hospital.eraser.erase('dave')).forwarded;
      expect(later).toMatchObject({ peer: pharmacy.domain, answer: ambiguous });
      expect(await opens(shared.entry.leafHash, carer!)).toEqual(carer!.disclosure);
    });

    it('defers a resolved request under a hold on the named subject, never reopening it to the other subject', async () => {
      const { hospital, pharmacy, shared } = await twoSubjects();
      const [dave, carer] = shared.subjects;
      await pharmacy.eraser.placeHold('case-9', { subjects: [subjectDigest('rx-dave')] }, 'court order 9');
      const [sent] = (await hospital.eraser.erase('dave')).forwarded;
      expect(sent!.answer).toMatchObject({ code: 'ERR_AU_SUBJECT_AMBIGUOUS' });

      const held = {
        outcome: 'deferred',
        code: 'ERR_AU_LEGAL_HOLD',
        hold: { issuer: pharmacy.issuer, hold: 'case-9' },
      };
      expect(await pharmacy.desk.resolve(sent!.jti, 'rx-dave')).toEqual({ ...held, tombstones: [] });
      await expect(pharmacy.desk.resolve(sent!.jti, 'rx-carer')).rejects.toMatchObject({ code: 'ERR_INPUT_INVALID' });
      // Asked again, it is worked out for the named subject only: still held, nothing erased.
      const size = (await pharmacy.log.treeHead()).size;
      expect((await hospital.eraser.forward()).map((f) => f.answer)).toEqual([{ ...held, tombstones: [] }]);
      expect((await pharmacy.log.treeHead()).size).toBe(size);
      expect(await pharmacy.vault.open(shared.entry.leafHash, dave!.digest)).toEqual(dave!.disclosure);

      await pharmacy.eraser.liftHold('case-9', 'order lifted');
      await expect(pharmacy.vault.open(shared.entry.leafHash, dave!.digest)).rejects.toMatchObject({
        code: 'ERR_AU_ERASED',
      });
      expect(await pharmacy.vault.open(shared.entry.leafHash, carer!.digest)).toEqual(carer!.disclosure);
      const [honoured] = await hospital.eraser.forward();
      const answer = honoured!.answer as { outcome: string; tombstones: number[] };
      expect(answer).toEqual({ outcome: 'honoured', tombstones: [size + 1] });
      expect(await tombstoneAt(pharmacy, size + 1)).toMatchObject({ request: sent!.jti });
    });

    it('keeps the single-subject path: a request whose records hold one subject is honoured at once', async () => {
      const { hospital, pharmacy, p } = await chain(await makeStore());
      const [sent] = (await hospital.eraser.erase('alice')).forwarded;
      expect(sent!.answer).toMatchObject({ outcome: 'honoured', tombstones: [expect.any(Number)] });
      await expect(pharmacy.vault.open(p.entry.leafHash, p.digest)).rejects.toMatchObject({ code: 'ERR_AU_ERASED' });
    });
  },
);
