/**
 * @safety-net/conformance/generate — the generator of the checked-in conformance vectors and the helpers it is
 * built from: fixed keys and time, hand-built messages, and the `message-verify` cases of a message type derived
 * from its definition and sample claims. `pnpm vectors:generate` writes {@link generateVectorFiles}.
 *
 * @packageDocumentation
 */
import { type Vector, vectorText } from '../format.js';
import { behavioralVerificationVectors } from './cases/behavioral-verification.js';
import { behavioralVerificationMessageVectors } from './cases/behavioral-verification-messages.js';
import { cascadePreventionMessageVectors } from './cases/cascade-prevention-messages.js';
import { cborVectors } from './cases/cbor.js';
import { coseSignVectors } from './cases/cose-sign.js';
import { coseVerifyVectors } from './cases/cose-verify.js';
import { crossDomainAuditAccountingVectors } from './cases/cross-domain-audit-accounting.js';
import { crossDomainAuditDisclosureVectors } from './cases/cross-domain-audit-disclosure.js';
import { crossDomainAuditErasureVectors } from './cases/cross-domain-audit-erasure.js';
import { crossDomainAuditIngestionVectors } from './cases/cross-domain-audit-ingestion.js';
import { crossDomainAuditLogVectors } from './cases/cross-domain-audit-log.js';
import { crossDomainAuditNoteVectors } from './cases/cross-domain-audit-notes.js';
import { crossDomainAuditSettlingVectors } from './cases/cross-domain-audit-settling.js';
import { dagVectors } from './cases/dag.js';
import { dagQueryVectors } from './cases/dag-query.js';
import { ectCoseVectors } from './cases/ect-cose.js';
import { ectCoseEdgeVectors } from './cases/ect-cose-edges.js';
import { ectHeaderVectors } from './cases/ect-header.js';
import { ectJwsVectors } from './cases/ect-jws.js';
import { ectSignVectors } from './cases/ect-sign.js';
import { keyImportVectors } from './cases/key-import.js';
import { overrideProtocolActionDigestVectors } from './cases/override-protocol-action-digest.js';
import { overrideProtocolAuthorityVectors } from './cases/override-protocol-authority.js';
import { overrideProtocolGuardVectors } from './cases/override-protocol-guard.js';
import { overrideProtocolMessageVectors } from './cases/override-protocol-messages.js';

export { AUDIENCE, ectClaims, fixedKey, hex, invalid, KEYS, keysOf, NOW, nameOf, vector } from './common.js';
export {
  claimsRefused,
  flipLastChar,
  type MessageCase,
  messageVerifyVector,
  refused,
  signedCose,
  signedJws,
  uncheckedCose,
  type ValidMessage,
  validCose,
  validJws,
  validPairs,
  withClaims,
} from './messages.js';
export { type Bucket, flipLastByte, rawJws, rawSign1 } from './raw.js';
export {
  behavioralVerificationMessageVectors,
  behavioralVerificationVectors,
  cascadePreventionMessageVectors,
  crossDomainAuditAccountingVectors,
  crossDomainAuditDisclosureVectors,
  crossDomainAuditErasureVectors,
  crossDomainAuditIngestionVectors,
  crossDomainAuditLogVectors,
  crossDomainAuditNoteVectors,
  crossDomainAuditSettlingVectors,
  overrideProtocolActionDigestVectors,
  overrideProtocolAuthorityVectors,
  overrideProtocolGuardVectors,
  overrideProtocolMessageVectors,
};

/** Every generated vector file: its path under spec-vectors/ and its exact text. */
export interface GeneratedFile {
  readonly path: string;
  readonly text: string;
}

/** The vectors of every area, in a fixed order. Pure: the same files every time. */
export function generateVectors(): Vector[] {
  return [
    ...cborVectors(),
    ...coseSignVectors(),
    ...coseVerifyVectors(),
    ...ectSignVectors(),
    ...ectCoseVectors(),
    ...ectCoseEdgeVectors(),
    ...ectJwsVectors(),
    ...dagVectors(),
    ...dagQueryVectors(),
    ...keyImportVectors(),
    ...ectHeaderVectors(),
    ...behavioralVerificationMessageVectors(),
    ...cascadePreventionMessageVectors(),
    ...overrideProtocolMessageVectors(),
    ...overrideProtocolActionDigestVectors(),
    ...overrideProtocolAuthorityVectors(),
    ...overrideProtocolGuardVectors(),
    ...crossDomainAuditNoteVectors(),
    ...crossDomainAuditDisclosureVectors(),
    ...crossDomainAuditAccountingVectors(),
    ...crossDomainAuditLogVectors(),
    ...crossDomainAuditErasureVectors(),
    ...crossDomainAuditSettlingVectors(),
    ...crossDomainAuditIngestionVectors(),
  ];
}

/** The files to write; duplicate ids are a generator bug. */
export function generateVectorFiles(): GeneratedFile[] {
  const files = [
    ...generateVectors().map((v) => ({ path: `${v.package}/${v.id}.json`, text: vectorText(v) })),
    // The evaluation vectors are written by their own package's generator, with their own exact text.
    ...behavioralVerificationVectors().map((f) => ({ path: f.path.replace(/^spec-vectors\//, ''), text: f.json })),
  ];
  const seen = new Set<string>();
  for (const f of files) {
    if (seen.has(f.path)) throw new Error(`two vectors would be written to ${f.path}`);
    seen.add(f.path);
  }
  return files;
}
