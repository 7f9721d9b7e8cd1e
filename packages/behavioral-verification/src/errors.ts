import { defineErrorFamily } from '@safety-net/core';

/**
 * The `bv` error family: every code behavioural verification reports besides core's, in the order of the spec's
 * table (`docs/spec/behavioral-verification.md` §8). Match on `code`; `instanceof BvError` tells the family.
 */
export const BV_ERRORS = defineErrorFamily({
  family: 'bv',
  className: 'BvError',
  messages: {
    ERR_BV_DISCLOSURE_INVALID: 'parameter disclosure does not match its commitment',
    ERR_BV_MERKLE_INVALID: 'Merkle tree index, size or proof is out of range',
    ERR_BV_PROFILE_MISMATCH: 'evidence was judged against another behavioural profile',
    ERR_BV_SUBJECT_MISMATCH: 'evidence is about another agent',
    ERR_BV_VERDICT_REFUSED: 'the evidence verdict is not acceptable under the appraisal policy',
    ERR_BV_EVIDENCE_STALE: 'the evidence is older than the appraisal policy allows',
    ERR_BV_RULES_INVALID: 'behavioural profile rules are malformed or unsafe',
    ERR_BV_OBSERVATION_INVALID: 'observation does not match the observation schema',
    ERR_BV_ACTION_BLOCKED: 'the monitor blocked the action',
    ERR_BV_APPROVAL_REQUIRED: 'the action needs human approval before it runs',
    ERR_BV_SUITE_INVALID: 'benchmark task suite is malformed or unsafe',
    ERR_BV_SUITE_MISMATCH: 'performance profiles were measured on different task suites',
  },
});

/** Every stable error code of behavioural verification. */
export type BvErrorCode = (typeof BV_ERRORS.codes)[number];

declare module '@safety-net/core' {
  interface ErrorCodeRegistry extends Record<BvErrorCode, true> {}
}

/** The class of the `bv` family. */
export const BvError = BV_ERRORS.Error;

/** Builds the error of a `bv` code. Throw what it returns. */
export const bvError = BV_ERRORS.error;
