import {
  type Clock,
  decodeCbor,
  decodeSign,
  HEADER,
  type PublicKey,
  snError,
  verifyJws,
  verifySign,
} from '@safety-net/core';
import { checkClaims } from '@safety-net/core/internal';
import { type GeneralJws, isCoseSign, MAX_SIGNAL_SIGNERS } from '../messages/cosigned-signal.js';
import { type OverrideSignalClaims, overrideSignal } from '../messages/override-signal.js';
import type { HeldPolicy, OperatorKey } from './policy.js';
import { rememberingBackend } from './remembered-signatures.js';

/** One per process: the guards it hosts share what they verified. */
const backend = rememberingBackend();

/** A signal whose signature(s) verified under operator keys of the held policy. */
export interface VerifiedSignal {
  readonly claims: OverrideSignalClaims;
  /** The distinct operator keys whose signatures verified. */
  readonly signers: readonly OperatorKey[];
}

/**
 * Verifies an Override Signal (core.md §6.5) with the operator keys of the held policy as the only key source, so
 * that judging it needs no network (spec §5.2, §8.2 step 1). A COSE_Sign (spec §5.4) is verified with core's "at
 * least one" policy: every signature that verifies names a signer, and the quorum is counted by
 * {@link authorizeSignal}, by operator. Throws the verification's code.
 */
export function verifySignal(bytes: Uint8Array, policy: HeldPolicy, clock?: Clock): VerifiedSignal {
  if (isCoseSign(bytes)) return verifyCoseSign(bytes, policy, clock);
  const result = overrideSignal.verify(bytes, { key: policy.keys, clock, backend });
  if (!result.ok) throw result.error;
  // The key set holds the policy's keys only, so the key that verified is one of them.
  return { claims: result.claims, signers: [policy.operatorKey(result.key)!] };
}

function verifyCoseSign(bytes: Uint8Array, policy: HeldPolicy, clock?: Clock): VerifiedSignal {
  const decoded = decodeSign(bytes, { tag: 'tagged' });
  if (decoded.signatures.length > MAX_SIGNAL_SIGNERS) {
    throw snError('ERR_INPUT_INVALID', `more than ${MAX_SIGNAL_SIGNERS} signatures on one signal`);
  }
  const typ = decoded.protectedHeader.get(HEADER.typ);
  if (typ === undefined) throw snError('ERR_COSE_TYP_MISSING');
  if (typ !== overrideSignal.typ) throw snError('ERR_COSE_TYP_MISMATCH', `typ ${String(typ)}`);
  const verified = verifySign(decoded, {
    key: policy.keys,
    require: { atLeast: 1 },
    requireProtectedAlg: true,
    profile: true,
    backend,
  });
  const claims = overrideSignal.parse(overrideSignal.fromCbor(decodeCbor(verified.payload)));
  checkClaims(claims, overrideSignal.claimOptions({ clock }));
  const keys = verified.outcomes.flatMap((o) => (o.valid ? [o.key] : []));
  return { claims, signers: distinctSigners(keys, policy) };
}

/**
 * Verifies the JOSE form of a signal several operators signed: the JWS JSON General Serialization (RFC 7515
 * §7.2.1). Each signature is checked as the compact JWS `protected.payload.signature` it is, with the full claim
 * checks; signatures that fail do not count, and none verifying is the first one's code.
 */
export async function verifySignalJws(jws: GeneralJws, policy: HeldPolicy, clock?: Clock): Promise<VerifiedSignal> {
  if (typeof jws?.payload !== 'string' || !Array.isArray(jws.signatures) || jws.signatures.length === 0) {
    throw snError('ERR_JOSE_MALFORMED', 'not a JWS JSON General Serialization');
  }
  if (jws.signatures.length > MAX_SIGNAL_SIGNERS) {
    throw snError('ERR_INPUT_INVALID', `more than ${MAX_SIGNAL_SIGNERS} signatures on one signal`);
  }
  const results = await Promise.all(
    jws.signatures.map((s) =>
      verifyJws(overrideSignal, `${s?.protected}.${jws.payload}.${s?.signature}`, { key: policy.keys, clock }),
    ),
  );
  const valid = results.flatMap((r) => (r.ok ? [r] : []));
  if (valid.length === 0) throw (results[0] as { error: Error }).error;
  return {
    claims: valid[0]!.claims,
    signers: distinctSigners(
      valid.map((r) => r.key),
      policy,
    ),
  };
}

/** The operator keys behind verified public keys, each once: one key signing twice counts once (core.md §4.6). */
function distinctSigners(keys: readonly PublicKey[], policy: HeldPolicy): OperatorKey[] {
  const seen = new Set<OperatorKey>();
  for (const key of keys) seen.add(policy.operatorKey(key)!);
  return [...seen];
}
