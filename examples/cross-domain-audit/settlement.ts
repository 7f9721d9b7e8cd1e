import { join } from 'node:path';
import { type Clock, epochSeconds, isSafetyNetError, type MessageType } from '@safety-net/core';
import {
  buildSettlementReceipt,
  buildStatement,
  type ConsumptionClaims,
  ConsumptionLedger,
  checkDispute,
  checkNetting,
  checkStatement,
  consumptionDigest,
  countersignConsumption,
  type DisputeClaims,
  dispute,
  type Item,
  logForm,
  type NettingClaims,
  netPositions,
  type Price,
  type PriceTableClaims,
  planTransfers,
  priceTable,
  type ReconciliationClaims,
  reconcile,
  reconciliation,
  recordInclusion,
  type SettlementClaims,
  type StatementClaims,
  signConsumption,
  signNetting,
  signSettlement,
  statement,
  verifyNetting,
  verifySettlement,
} from '@safety-net/cross-domain-audit';
import { SqliteLedgerStore } from '@safety-net/cross-domain-audit/sqlite';
import type { Domain, Registered } from './domain.js';
import { MARCH, recordKeys } from './world.js';

const DAY = 86_400;
const BILLING = 'wf-billing-2026-03';

/** What one domain meters of another's agent in March: a record a day, and the prices agreed for it. */
export interface Flow {
  readonly provider: Domain;
  readonly consumer: Domain;
  readonly meter: string;
  readonly agent: string;
  readonly items: (day: number) => Item[];
  readonly prices: readonly Price[];
  /** A day whose record the consumer disputes, and the quantities its own meter holds for it. */
  readonly dispute?: { readonly day: number; readonly held: Item[] };
}

/** The month of one flow, settled. */
export interface Settled {
  readonly flow: Flow;
  readonly records: number;
  /** The provider's ledger's answers to a record only it signed, and to a retried record (counted once). */
  readonly oneSided: string;
  readonly retry: string;
  readonly statement: StatementClaims;
  readonly statementLogged: Registered;
  readonly reconciliation: ReconciliationClaims;
  readonly disputes: readonly DisputeClaims[];
  readonly receipt: SettlementClaims;
  /** The Settlement Receipt signed by both, verified by a third party holding both keys. */
  readonly verified: boolean;
}

/** The March records of a flow, one per day, each attributed to the consumer's agent and its task. */
function meter(flow: Flow): ConsumptionClaims[] {
  return Array.from({ length: (MARCH.end - MARCH.start) / DAY }, (_, day) => {
    const start = MARCH.start + day * DAY;
    return {
      iss: flow.provider.name,
      iat: start + DAY,
      jti: `${flow.meter}-2026-03-${String(day + 1).padStart(2, '0')}`,
      wid: BILLING,
      pred: [`ect-${flow.meter}-${day + 1}`],
      meter: flow.meter,
      consumer: flow.consumer.name,
      agent: flow.agent,
      task: `ect-${flow.meter}-${day + 1}`,
      period: { start, end: start + DAY },
      items: flow.items(day),
    };
  });
}

const codeOf = (e: unknown) => (isSafetyNetError(e) ? e.code : String(e));

/** A signed message as the other party receives it: verified under the sender's key, then its claims. */
function receive<T extends object>(type: MessageType<T>, bytes: Uint8Array, clock: Clock): T {
  const verified = type.verify(bytes, { key: recordKeys(), clock });
  if (!verified.ok) throw verified.error;
  return verified.claims;
}

/**
 * One month between a provider and a consumer (spec §8): the provider meters and signs each record, the consumer
 * countersigns it, the provider ingests it exactly once into its SQLite ledger and logs it; the provider rates the
 * month and registers its statement in its log; the consumer recomputes it, reconciles, and disputes the record its
 * own meter disagrees with, proving by an inclusion proof under `records_root` that the statement holds it; the
 * provider checks the dispute and accepts; both sign the settlement receipt.
 */
export async function settleMonth(flow: Flow, dir: string, clock: Clock): Promise<Settled> {
  const { provider, consumer } = flow;
  const keys = recordKeys();
  const now = epochSeconds(clock);
  const records = meter(flow);
  const store = new SqliteLedgerStore(join(dir, `ledger-${flow.meter}.db`));
  try {
    const ledger = new ConsumptionLedger({ store, keys, clock });
    const countersigned = records.map((r) => countersignConsumption(signConsumption(r, provider.key), consumer.key));
    const oneSided = await ledger.ingest(signConsumption(records[0]!, provider.key)).then(() => 'accepted', codeOf);
    for (const bytes of countersigned) await ledger.ingest(bytes);
    const retry = await ledger.ingest(countersigned[0]!).then(() => 'counted twice', codeOf);
    await provider.log.append(countersigned.map((bytes) => ({ kind: 'consumption' as const, body: logForm(bytes) })));

    const table: PriceTableClaims = {
      iss: provider.name,
      iat: MARCH.start - DAY,
      exp: MARCH.end + 30 * DAY,
      jti: `prices-${flow.meter}-2026`,
      wid: BILLING,
      pred: [],
      consumer: consumer.name,
      currency: 'EUR',
      scale: 2,
      rounding: 'half_even',
      prices: [...flow.prices],
    };
    const agreed = receive(priceTable, priceTable.sign(table, provider.key), clock);
    const claims = buildStatement({
      iss: provider.name,
      aud: consumer.name,
      jti: `st-${flow.meter}-2026-03`,
      wid: BILLING,
      pred: [table.jti],
      iat: now,
      period: MARCH,
      table,
      records,
    });
    const signedStatement = statement.sign(claims, provider.key);
    const statementLogged = await provider.register(signedStatement, 'statement');

    // The consumer: the statement verifies, its root and totals recompute from the records it countersigned.
    checkStatement(receive(statement, signedStatement, clock), records, agreed);
    const digests = records.map(consumptionDigest);
    const disputed = flow.dispute && digests[flow.dispute.day]!;
    const reconciled = reconcile({
      iss: consumer.name,
      jti: `rc-${flow.meter}-2026-03`,
      wid: BILLING,
      iat: now,
      statement: claims,
      statementRecords: digests,
      own: records,
      disputed: disputed ? [{ record: disputed, reason: 'quantity' }] : [],
      table,
    });
    receive(reconciliation, reconciliation.sign(reconciled, consumer.key), clock);

    const disputes: DisputeClaims[] = [];
    if (flow.dispute && disputed) {
      const raised: DisputeClaims = {
        iss: consumer.name,
        aud: provider.name,
        iat: now,
        jti: `dp-${flow.meter}-1`,
        wid: BILLING,
        pred: [claims.jti],
        statement: claims.jti,
        record: disputed,
        reason: 'quantity',
        claim: 'adjust',
        adjusted: flow.dispute.held,
        evidence: { inclusion: recordInclusion(digests, disputed) },
      };
      // The provider checks the evidence (the record is in the statement it signed) before it answers.
      await checkDispute(receive(dispute, dispute.sign(raised, consumer.key), clock), {
        statement: claims,
        keys,
        clock,
      });
      const answer: DisputeClaims = {
        ...raised,
        iss: provider.name,
        aud: consumer.name,
        jti: `${raised.jti}-answer`,
        pred: [claims.jti, raised.jti],
        answer: { to: raised.jti, decision: 'accept' },
      };
      const answered = receive(dispute, dispute.sign(answer, provider.key), clock);
      await checkDispute(answered, { statement: claims, keys, clock, answers: raised });
      disputes.push(raised, answered);
    }

    const receipt = buildSettlementReceipt({
      iss: provider.name,
      jti: `sr-${flow.meter}-2026-03`,
      wid: BILLING,
      iat: now,
      statement: claims,
      reconciliation: reconciled,
      disputes,
      records,
      table,
    });
    const signed = signSettlement(receipt, consumer.key, provider.key);
    await provider.log.append([{ kind: 'settlement', body: logForm(signed) }]);
    const verified = (await verifySettlement(signed, { keys, clock })).ok;
    return {
      flow,
      records: records.length,
      oneSided,
      retry,
      statement: claims,
      statementLogged,
      reconciliation: reconciled,
      disputes,
      receipt,
      verified,
    };
  } finally {
    store.close();
  }
}

/** The netting of the month's settlements (spec §8.6), signed by every party and checked against the receipts. */
export async function netMonth(receipts: readonly SettlementClaims[], parties: readonly Domain[], clock: Clock) {
  const positions = netPositions(receipts, 'EUR');
  const plan = planTransfers(positions);
  const claims: NettingClaims = {
    iss: parties[0]!.name,
    iat: epochSeconds(clock),
    jti: 'nt-2026-03',
    wid: BILLING,
    pred: receipts.map((r) => r.jti),
    currency: 'EUR',
    positions,
    transfers: plan.transfers,
    method: plan.method,
  };
  const signed = signNetting(
    claims,
    parties.map((p) => p.key),
  );
  const verified = await verifyNetting(signed, { keys: recordKeys(), clock });
  checkNetting(claims, receipts);
  return { claims, verified: verified.ok };
}
