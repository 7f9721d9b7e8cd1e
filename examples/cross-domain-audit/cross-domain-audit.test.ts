import { beforeAll, describe, expect, it } from 'vitest';
import { type CrossDomainAuditReport, runCrossDomainAudit } from './scenario.js';
import { HOSPITAL, LOGISTICS, pseudonym, SUPPLIER } from './world.js';

describe('example: cross-domain audit', () => {
  let r: CrossDomainAuditReport;
  beforeAll(async () => {
    r = await runCrossDomainAudit();
  }, 60_000);

  it('logs each domain’s records in its own log, each stitch naming the peer record logged before it', () => {
    expect(r.logged.map((l) => [l.domain, l.index, l.action, l.stitch?.rel, l.stitch?.index])).toEqual([
      [HOSPITAL, 0, 'rx.review', undefined, undefined],
      [HOSPITAL, 1, 'order.place', 'causes', undefined],
      [SUPPLIER, 0, 'order.accept', 'caused_by', 1],
      [SUPPLIER, 1, 'shipment.request', 'causes', undefined],
      [LOGISTICS, 0, 'route.plan', 'caused_by', 1],
      [LOGISTICS, 1, 'delivery.confirm', 'causes', undefined],
      [HOSPITAL, 2, 'stock.receive', 'caused_by', 1],
    ]);
    // Each boundary is one ECT that both sides name, each naming the other's domain.
    const stitches = r.logged.flatMap((l) => (l.stitch ? [{ from: l.domain, ...l.stitch }] : []));
    for (const s of stitches.filter((x) => x.rel === 'causes')) {
      const back = stitches.find((x) => x.rel === 'caused_by' && x.ect === s.ect);
      expect([back?.from, back?.domain]).toEqual([s.domain, s.from]);
    }
    // GDPR keeps the record at most 1,095 days, HIPAA at least 2,190: no record can carry both.
    expect(r.gdprAndHipaa).toBe('ERR_AU_PROFILE_INVALID');
  });

  it('has the supplier’s witness cosign the hospital’s checkpoints only along consistent trees', () => {
    expect(r.witness.cosigned).toEqual([2, 3]);
    expect(r.witness.wrongProof).toBe('ERR_AU_PROOF_INVALID');
    expect(r.witness.witnessedBy).toEqual([`${SUPPLIER}/witness`]);
    expect(r.witness.unwitnessed).toBe('ERR_AU_COSIGNATURE_QUORUM');
  });

  it('gives each auditor only its role’s disclosures, verified against the logged records', () => {
    const { gdpr, hipaa } = r.auditors;
    // The GDPR auditor gets the processing record; what it may see there is in clear, the patient is not.
    expect(gdpr.map((v) => [v.index, v.claims.action, v.disclosed])).toEqual([[1, 'order.place', []]]);
    expect(gdpr[0]!.claims.reg).toMatchObject({ purpose: 'named-patient supply of heparin', subjects: [] });
    // The HIPAA auditor gets the clinical records: who acted and on which data, never the patient nor the staff id.
    expect(hipaa.map((v) => [v.index, v.claims.actor?.id, [...v.disclosed].sort()])).toEqual([
      [0, 'mailto:dr.ada@hospital.example', ['actor', 'reg.data_categories']],
      [2, 'mailto:ines@hospital.example', ['actor', 'reg.data_categories']],
    ]);
    expect(hipaa.map((v) => [v.claims.sub, v.claims.reg.subjects])).toEqual([
      [undefined, []],
      [undefined, []],
    ]);
    // What the HIPAA auditor sees of a clinical record the GDPR auditor does not, and may not be shown.
    expect(r.auditors.gdprOfClinical).toEqual([]);
    expect(r.auditors.hipaaDisclosuresToGdpr).toBe('ERR_AU_VISIBILITY');
    expect(r.auditors.swapped).toBe('ERR_AU_BUNDLE_INVALID');
    expect(JSON.stringify([gdpr, hipaa])).not.toContain(pseudonym('P-104'));
  });

  it('settles March between the three, the disputed record adjusted, and nets it in two transfers', () => {
    const [pharmacy, tracking, dock] = r.settled;
    for (const s of r.settled) {
      expect([s.records, s.oneSided, s.retry, s.verified]).toEqual([
        31,
        'ERR_AU_COUNTERSIGNATURE_MISSING',
        'ERR_AU_RECORD_DUPLICATE',
        true,
      ]);
    }
    // By hand, from flows.ts: 41,850,000 input tokens at 0.40 (16.74), 8,185,000 output tokens at 1.60 (13.096,
    // half-even 13.10) and 1,300 calls at 0.02 (26.00); 12 March adjusted to 135,000 output tokens: 8,050,000 (12.88).
    expect([pharmacy!.statement.total, pharmacy!.receipt.total]).toEqual(['55.84', '55.62']);
    expect(pharmacy!.reconciliation.matched).toBe(30);
    expect(pharmacy!.disputes.map((d) => d.answer?.decision ?? d.claim)).toEqual(['adjust', 'accept']);
    expect([pharmacy!.receipt.payer, pharmacy!.receipt.payee]).toEqual([HOSPITAL, SUPPLIER]);
    // 10,554 calls at 0.25 per 100 (26.385, half-even 26.38) and 4,200.5 CPU seconds at 0.90 an hour (1.05).
    expect([tracking!.statement.total, tracking!.receipt.total, tracking!.disputes]).toEqual(['27.43', '27.43', []]);
    // 231 slot bookings at 0.05.
    expect(dock!.receipt.total).toBe('11.55');
    // The supplier's log: its two EATs, the 31 records, then the statement.
    expect(pharmacy!.statementLogged.index).toBe(33);

    expect(r.netting.claims.positions).toEqual({ [HOSPITAL]: '-44.07', [LOGISTICS]: '15.88', [SUPPLIER]: '28.19' });
    expect(r.netting.claims.transfers).toEqual([
      { from: HOSPITAL, to: SUPPLIER, amount: '28.19' },
      { from: HOSPITAL, to: LOGISTICS, amount: '15.88' },
    ]);
    expect(r.netting.verified).toBe(true);
  });

  it('has the auditor trace the workflow across the three witnessed logs, and name the log that went offline', () => {
    const t = r.trace;
    // The hospital's log: 3 EATs, 31 dock records, statement, settlement; the others: 2 EATs, 31 records and 2.
    expect(t.witnessed).toEqual([
      { domain: HOSPITAL, size: 36 },
      { domain: SUPPLIER, size: 35 },
      { domain: LOGISTICS, size: 35 },
    ]);
    expect(t.withoutToken).toBe(401);
    // The causal order is step 1's order of logging: each record after its `pred` and the stitch it came by.
    expect(t.timeline.map((e) => [e.domain, e.index, e.action])).toEqual(
      r.logged.map((l) => [l.domain, l.index, l.action]),
    );
    expect(t.timeline.map((e) => e.start)).toEqual([...t.timeline.map((e) => e.start)].sort((a, b) => a - b));
    expect([t.missing, t.forks]).toEqual([[], 0]);
    // Offline, the logistics log proves nothing: its two records are gone from the timeline and the gap is named once.
    expect(t.offline.timeline).toBe(5);
    expect(t.offline.missing).toEqual([
      { kind: 'log_unreachable', log: `${LOGISTICS}/audit/main`, code: 'ERR_INPUT_INVALID' },
    ]);
  });

  it('erases the patient from the hospital’s vault, logs the tombstone, and every earlier proof still verifies', () => {
    const e = r.erasure;
    expect(e.retention).toEqual([
      { index: 0, minDays: 2190, basis: 'profile' },
      { index: 1, minDays: 0, maxDays: 1095, basis: 'profile' },
      { index: 2, minDays: 2190, basis: 'profile' },
    ]);
    expect(e.restricted).toEqual([]);
    expect([e.dpoSubjectsBefore, e.dpoSubjectsAfter, e.opened]).toEqual([[pseudonym('P-104')], [], 'ERR_AU_ERASED']);
    // Logged right after the witnessed tree of 36; one subject disclosure in each of the three records.
    expect(e.tombstone).toEqual({
      index: 36,
      reason: 'erasure',
      basis: 'gdpr-17-1-a',
      entries: [0, 1, 2],
      destroyed: 3,
      namesSubject: false,
      receipt: 'verified',
    });
    // What concerns no patient is still released.
    expect([e.gdprPurpose, e.hipaaActor]).toEqual([
      'named-patient supply of heparin',
      'mailto:dr.ada@hospital.example',
    ]);
    // One inclusion proof per entry under the witnessed tree of 36; consistency 2→3, 3→36 and 36→37.
    expect(e.proofs).toEqual({ inclusion: 36, consistency: 3 });
  });
});
