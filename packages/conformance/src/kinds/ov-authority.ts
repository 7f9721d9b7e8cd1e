import { epochSeconds, fromHex, publicKeyOf } from '@safety-net/core';
import {
  acceptPolicy,
  acceptRevocation,
  authorizeSignal,
  checkActionDigest,
  Revocations,
  verifySignal,
} from '@safety-net/override-protocol';
import * as z from 'zod';
import { expectedOf, Hex } from '../format.js';
import { defineKind } from './kind.js';
import { attempt, compareOutcome } from './outcome.js';

const OvAuthority = z
  .object({
    input: z
      .object({
        policy_cose_hex: Hex,
        revocations_cose_hex: z.array(Hex).optional(),
        signal_cose_hex: Hex,
        lifts_emergency_hold: z.boolean().optional(),
      })
      .strict(),
    options: z.object({ authority: z.string().min(1) }).strict(),
    expected: expectedOf({ operators: z.array(z.string()) }),
  })
  .strict();

/**
 * `ov-authority`: an Authority Policy (and Key Revocations) from the policy authority, then a signal verified with
 * the policy's operator keys and judged by it (`override-protocol.md` §5): the distinct operators whose signatures
 * counted, or the code of the refusal.
 */
export const ovAuthority = defineKind('ov-authority', OvAuthority, async ({ input, options, expected }, context) => {
  const got = await attempt(() => {
    const trust = { authority: publicKeyOf(context.key(options.authority)), clock: context.clock };
    const policy = acceptPolicy(fromHex(input.policy_cose_hex), trust);
    const revocations = new Revocations(policy.claims.revoked ?? []);
    for (const hex of input.revocations_cose_hex ?? []) {
      const revocation = acceptRevocation(fromHex(hex), trust);
      revocations.add(revocation.kid, revocation.revoked_at);
    }
    const { claims, signers } = verifySignal(fromHex(input.signal_cose_hex), policy, context.clock);
    checkActionDigest(claims);
    const authorised = authorizeSignal(claims, signers, {
      policy,
      revocations,
      now: epochSeconds(context.clock),
      liftsEmergencyHold: input.lifts_emergency_hold === true,
    });
    return { operators: [...authorised.operators] };
  });
  compareOutcome(expected, got);
});
