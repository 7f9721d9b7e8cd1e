import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Clock, fixedClock, isSafetyNetError, publicKeyOf, toBase64Url } from '@safety-net/core';
import {
  builtinProfiles,
  decodeProofBundle,
  encodeProofBundle,
  entryLeafHash,
  issueEat,
  presentEat,
  verifyEat,
} from '@safety-net/cross-domain-audit';
import { type AuditorView, bundleFor, verifyAsAuditor } from './auditors.js';
import { Domain, type Registered } from './domain.js';
import { type ErasureReport, erasePatient, hospitalVault, keepDisclosures } from './erasure.js';
import { marchFlows } from './flows.js';
import { type Audited, accept, audit, deliver, eatOf, order, receive, review, route, ship } from './records.js';
import { netMonth, type Settled, settleMonth } from './settlement.js';
import { type TraceReport, traceStep } from './trace.js';
import { oneOfOnePolicy, supplierWitness, verifyWitnessed, WITNESS_PATH, witnessCheckpoint } from './witness.js';
import { HOSPITAL, LOGISTICS, NOW_MS, SUPPLIER } from './world.js';

/** What the scenario showed, step by step. */
export interface CrossDomainAuditReport {
  /** Step 1: every record, where it landed, and the peer record its stitch names. */
  readonly logged: readonly {
    domain: string;
    action: string;
    index: number;
    /** The stitch as logged; `index` names the peer's record when it was logged before (checked over HTTP). */
    stitch?: { rel: string; domain: string; ect: string; index?: number };
  }[];
  /** One record under both GDPR and HIPAA: refused (their retention periods cannot both hold). */
  readonly gdprAndHipaa: string;
  /** Step 2: sizes the witness cosigned, its answer to a wrong consistency proof, and the verifier's decisions. */
  readonly witness: {
    readonly cosigned: readonly number[];
    readonly wrongProof: string;
    readonly witnessedBy: readonly string[];
    readonly unwitnessed: string;
  };
  /** Step 3: what each auditor verified, and the refusals. */
  readonly auditors: {
    readonly gdpr: readonly AuditorView[];
    readonly hipaa: readonly AuditorView[];
    /** The GDPR auditor's own presentation of the clinical record: the redacted fields it was shown. */
    readonly gdprOfClinical: readonly string[];
    /** The HIPAA auditor's disclosures handed to the GDPR auditor. */
    readonly hipaaDisclosuresToGdpr: string;
    /** A presentation moved onto another logged record. */
    readonly swapped: string;
  };
  /** Step 4: the three settlements and the netting. */
  readonly settled: readonly Settled[];
  readonly netting: Awaited<ReturnType<typeof netMonth>>;
  /** Step 5: the auditor's trace of the workflow across the three logs, and the gap it names with one offline. */
  readonly trace: TraceReport;
  /** Step 6: the patient's erasure in the hospital. */
  readonly erasure: ErasureReport;
}

const codeOf = (e: unknown) => (isSafetyNetError(e) ? e.code : String(e));
const failing = (run: () => unknown) =>
  Promise.resolve()
    .then(run)
    .then(() => 'accepted', codeOf);

/**
 * A peer record a stitch names, read from the peer's log over HTTP (tiles, against its signed checkpoint): the
 * receiving domain checks it is the record the sender said before it stitches its own record to it.
 */
async function checkPeerRecord(peer: Domain, record: Registered): Promise<void> {
  const reader = peer.reader();
  const entry = await reader.entry(record.index, await reader.checkpoint());
  if (toBase64Url(entryLeafHash(entry)) !== record.entry) throw new Error(`${peer.name} holds another record`);
}

/** Step 1: the workflow's seven records, each in its domain's log, stitched across the boundaries. */
async function logWorkflow(hospital: Domain, supplier: Domain, logistics: Domain) {
  const reviewed = await audit(review, hospital);
  const ordered = await audit(order, hospital);
  await checkPeerRecord(hospital, ordered.logged);
  const accepted = await audit(accept(ordered.logged), supplier);
  const shipped = await audit(ship, supplier);
  await checkPeerRecord(supplier, shipped.logged);
  const routed = await audit(route(shipped.logged), logistics);
  const delivered = await audit(deliver, logistics);
  await checkPeerRecord(logistics, delivered.logged);
  const received = await audit(receive(delivered.logged), hospital);
  return { reviewed, ordered, accepted, shipped, routed, delivered, received };
}

/** The hospital's processing record made to carry HIPAA too: the profiles' retention periods conflict. */
function bothProfiles(hospital: Domain): Promise<string> {
  const profiles = builtinProfiles();
  const claims = eatOf(order, hospital);
  const both = [profiles.ref('gdpr-art30'), profiles.ref('hipaa-164-312b')];
  const reg = { ...claims.reg, profiles: both, retention_class: 'audit' };
  return failing(() => issueEat({ ...claims, reg }, hospital.key));
}

/** Step 3: what the GDPR and the HIPAA auditors receive, verify, and may not see. */
async function audits(
  hospital: Domain,
  records: { clinical: Audited[]; processing: Audited[] },
  cosigned: string,
  policy: ReturnType<typeof oneOfOnePolicy>,
  clock: Clock,
) {
  const auditor = (role: string) => ({ role, policy, domain: hospital, clock });
  const gdprBundle = await bundleFor(hospital, records.processing, 'gdpr_auditor', cosigned, policy, clock);
  const hipaaBundle = await bundleFor(hospital, records.clinical, 'hipaa_auditor', cosigned, policy, clock);
  const gdpr = await verifyAsAuditor(gdprBundle, auditor('gdpr_auditor'));
  const hipaa = await verifyAsAuditor(hipaaBundle, auditor('hipaa_auditor'));

  const key = publicKeyOf(hospital.key);
  const clinical = records.clinical[0]!.issued;
  const own = await verifyEat(presentEat(clinical, { role: 'gdpr_auditor' }), { key, role: 'gdpr_auditor', clock });
  const foreign = await verifyEat(presentEat(clinical, { role: 'hipaa_auditor' }), {
    key,
    role: 'gdpr_auditor',
    clock,
  });
  // The HIPAA auditor's presentation of a clinical record, placed on the processing record's entry.
  const bundle = decodeProofBundle(gdprBundle);
  const presentation = decodeProofBundle(hipaaBundle).items[0]!.presentation;
  const swapped = encodeProofBundle({ ...bundle, items: [{ ...bundle.items[0]!, presentation }] });
  return {
    gdpr,
    hipaa,
    gdprOfClinical: own.ok ? own.disclosed.map((d) => d.path) : [own.error.code],
    hipaaDisclosuresToGdpr: foreign.ok ? 'accepted' : foreign.error.code,
    swapped: await failing(() => verifyAsAuditor(swapped, auditor('gdpr_auditor'))),
  };
}

/** Runs the whole scenario on loopback, in a temporary directory that it removes. */
export async function runCrossDomainAudit(): Promise<CrossDomainAuditReport> {
  const dir = mkdtempSync(join(tmpdir(), 'cross-domain-audit-'));
  const clock = fixedClock(NOW_MS);
  const hospital = new Domain(HOSPITAL, dir, clock);
  const supplier = new Domain(SUPPLIER, dir, clock);
  const logistics = new Domain(LOGISTICS, dir, clock);
  const domains = [hospital, supplier, logistics];
  const witness = supplierWitness(
    dir,
    clock,
    domains.map((d) => ({ origin: d.origin, keys: [d.logVkey] })),
  );
  const hospitalDisclosures = hospitalVault(dir);
  try {
    await hospital.listen();
    await supplier.listen({ path: WITNESS_PATH, handler: witness.handler });
    await logistics.listen();

    // 1. Each domain audits its part of the workflow in its own log.
    const w = await logWorkflow(hospital, supplier, logistics);
    // The hospital keeps its records' disclosures sealed in its vault, the patient's under the patient's key.
    await keepDisclosures(hospitalDisclosures.vault, [w.reviewed, w.ordered, w.received]);

    // 2. The supplier's witness cosigns the hospital's checkpoints, each consistent with the one before.
    const witnessUrl = `${supplier.base}${WITNESS_PATH}`;
    const at = async (size: number) => (await hospital.log.checkpointAt(size))!;
    const first = await witnessCheckpoint(hospital, witnessUrl, await at(2), 0);
    const flipped = async (from: number, to: number) =>
      (await hospital.log.consistencyProof(from, to)).map((h) => h.map((b) => b ^ 0xff));
    const wrongProof = await failing(async () => witnessCheckpoint(hospital, witnessUrl, await at(3), 2, flipped));
    const second = await witnessCheckpoint(hospital, witnessUrl, await at(3), 2);
    const policy = oneOfOnePolicy(hospital, witness.vkey);
    // A verifier reads the checkpoint the hospital now serves, with the cosignature, and applies its own policy.
    const served = await (await fetch(`${hospital.logUrl}/checkpoint`)).text();
    const witnessed = verifyWitnessed(served, policy, clock);
    const unwitnessed = await failing(async () => verifyWitnessed(await at(3), policy, clock));

    // 3. Each auditor receives only its role's disclosures, and checks them against the logged records.
    const records = { clinical: [w.reviewed, w.received], processing: [w.ordered] };
    const auditors = await audits(hospital, records, second.cosigned, policy, clock);

    // 4. The month's consumption between the three, settled and netted.
    const settled: Settled[] = [];
    for (const flow of marchFlows(hospital, supplier, logistics)) settled.push(await settleMonth(flow, dir, clock));
    const netting = await netMonth(
      settled.map((s) => s.receipt),
      [hospital, supplier, logistics],
      clock,
    );

    // 5. An auditor traces the workflow across the three logs, each checkpoint witnessed; then with one log offline.
    const logs = [
      { domain: hospital, cosigned: second.size },
      { domain: supplier, cosigned: 0 },
      { domain: logistics, cosigned: 0 },
    ];
    const trace = await traceStep(logs, { url: witnessUrl, vkey: witness.vkey }, logistics, clock);

    // 6. The patient's erasure request, honoured in the hospital's vault and log.
    const witnessedSizes = [first.size, second.size, trace.witnessed[0]!.size];
    const patientRecords = { processing: w.ordered, clinical: [w.reviewed, w.received] };
    const erasure = await erasePatient(hospital, hospitalDisclosures.vault, patientRecords, witnessedSizes, clock);

    return {
      logged: Object.values(w).map((r) => ({
        domain: r.action.domain,
        action: r.action.action,
        index: r.logged.index,
        ...(r.issued.claims.stitch && { stitch: r.issued.claims.stitch[0] }),
      })),
      gdprAndHipaa: await bothProfiles(hospital),
      witness: {
        cosigned: [first.size, second.size],
        wrongProof,
        witnessedBy: witnessed.witnesses.map((x) => x.name),
        unwitnessed,
      },
      auditors,
      settled,
      netting,
      trace,
      erasure,
    };
  } finally {
    await Promise.all([hospital.close(), supplier.close(), logistics.close()]);
    witness.close();
    await hospitalDisclosures.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const short = (domain: string) => domain.split('.')[0]!;

function show(r: CrossDomainAuditReport): void {
  console.log("  1. Each domain logs its Execution Audit Tokens (SD-CWT), stitched to the peers' records:");
  for (const l of r.logged) {
    const s = l.stitch;
    const peer = s && `${s.rel} ${short(s.domain)} ${s.ect}${s.index === undefined ? '' : ` (its record #${s.index})`}`;
    console.log(`     ${short(l.domain).padEnd(16)} #${l.index} ${l.action.padEnd(17)}${peer ?? ''}`);
  }
  console.log("     every receipt verified against the log's checkpoint, read from its tiles over HTTP;");
  console.log("     every stitch to a logged record checked in the peer's log before the record was made");
  console.log(`     one record under both GDPR and HIPAA: ${r.gdprAndHipaa} (at most 1,095 days, at least 2,190)`);

  const w = r.witness;
  console.log("  2. The supplier's witness cosigns the hospital's checkpoints:");
  console.log(`     cosigned sizes ${w.cosigned.join(' then ')}; a wrong consistency proof: ${w.wrongProof}`);
  console.log(
    `     1-of-1 policy: accepted, witnessed by ${w.witnessedBy.join(', ')}; the bare checkpoint: ${w.unwitnessed}`,
  );

  const a = r.auditors;
  console.log("  3. Each auditor verifies a proof bundle with its role's disclosures against the logged records:");
  for (const v of a.gdpr) {
    const reg = v.claims.reg;
    console.log(
      `     GDPR auditor,  #${v.index} ${v.claims.action}: purpose "${reg.purpose}", basis ${reg.legal_basis}, ` +
        `recipients ${reg.recipients?.join(', ')}; patients shown ${reg.subjects?.length ?? 0} of 1`,
    );
  }
  for (const v of a.hipaa) {
    console.log(
      `     HIPAA auditor, #${v.index} ${v.claims.action}: by ${v.claims.actor?.id}, ` +
        `data ${v.claims.reg.data_categories?.join(', ')}; patients shown ${v.claims.reg.subjects?.length ?? 0} of 1`,
    );
  }
  console.log(
    `     the GDPR auditor's view of a clinical record discloses [${a.gdprOfClinical.join(', ')}] (no clinician, no data categories)`,
  );
  console.log(`     the HIPAA auditor's disclosures shown to the GDPR auditor: ${a.hipaaDisclosuresToGdpr}`);
  console.log(`     a presentation moved onto another logged record: ${a.swapped}`);

  console.log('  4. March settled between the three domains:');
  for (const s of r.settled) {
    const d = s.disputes[0];
    console.log(
      `     ${short(s.flow.consumer.name)} pays ${short(s.flow.provider.name)}: ${s.records} countersigned records ` +
        `(one-sided: ${s.oneSided}; retry: ${s.retry}), statement ${s.statement.total} EUR logged at #${s.statementLogged.index}`,
    );
    if (d) {
      console.log(
        `       disputed ${d.reason} of one record, proven in the statement by inclusion; ${s.disputes[1]?.answer?.decision}ed`,
      );
    }
    console.log(
      `       reconciled ${s.reconciliation.matched} matched; settlement receipt ${s.receipt.total} EUR, signed by both: ${s.verified ? 'verified' : 'NOT VERIFIED'}`,
    );
  }
  const n = r.netting;
  const transfers = n.claims.transfers.map((t) => `${short(t.from)} → ${short(t.to)} ${t.amount}`);
  console.log(
    `     netting (${n.claims.method}): ${transfers.join(', ')} instead of ${r.settled.length} payments; signed by all: ${n.verified ? 'verified' : 'NOT VERIFIED'}`,
  );
  showTrace(r.trace);
  showErasure(r.erasure);
}

const hhmm = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 16).replace('T', ' ');
const gap = (g: TraceReport['missing'][number]) => `${g.kind} ${g.log}${'code' in g ? ` (${g.code})` : ''}`;

function showTrace(t: TraceReport): void {
  console.log('  5. An auditor traces the workflow across the three logs over HTTP:');
  const sizes = t.witnessed.map((w) => `${short(w.domain)} ${w.size}`).join(', ');
  console.log(`     each log's latest checkpoint cosigned by the supplier's witness (sizes: ${sizes})`);
  console.log(`     the workflow index without the auditor's bearer token: ${t.withoutToken}`);
  for (const e of t.timeline) {
    console.log(`     ${hhmm(e.start)} UTC  ${short(e.domain).padEnd(16)} #${e.index} ${e.action}`);
  }
  const complete = t.missing.length === 0 && t.forks === 0;
  console.log(
    `     ${t.timeline.length} records in causal order, ${complete ? 'nothing missing, no fork' : `GAPS: ${t.missing.map(gap).join('; ')}`}`,
  );
  console.log(
    `     with the logistics company's log offline: ${t.offline.timeline} records proven, the trace names ${t.offline.missing.map(gap).join('; ')}`,
  );
}

function showErasure(e: ErasureReport): void {
  console.log('  6. The patient asks the hospital to erase them (GDPR Art. 17):');
  const kept = (r: ErasureReport['retention'][number]) =>
    `#${r.index} ${r.maxDays === undefined ? `at least ${r.minDays}` : `at most ${r.maxDays}`} days (basis ${r.basis})`;
  console.log(`     the patient's records are kept ${e.retention.map(kept).join(', ')}`);
  const restricted = e.restricted.length === 0 ? 'none' : e.restricted.map((i) => `#${i}`).join(', ');
  console.log(
    `     only a minimum set by law defers an erasure (Art. 17(3)(b)); none is, so it runs now (kept restricted: ${restricted})`,
  );
  console.log(
    `     the DPO's view of the order named ${e.dpoSubjectsBefore.length} patient before, ${e.dpoSubjectsAfter.length} after; ` +
      `opening the patient's disclosure now: ${e.opened}`,
  );
  const t = e.tombstone;
  console.log(
    `     tombstone (${t.reason}, ${t.basis}) logged at #${t.index}, receipt ${t.receipt}: entries ${t.entries.join(', ')} — ` +
      `${t.destroyed} disclosures destroyed; the patient named in it: ${t.namesSubject ? 'yes' : 'no'}`,
  );
  console.log(
    `     still released: the GDPR auditor sees purpose "${e.gdprPurpose}", the HIPAA auditor the clinician ${e.hipaaActor}`,
  );
  console.log(
    `     proofs taken before, verified after over the same leaves: ${e.proofs.inclusion} inclusion, ${e.proofs.consistency} consistency`,
  );
}

/** `pnpm demo`: the workflow across a hospital, its pharmacy supplier and a logistics company. */
export async function main(): Promise<void> {
  console.log(
    'Cross-domain audit — a hospital, its supplier and a logistics company audit one workflow and settle March\n',
  );
  show(await runCrossDomainAudit());
  console.log('');
}
