import { createHmac } from 'node:crypto';
import { generateKey, KeySet, type PrivateKey, seededRandom, toBase64Url, utf8 } from '@safety-net/core';

/** The three organisations, by the host their logs and keys are named for. */
export const HOSPITAL = 'hospital.example';
export const SUPPLIER = 'pharma-supplier.example';
export const LOGISTICS = 'logistics.example';
export const DOMAINS = [HOSPITAL, SUPPLIER, LOGISTICS] as const;
export type DomainName = (typeof DOMAINS)[number];

/** Every log is `<host>/audit/main` (spec §5.2), served under `/audit/main`. */
export const LOG_PREFIX = '/audit/main';
export const originOf = (domain: DomainName) => `${domain}${LOG_PREFIX}`;

/** The workflow: a named-patient order of heparin, from the ward's prescription to the delivery. */
export const WID = 'wf-heparin-p104';

/** The scenario runs on 1 April 2026 at 09:00 UTC, and settles March. */
export const NOW_MS = Date.UTC(2026, 3, 1, 9, 0, 0);
export const NOW = NOW_MS / 1000;
export const MARCH = { start: Date.UTC(2026, 2, 1) / 1000, end: Date.UTC(2026, 3, 1) / 1000 };

/** A fixed key per domain and purpose, derived from its name (deterministic runs); the domain is its kid. */
export function keyOf(
  domain: DomainName,
  purpose: 'records' | 'presenter' | 'log' | 'receipts' | 'witness',
): PrivateKey {
  const key = generateKey('Ed25519', seededRandom(`cross-domain-audit/${domain}/${purpose}`));
  return purpose === 'records' ? { ...key, kid: utf8(domain) } : key;
}

/**
 * The bearer token a domain issued the auditor for its workflow index (spec §6), fixed per domain so that runs repeat;
 * a deployment issues random ones.
 */
export const auditorToken = (domain: DomainName): string =>
  toBase64Url(seededRandom(`cross-domain-audit/${domain}/auditor-token`).bytes(32));

/** The keys each domain signs its records with, each trusted for its own domain only. */
export const recordKeys = (): KeySet => new KeySet(DOMAINS.map((d) => ({ key: keyOf(d, 'records'), issuers: [d] })));

/**
 * A data subject's pseudonym in the hospital's records (spec §3.1): HMAC-SHA-256 under the hospital's pseudonym
 * key, so the patient's id never leaves the hospital and the other domains cannot link it.
 */
export function pseudonym(subjectId: string): string {
  return createHmac('sha256', 'hospital.example pseudonym key').update(subjectId).digest('base64url');
}
