import { ectHash, keyToJwk, publicKeyOf, seededRandom } from '@safety-net/core';
import {
  builtinProfiles,
  EAT_VCT,
  type EatClaims,
  type IssuedEat,
  issueEat,
  presentSdCwt,
} from '@safety-net/cross-domain-audit';
import type { Domain, Registered } from './domain.js';
import { type DomainName, HOSPITAL, LOGISTICS, originOf, pseudonym, SUPPLIER, WID } from './world.js';

const profiles = builtinProfiles();
const DAY_12 = Date.UTC(2026, 2, 12, 8, 0, 0) / 1000;
const PATIENT = pseudonym('P-104');

/** One audited action: the ECT it audits, who acted, its regulatory metadata and its stitches. */
export interface Action {
  readonly domain: DomainName;
  /** The audited ECT's jti; the ECTs themselves travel between the domains as `ect-over-http` shows. */
  readonly ect: string;
  /** The ECTs this one follows, after itself. */
  readonly after: readonly string[];
  readonly actor: NonNullable<EatClaims['actor']>;
  readonly sub?: string;
  readonly action: string;
  /** Minutes after the workflow started. */
  readonly at: number;
  readonly reg: EatClaims['reg'];
  readonly refs?: readonly string[];
  /** The peer the ECT was sent to (`causes`) or came from (`caused_by`), and the peer record when known. */
  readonly peer?: { rel: 'causes' | 'caused_by'; domain: DomainName; ect: string; record?: Registered };
}

const agent = (domain: DomainName, name: string) => ({
  kind: 'agent' as const,
  id: `spiffe://${domain}/agent/${name}`,
});

/** The clinician's review of P-104's prescription: the hospital's clinical record, under HIPAA. */
export const review: Action = {
  domain: HOSPITAL,
  ect: 'ect-rx-review-7',
  after: [],
  actor: { kind: 'human', id: 'mailto:dr.ada@hospital.example' },
  sub: 'clinician-4711',
  action: 'rx.review',
  at: 0,
  reg: {
    profiles: [profiles.ref('hipaa-164-312b')],
    jurisdiction: ['US'],
    retention_class: 'audit',
    data_categories: ['prescription'],
    subjects: [PATIENT],
  },
};

/** The order the hospital's procurement agent sends the supplier: personal data leaves the hospital, under GDPR. */
export const order: Action = {
  domain: HOSPITAL,
  ect: 'ect-order-7',
  after: ['ect-rx-review-7'],
  actor: agent(HOSPITAL, 'procurement'),
  action: 'order.place',
  at: 5,
  reg: {
    profiles: [profiles.ref('gdpr-art30')],
    jurisdiction: ['EU'],
    retention_class: 'processing',
    controller: HOSPITAL,
    purpose: 'named-patient supply of heparin',
    legal_basis: 'gdpr-9-2-h',
    data_categories: ['prescription'],
    subjects: [PATIENT],
    recipients: [SUPPLIER],
    security: ectHash('hospital.example technical and organisational measures, version 3'),
    transfers: [],
  },
  peer: { rel: 'causes', domain: SUPPLIER, ect: 'ect-order-7' },
};

const sox = (purpose: string) => ({
  profiles: [profiles.ref('sox-404')],
  jurisdiction: ['US'],
  retention_class: 'audit',
  purpose,
});
const aiAct = {
  profiles: [profiles.ref('eu-ai-act-art12')],
  jurisdiction: ['EU'],
  retention_class: 'operation',
};

/** The supplier's side: it accepts the order (stitched back to the hospital's record) and asks for a shipment. */
export const accept = (hospitalOrder: Registered): Action => ({
  domain: SUPPLIER,
  ect: 'ect-intake-7',
  after: ['ect-order-7'],
  actor: agent(SUPPLIER, 'order-intake'),
  action: 'order.accept',
  at: 7,
  reg: sox('sales order SO-7'),
  refs: ['approval-so-7'],
  peer: { rel: 'caused_by', domain: HOSPITAL, ect: 'ect-order-7', record: hospitalOrder },
});

export const ship: Action = {
  domain: SUPPLIER,
  ect: 'ect-ship-7',
  after: ['ect-intake-7'],
  actor: agent(SUPPLIER, 'fulfilment'),
  action: 'shipment.request',
  at: 30,
  reg: sox('shipment of sales order SO-7'),
  refs: ['approval-so-7'],
  peer: { rel: 'causes', domain: LOGISTICS, ect: 'ect-ship-7' },
};

/** The logistics company's routing model plans the delivery (a high-risk AI system) and confirms it. */
export const route = (supplierShipment: Registered): Action => ({
  domain: LOGISTICS,
  ect: 'ect-route-7',
  after: ['ect-ship-7'],
  actor: agent(LOGISTICS, 'routing'),
  action: 'route.plan',
  at: 32,
  reg: aiAct,
  refs: ['bet-route-7'],
  peer: { rel: 'caused_by', domain: SUPPLIER, ect: 'ect-ship-7', record: supplierShipment },
});

export const deliver: Action = {
  domain: LOGISTICS,
  ect: 'ect-delivered-7',
  after: ['ect-route-7'],
  actor: agent(LOGISTICS, 'courier'),
  action: 'delivery.confirm',
  at: 180,
  reg: aiAct,
  refs: ['bet-route-7'],
  peer: { rel: 'causes', domain: HOSPITAL, ect: 'ect-delivered-7' },
};

/** The hospital's pharmacist receives the dose for P-104: a clinical record again, under HIPAA. */
export const receive = (delivery: Registered): Action => ({
  domain: HOSPITAL,
  ect: 'ect-receive-7',
  after: ['ect-delivered-7'],
  actor: { kind: 'human', id: 'mailto:ines@hospital.example' },
  sub: 'pharmacist-0815',
  action: 'stock.receive',
  at: 185,
  reg: { ...review.reg, data_categories: ['prescription', 'dispensing'] },
  peer: { rel: 'caused_by', domain: LOGISTICS, ect: 'ect-delivered-7', record: delivery },
});

/** The EAT of an action (spec §3.1), stitched to its peer's log when it crossed a boundary (§3.2). */
export function eatOf(a: Action, domain: Domain): EatClaims {
  const start = DAY_12 + a.at * 60;
  const claims: EatClaims = {
    iss: a.domain,
    iat: start + 60,
    jti: `eat-${a.ect}`,
    wid: WID,
    pred: [a.ect, ...a.after],
    cnf: { jwk: keyToJwk(publicKeyOf(domain.presenter)) },
    vct: EAT_VCT,
    ect: { jti: a.ect, wid: WID, iss: a.actor.id, digest: ectHash(`the ECT ${a.ect} as received`) },
    actor: a.actor,
    action: a.action,
    outcome: 'succeeded',
    inp_hash: ectHash(`input of ${a.ect}`),
    time: { start, end: start + 30 },
    reg: a.reg,
    ...(a.sub && { sub: a.sub }),
    ...(a.refs && { refs: [...a.refs] }),
  };
  if (!a.peer) return claims;
  const { rel, domain: peer, ect, record } = a.peer;
  const stitch = {
    rel,
    domain: peer,
    log: originOf(peer),
    ect,
    ...(record && { entry: record.entry, index: record.index }),
  };
  return { ...claims, stitch: [stitch] };
}

/** An action audited and logged: the issued EAT (with every disclosure, kept by the domain) and its receipt. */
export interface Audited {
  readonly action: Action;
  readonly issued: IssuedEat<Uint8Array>;
  readonly logged: Registered;
}

/**
 * Issues the action's EAT as an SD-CWT and registers it in the domain's own log over HTTP. It is sent with every
 * disclosure so the registrar can run the profile checks; the log keeps the issued form, which holds none.
 */
export async function audit(a: Action, domain: Domain): Promise<Audited> {
  const issued = issueEat(eatOf(a, domain), domain.key, { random: seededRandom(`salts/${a.ect}`) });
  const everything = presentSdCwt(
    issued.token,
    issued.disclosures.map((d) => d.disclosure),
  );
  return { action: a, issued, logged: await domain.register(everything, 'eat') };
}
