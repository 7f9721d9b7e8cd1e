import { join } from 'node:path';
import { type Clock, fromBase64Url, isSafetyNetError, publicKeyOf, seededRandom } from '@safety-net/core';
import {
  bytesKeyEncryptionKey,
  DisclosureVault,
  Eraser,
  type TreeHead,
  tombstone,
  verifyCheckpoint,
  verifyEat,
  verifyEntryInclusion,
  verifyReceipt,
  verifyTreeConsistency,
} from '@safety-net/cross-domain-audit';
import { SqliteDisclosureStore } from '@safety-net/cross-domain-audit/sqlite';
import type { Domain } from './domain.js';
import type { Audited } from './records.js';

/**
 * The hospital's disclosure vault (spec §7.2) in SQLite: every disclosure of its EATs sealed under its subject's key
 * (the patient's pseudonym for `reg.subjects`, the hospital's own key for the rest), subject keys wrapped under a
 * key-encryption key the hospital holds outside the database. Seeded, so that runs repeat.
 */
export function hospitalVault(dir: string) {
  const store = new SqliteDisclosureStore(join(dir, 'hospital-disclosures.db'));
  const kekBytes = seededRandom('cross-domain-audit/hospital/kek').bytes(32);
  const random = seededRandom('cross-domain-audit/hospital/vault');
  const kek = bytesKeyEncryptionKey('hospital-kek-2026-04', kekBytes, random);
  return { vault: new DisclosureVault({ store, kek, random }), close: () => store.close() };
}

/** Keeps the disclosures of logged EATs in the vault, each `reg.subjects` element under that subject. */
export async function keepDisclosures(vault: DisclosureVault, records: readonly Audited[]): Promise<void> {
  for (const { issued, logged } of records) {
    const subjects = issued.claims.reg.subjects ?? [];
    const perSubject = issued.disclosures.filter((d) => d.path === 'reg.subjects');
    await vault.storeEat(issued, {
      entry: { index: logged.index, leafHash: fromBase64Url(logged.entry) },
      subjects: new Map(perSubject.map((d, i) => [d.digest, subjects[i]!])),
    });
  }
}

/** The hospital's eraser: destroys a subject's disclosures in the vault and logs a signed tombstone in its log. */
function hospitalEraser(hospital: Domain, vault: DisclosureVault, clock: Clock): Eraser {
  return new Eraser({
    vault,
    log: hospital.log,
    receipts: hospital.receipts,
    key: hospital.key,
    issuer: hospital.name,
    clock,
    random: seededRandom('cross-domain-audit/hospital/eraser'),
  });
}

/** Step 6: what the erasure of a patient destroyed, logged, left, and what still verifies. */
export interface ErasureReport {
  /** The subjects the hospital's DPO was shown on the processing record, before and after. */
  readonly dpoSubjectsBefore: readonly string[];
  readonly dpoSubjectsAfter: readonly string[];
  /** Opening the patient's disclosure of the processing record afterwards. */
  readonly opened: string;
  /** The retention of each of the patient's records (spec §4.1): only a minimum with basis `law` defers erasure. */
  readonly retention: readonly { index: number; minDays: number; maxDays?: number; basis: string }[];
  /** Entries kept under a law-based retention minimum. */
  readonly restricted: readonly number[];
  readonly tombstone: {
    readonly index: number;
    readonly reason: string;
    readonly basis?: string;
    readonly entries: readonly number[];
    readonly destroyed: number;
    /** Whether the signed tombstone's claims contain the patient's pseudonym. */
    readonly namesSubject: boolean;
    /** The tombstone's receipt, checked against the log's checkpoint read over HTTP. */
    readonly receipt: 'verified';
  };
  /** What the auditors are still shown from the vault: the processing record's purpose, the clinician. */
  readonly gdprPurpose?: string;
  readonly hipaaActor?: string;
  /** Proofs taken before the erasure, verified again after it against the entries the log now serves. */
  readonly proofs: { readonly inclusion: number; readonly consistency: number };
}

const codeOf = (e: unknown) => (isSafetyNetError(e) ? e.code : String(e));

/**
 * The patient asks the hospital to erase them (GDPR Art. 17). Before: an auditor holds an inclusion proof of every
 * entry of the hospital's log under the witnessed checkpoint, and consistency proofs between the witnessed ones. The
 * eraser destroys the patient's disclosures and logs a tombstone; after: the patient's disclosure cannot be opened,
 * the other disclosures are still released, and every proof taken before still verifies over the same leaves.
 */
export async function erasePatient(
  hospital: Domain,
  vault: DisclosureVault,
  records: { processing: Audited; clinical: readonly Audited[] },
  witnessedSizes: readonly number[],
  clock: Clock,
): Promise<ErasureReport> {
  const reader = hospital.reader();
  const head = await reader.checkpoint();
  const headAt = async (size: number) =>
    verifyCheckpoint((await hospital.log.checkpointAt(size))!, [hospital.logVkey], { origin: hospital.origin });
  const inclusions: { index: number; path: Uint8Array[] }[] = [];
  for (let index = 0; index < head.size; index++) {
    inclusions.push({ index, path: await reader.inclusionProof(await reader.entry(index, head), index, head) });
  }
  const consistencies: { old: TreeHead; head: TreeHead; proof: Uint8Array[] }[] = [];
  for (let i = 1; i < witnessedSizes.length; i++) {
    const [old, next] = [await headAt(witnessedSizes[i - 1]!), await headAt(witnessedSizes[i]!)];
    consistencies.push({ old, head: next, proof: await reader.consistencyProof(old, next) });
  }

  const processing = fromBase64Url(records.processing.logged.entry);
  const subjectDigest = records.processing.issued.disclosures.find((d) => d.path === 'reg.subjects')!.digest;
  const key = publicKeyOf(hospital.key);
  const shown = async (leaf: Uint8Array, role: string) => {
    const seen = await verifyEat(await vault.present(leaf, { role }), { key, role, clock });
    if (!seen.ok) throw seen.error;
    return seen.claims;
  };
  const dpoSubjectsBefore = (await shown(processing, 'dpo')).reg.subjects ?? [];

  const patient = records.processing.issued.claims.reg.subjects![0]!;
  const erased = await hospitalEraser(hospital, vault, clock).erase(patient, { basis: 'gdpr-17-1-a' });
  const logged = erased.tombstone!;

  // The tombstone, as the hospital's log now holds it: its receipt against the checkpoint served over HTTP.
  const after = await reader.checkpoint();
  verifyReceipt(logged.receipt, {
    entry: await reader.entry(logged.index, after),
    key: publicKeyOf(hospital.receiptKey),
    checkpoints: [after],
  });
  const stone = tombstone.verify(logged.message, { key, clock });
  if (!stone.ok) throw stone.error;

  // Each proof taken before, over the entry the log serves now: the leaves did not change.
  let inclusion = 0;
  for (const p of inclusions) {
    const entry = await reader.entry(p.index, after);
    verifyEntryInclusion({ entry, index: p.index, size: head.size, path: p.path, rootHash: head.rootHash });
    inclusion++;
  }
  consistencies.push({ old: head, head: after, proof: await reader.consistencyProof(head, after) });
  let consistency = 0;
  for (const c of consistencies) {
    verifyTreeConsistency({
      size1: c.old.size,
      rootHash1: c.old.rootHash,
      size2: c.head.size,
      rootHash2: c.head.rootHash,
      proof: c.proof,
    });
    consistency++;
  }

  const clinical = fromBase64Url(records.clinical[0]!.logged.entry);
  return {
    retention: [records.processing, ...records.clinical]
      .map(({ logged, issued }) => ({ index: logged.index, ...issued.retention }))
      .sort((a, b) => a.index - b.index),
    dpoSubjectsBefore,
    dpoSubjectsAfter: (await shown(processing, 'dpo')).reg.subjects ?? [],
    opened: await vault.open(processing, subjectDigest).then(() => 'opened', codeOf),
    restricted: erased.restricted,
    tombstone: {
      index: logged.index,
      reason: stone.claims.reason,
      ...(stone.claims.basis && { basis: stone.claims.basis }),
      entries: stone.claims.entries,
      destroyed: stone.claims.destroyed.length,
      namesSubject: JSON.stringify(stone.claims).includes(patient),
      receipt: 'verified',
    },
    gdprPurpose: (await shown(processing, 'gdpr_auditor')).reg.purpose,
    hipaaActor: (await shown(clinical, 'hipaa_auditor')).actor?.id,
    proofs: { inclusion, consistency },
  };
}
