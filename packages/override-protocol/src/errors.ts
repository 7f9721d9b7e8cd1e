import { defineErrorFamily } from '@safety-net/core';

/**
 * The `ov` error family: every code the override protocol reports besides core's, in the order of the spec's table
 * (`docs/spec/override-protocol.md` §12). Match on `code`; `instanceof OverrideError` tells the family.
 */
export const OV_ERRORS = defineErrorFamily({
  family: 'ov',
  className: 'OverrideError',
  messages: {
    ERR_OV_CONFIG_INVALID: 'guard, control plane, transport or store options are invalid',
    ERR_OV_ACTION_DIGEST: 'the action digest is not the digest of the action',
    ERR_OV_UNAUTHORIZED: 'no grant of the current authority policy authorises the signal',
    ERR_OV_QUORUM: 'fewer distinct authorised operators signed than the grant requires',
    ERR_OV_KEY_REVOKED: 'the message is signed with a revoked key',
    ERR_OV_POLICY_INVALID: 'the authority policy or key revocation is invalid',
    ERR_OV_STALE: 'the message is not newer than what is already held',
    ERR_OV_LIFT_MISMATCH: 'the lift names a hold of another control plane or of a kind it cannot lift',
    ERR_OV_CONFLICT: 'a signal id or an order was reused with other content',
    ERR_OV_OUT_OF_SCOPE: 'the receiving agent is not in the signal’s scope',
    ERR_OV_PAUSED: 'the agent is paused: the action was refused',
    ERR_OV_STOPPED: 'the agent is stopped: the action was refused',
    ERR_OV_TAKEN_OVER: 'a human has taken over this task',
    ERR_OV_SAFE_STATE: 'the agent’s lease lapsed: it is in its safe state',
    ERR_OV_ABORTED: 'the action was aborted by a stop',
    ERR_OV_CONSTRAINT_INVALID: 'the constraint profile does not verify or cannot be compiled',
    ERR_OV_CONSTRAINT_WIDENS: 'the constraint profile would allow what the profile in force does not',
    ERR_OV_HANDOFF_INVALID: 'the hand-off does not match its takeover signal',
    ERR_OV_DECLINE_NOT_ALLOWED: 'a mandatory or emergency signal cannot be declined',
    ERR_OV_DEADLINE_EXCEEDED: 'no final acknowledgement came by the deadline',
    ERR_OV_APPROVAL_REJECTED: 'an approver rejected the action',
    ERR_OV_APPROVAL_TIMEOUT: 'no approval came before the request timed out',
    ERR_OV_APPROVAL_MISMATCH: 'the approval decision does not match its request',
    ERR_OV_DELIVERY_FAILED: 'the transport failed after its retries',
    ERR_OV_ESCALATION_FAILED: 'an escalation step could not be carried out',
    ERR_OV_LIMIT: 'a limit on holds, waiting lifts, outbox or propagation depth was reached',
    ERR_OV_STORE_FAILED: 'the durable override store failed',
  },
});

/** Every stable error code of the override protocol. */
export type OvErrorCode = (typeof OV_ERRORS.codes)[number];

declare module '@safety-net/core' {
  interface ErrorCodeRegistry extends Record<OvErrorCode, true> {}
}

/** The class of the `ov` family. */
export const OverrideError = OV_ERRORS.Error;

/** Builds the error of an `ov` code. Throw what it returns. */
export const ovError = OV_ERRORS.error;
