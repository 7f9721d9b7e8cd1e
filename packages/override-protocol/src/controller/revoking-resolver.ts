import { compensationResult } from '@safety-net/cascade-prevention';
import {
  type Clock,
  coseKeyThumbprint,
  type KeyRequest,
  type KeyResolver,
  readClock,
  systemClock,
  toBase64Url,
} from '@safety-net/core';
import type { Revocations } from '../authority/revocations.js';
import { ovError } from '../errors.js';
import { acknowledgement } from '../messages/acknowledgement.js';
import { approvalRequest } from '../messages/approval-request.js';
import { handoff } from '../messages/handoff.js';
import { heartbeat } from '../messages/heartbeat.js';

/**
 * The records a halted agent still signs (spec §8.3): they report on the override, they are not new work, so a
 * revoked key keeps verifying them. Told apart by their `typ`, which the signature protects; an ECT's `exec_act` is
 * the signer's own claim and could name `ov.*` in a work ECT.
 */
const OVERRIDE_RECORDS: ReadonlySet<string | number> = new Set(
  [acknowledgement, heartbeat, handoff, approvalRequest, compensationResult].flatMap((t) => [
    t.typ,
    ...(t.jws ? [t.jws.typ, ...(t.jws.acceptTyp ?? [])] : []),
  ]),
);

/**
 * A key resolver that refuses revoked keys (spec §11): once the clock reaches a key's `revoked_at`, a message that
 * names it (by its kid or its RFC 9679 thumbprint) fails with `ERR_OV_KEY_REVOKED` — except the records of the
 * override the agent still signs (spec §8.3: Acknowledgements, Heartbeats, Hand-offs, Approval Requests and
 * Compensation Results), recognised by the `typ` the verifier hands the resolver. A message whose verifier names
 * no `typ` is refused. Peers feed `revocations` from the Key Revocations escalation hands them
 * (`revocations.add(claims.kid, claims.revoked_at)` once verified).
 *
 * @example
 * ```ts
 * const revocations = new Revocations();
 * const key = revokingResolver(keySet(peers), revocations);
 * ect.verify(bytes, { key });
 * ```
 */
export function revokingResolver(
  resolver: KeyResolver,
  revocations: Revocations,
  clock: Clock = systemClock,
): KeyResolver {
  return {
    resolve(request: KeyRequest) {
      const key = resolver.resolve(request);
      const kids = [toBase64Url(coseKeyThumbprint(key))];
      if (key.kid) kids.push(toBase64Url(key.kid));
      if (request.kid) kids.push(toBase64Url(request.kid));
      const revokedAt = revocations.revokedAt(kids);
      if (revokedAt === undefined || readClock(clock) < revokedAt * 1000) return key;
      if (request.typ !== undefined && OVERRIDE_RECORDS.has(request.typ)) return key;
      throw ovError('ERR_OV_KEY_REVOKED', `the key was revoked at ${revokedAt}`);
    },
  };
}
