import { type Clock, publicKeyOf } from '@safety-net/core';
import {
  buildProofBundle,
  type EatDisclosedClaims,
  encodeProofBundle,
  type LogEntry,
  presentEat,
  verifyEat,
  verifyProofBundle,
  type WitnessPolicy,
} from '@safety-net/cross-domain-audit';
import type { Domain } from './domain.js';
import type { Audited } from './records.js';
import { verifyWitnessed } from './witness.js';

/**
 * What the domain hands an auditor of `role`: a proof bundle (spec §5.6) of `records` under the witnessed
 * checkpoint — each entry, its `tlog-proof`, its receipt — and for each the presentation with exactly the
 * disclosures the role may see (§4.3).
 */
export async function bundleFor(
  domain: Domain,
  records: readonly Audited[],
  role: string,
  cosigned: string,
  policy: WitnessPolicy,
  clock: Clock,
): Promise<Uint8Array> {
  const bundle = await buildProofBundle(domain.log, {
    indices: records.map((r) => r.logged.index),
    policy,
    checkpoint: cosigned,
    openCheckpoint: async (text) => verifyWitnessed(text, policy, clock),
    receipt: (proof) => domain.receipts.issue(proof),
  });
  const items = bundle.items.map((item, i) => ({ ...item, presentation: presentEat(records[i]!.issued, { role }) }));
  return encodeProofBundle({ ...bundle, items });
}

/** One record as an auditor verified it: the claims it may rely on and the redacted fields it was shown. */
export interface AuditorView {
  readonly index: number;
  readonly claims: EatDisclosedClaims;
  readonly disclosed: readonly string[];
}

/**
 * The auditor's side, offline: the checkpoint against its own 1-of-1 witness policy, each entry's inclusion and
 * receipt, each presentation's issuer part byte for byte against the logged entry, and its disclosures against
 * the auditor's role (`ERR_AU_VISIBILITY` for one it may not see).
 */
export async function verifyAsAuditor(
  bundle: Uint8Array,
  auditor: { role: string; policy: WitnessPolicy; domain: Domain; clock: Clock },
): Promise<AuditorView[]> {
  const { role, policy, domain, clock } = auditor;
  // Keyed by the entry object the bundle's verification hands back for the item.
  const views = new Map<LogEntry, { claims: EatDisclosedClaims; disclosed: string[] }>();
  const items = await verifyProofBundle(bundle, {
    openCheckpoint: async (text) => verifyWitnessed(text, policy, clock),
    receiptKey: publicKeyOf(domain.receiptKey),
    verifyPresentation: async (presentation, entry) => {
      const seen = await verifyEat(presentation, { key: publicKeyOf(domain.key), role, clock });
      if (!seen.ok) throw seen.error;
      views.set(entry, { claims: seen.claims, disclosed: seen.disclosed.map((d) => d.path) });
    },
  });
  return items.map((item) => ({ index: item.index, ...views.get(item.entry)! }));
}
