import { defineErrorFamily } from '@safety-net/core';

/**
 * The `au` error family: every code the cross-domain audit package reports besides core's, in the order of the
 * spec's table (`docs/spec/cross-domain-audit.md` §10). Match on `code`; `instanceof AuditError` tells the family.
 */
export const AU_ERRORS = defineErrorFamily({
  family: 'au',
  className: 'AuditError',
  messages: {
    ERR_AU_CONFIG_INVALID: 'log, witness, registrar, scheduler, rating or trace options are invalid',
    ERR_AU_PROFILE_UNKNOWN: 'the record names a regulatory profile that is not held, or one with another digest',
    ERR_AU_PROFILE_INVALID: 'the regulatory profile is invalid',
    ERR_AU_FIELD_MISSING: 'the record lacks a field a regulatory profile requires',
    ERR_AU_NOT_REDACTED: 'a field a regulatory profile requires redacted is in clear',
    ERR_AU_VISIBILITY: 'the disclosure is beyond what the auditor role may see',
    ERR_AU_DISCLOSURE_INVALID: 'the disclosure is malformed or matches no digest of the record',
    ERR_AU_DISCLOSURE_DUPLICATE: 'the same disclosure was presented twice',
    ERR_AU_KEY_BINDING: 'the key binding is absent, for another audience or nonce, or not by the confirmation key',
    ERR_AU_ENTRY_INVALID: 'the log entry is malformed, of an unknown kind, too large or not loggable',
    ERR_AU_NOTE_MALFORMED: 'the signed note or witness request breaks the syntax or limits',
    ERR_AU_CHECKPOINT_MALFORMED: 'the note text is not a checkpoint',
    ERR_AU_NOTE_BAD_SIGNATURE: 'a signature by a known key does not verify',
    ERR_AU_NOTE_UNVERIFIED: 'no signature by a known key verifies',
    ERR_AU_ORIGIN_MISMATCH: 'the checkpoint is of another log',
    ERR_AU_COSIGNATURE_QUORUM: 'fewer fresh witness cosignatures than the policy requires',
    ERR_AU_WITNESS_CONFLICT: 'the witness refused the checkpoint: old size or root mismatch',
    ERR_AU_WITNESS_UNKNOWN_LOG: 'the witness does not know the log',
    ERR_AU_PROOF_INVALID: 'the inclusion or consistency proof does not verify',
    ERR_AU_RECEIPT_INVALID: 'the COSE Receipt does not verify or its root matches no checkpoint',
    ERR_AU_BUNDLE_INVALID: 'the proof bundle is malformed or inconsistent with itself',
    ERR_AU_FORK_DETECTED: 'two checkpoints of one log cannot both be true',
    ERR_AU_TRACE_LIMIT: 'the workflow trace reached a limit',
    ERR_AU_ERASED: 'the disclosure was erased',
    ERR_AU_LEGAL_HOLD: 'erasure is deferred by a legal hold',
    ERR_AU_RETENTION_ACTIVE: 'erasure is deferred by a retention duty',
    ERR_AU_DECRYPT_FAILED: 'the stored ciphertext fails authentication',
    ERR_AU_NOT_STITCHED: 'the erasure request names a record not stitched to the requesting domain',
    ERR_AU_SUBJECT_AMBIGUOUS: 'the erasure request names records of more than one subject; the operator names it',
    ERR_AU_HOLD_ISSUER_UNTRUSTED: 'the legal hold is not signed by a trusted hold issuer',
    ERR_AU_RECORD_DUPLICATE: 'the consumption record was already ingested',
    ERR_AU_CONFLICT: 'an id was reused with other content',
    ERR_AU_COUNTERSIGNATURE_MISSING: 'the consumption record lacks the consuming domain’s signature',
    ERR_AU_PRICE_MISSING: 'an item has no price',
    ERR_AU_STATEMENT_ROOT_MISMATCH: 'the statement’s root is not the root of its records',
    ERR_AU_STATEMENT_TOTALS_MISMATCH: 'the statement’s lines or total do not follow from its records and prices',
    ERR_AU_DISPUTE_INVALID: 'the dispute’s evidence does not verify or it names no record of the statement',
    ERR_AU_SETTLEMENT_INVALID: 'the settlement receipt does not follow from the statement, reconciliation and disputes',
    ERR_AU_NETTING_INVALID: 'the transfers do not settle the positions',
    ERR_AU_STORE_FAILED: 'the durable store failed',
  },
});

/** Every stable error code of the cross-domain audit package. */
export type AuErrorCode = (typeof AU_ERRORS.codes)[number];

declare module '@safety-net/core' {
  interface ErrorCodeRegistry extends Record<AuErrorCode, true> {}
}

/** The class of the `au` family. */
export const AuditError = AU_ERRORS.Error;

/** Builds the error of an `au` code. Throw what it returns. */
export const auError = AU_ERRORS.error;
