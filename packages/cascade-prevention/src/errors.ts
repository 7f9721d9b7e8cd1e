import { defineErrorFamily } from '@safety-net/core';

/**
 * The `cp` error family: every code cascade prevention reports besides core's, in the order of the spec's table
 * (`docs/spec/cascade-prevention.md` §7). Match on `code`; `instanceof CascadeError` tells the family.
 */
export const CP_ERRORS = defineErrorFamily({
  family: 'cp',
  className: 'CascadeError',
  messages: {
    ERR_CP_CONFIG_INVALID: 'breaker, bulkhead or coordinator options are invalid',
    ERR_CP_CIRCUIT_OPEN: 'the circuit is open: the call was not attempted',
    ERR_CP_BULKHEAD_FULL: 'the failure domain is at capacity and its queue is full',
    ERR_CP_BULKHEAD_SHED: 'queued work was shed to make room for higher-priority work',
    ERR_CP_ABORTED: 'the call was aborted by its signal',
    ERR_CP_ANNOUNCEMENT_STALE: 'a newer circuit state announcement has already been applied',
    ERR_CP_CHECKPOINT_MISSING: 'a task to roll back has no checkpoint',
    ERR_CP_PLAN_INVALID: 'the rollback plan does not match the DAG or the request',
    ERR_CP_FENCED: 'the data is under rollback: new work on it is refused',
    ERR_CP_NOT_REVERSIBLE: 'the task cannot be compensated',
    ERR_CP_COMPENSATION_FAILED: 'the compensating action failed',
    ERR_CP_DEADLINE_EXCEEDED: 'the rollback deadline passed',
    ERR_CP_ROLLBACK_UNKNOWN: 'no rollback is known with this id',
    ERR_CP_ROLLBACK_CONFLICT: 'the request conflicts with a rollback already recorded under its id',
    ERR_CP_STORE_FAILED: 'the durable rollback store failed',
    ERR_CP_DOMAIN_ISOLATED: 'the failure domain is isolated: new work is refused',
    ERR_CP_TOO_MANY_SOURCES: 'announcements come from more issuer and breaker pairs than the breaker tracks',
    ERR_CP_TIMEOUT: 'the call did not finish within its timeout',
    ERR_CP_STORE_FULL: 'the participant store is at capacity with rollbacks not yet complete',
    ERR_CP_LEASE_LOST: 'another coordinator instance holds the rollback lease',
  },
});

/** Every stable error code of cascade prevention. */
export type CpErrorCode = (typeof CP_ERRORS.codes)[number];

declare module '@safety-net/core' {
  interface ErrorCodeRegistry extends Record<CpErrorCode, true> {}
}

/** The class of the `cp` family. */
export const CascadeError = CP_ERRORS.Error;

/** Builds the error of a `cp` code. Throw what it returns. */
export const cpError = CP_ERRORS.error;
