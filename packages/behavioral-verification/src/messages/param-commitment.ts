import {
  encodeCbor,
  fromBase64Url,
  isSafetyNetError,
  type RandomSource,
  sha256,
  snError,
  systemRandom,
  toBase64Url,
} from '@safety-net/core';
import * as z from 'zod';
import { bvError } from '../errors.js';
import { type ParamValue, ParamValueSchema } from '../monitor/observation-input.js';

/** Salt length in bytes: 128 bits, so a committed value cannot be found by trying candidates. */
export const PARAM_SALT_BYTES = 16;

/** base64url of a 16-byte salt: 22 characters, unpadded. */
const SaltSchema = z.string().regex(/^[A-Za-z0-9_-]{21}[AQgw]$/, 'base64url 16-byte salt');

/** One opened parameter: enough to recompute its commitment. Hand it to whoever may see that parameter. */
export const ParamDisclosureSchema = z
  .object({
    // `__proto__` is refused: no JSON object can carry it safely as a key.
    name: z
      .string()
      .min(1)
      .max(128)
      .refine((n) => n !== '__proto__', 'reserved name'),
    salt: SaltSchema,
    value: ParamValueSchema,
  })
  .strict();
/** One opened parameter. */
export type ParamDisclosure = z.infer<typeof ParamDisclosureSchema>;

/** Parameter name → base64url SHA-256 commitment, as an Observation carries it. */
export type ParamCommitments = Readonly<Record<string, string>>;

/** What {@link commitParams} returns: the commitments to publish and the openings to keep. */
export interface CommittedParams {
  readonly commitments: ParamCommitments;
  readonly disclosures: Readonly<Record<string, ParamDisclosure>>;
}

/** SHA-256 over the deterministic CBOR array [salt, name, value] (behavioral-verification.md §3.2). */
function commitmentOf(salt: Uint8Array, name: string, value: ParamValue): string {
  return toBase64Url(sha256(encodeCbor([salt, name, value])));
}

/**
 * Commits to each parameter separately with its own random salt, so that one parameter can later be disclosed
 * (e.g. to an auditor) without revealing the others. `ERR_INPUT_INVALID` for a name or value a disclosure cannot
 * carry (empty or over 128 characters, `__proto__`, a non-finite number).
 *
 * @example
 * ```ts
 * const { commitments, disclosures } = commitParams({ notional: '250000', symbol: 'ACME' });
 * // publish `commitments` in the Observation; later hand out disclosures.notional
 * ```
 */
export function commitParams(
  params: Readonly<Record<string, ParamValue>>,
  random: RandomSource = systemRandom,
): CommittedParams {
  const entries = Object.entries(params).map(([name, value]) => {
    const parsed = ParamDisclosureSchema.safeParse({ name, salt: toBase64Url(random.bytes(PARAM_SALT_BYTES)), value });
    if (!parsed.success) throw snError('ERR_INPUT_INVALID', `parameter ${name.slice(0, 128)} cannot be committed to`);
    const disclosure = parsed.data;
    return [name, disclosure, commitmentOf(fromBase64Url(disclosure.salt), name, value)] as const;
  });
  return {
    commitments: Object.fromEntries(entries.map(([name, , commitment]) => [name, commitment])),
    disclosures: Object.fromEntries(entries.map(([name, disclosure]) => [name, disclosure])),
  };
}

/**
 * The opening of parameter `name` from a {@link commitParams} result; `ERR_BV_DISCLOSURE_INVALID` when there is
 * none.
 */
export function discloseParam(committed: CommittedParams, name: string): ParamDisclosure {
  const disclosure = Object.hasOwn(committed.disclosures, name) ? committed.disclosures[name] : undefined;
  if (!disclosure) throw bvError('ERR_BV_DISCLOSURE_INVALID', `no parameter ${name.slice(0, 128)}`);
  return disclosure;
}

/**
 * Checks an (untrusted) disclosure against the commitments of a verified Observation and returns the disclosed
 * value. `ERR_BV_DISCLOSURE_INVALID` when the disclosure is malformed (throwing getters and proxies included), names
 * a parameter the Observation did not commit to, or does not hash to the commitment.
 *
 * @example
 * ```ts
 * const notional = verifyDisclosure(observation.params_commit, disclosureFromAgent);
 * ```
 */
export function verifyDisclosure(commitments: ParamCommitments, disclosure: unknown): ParamValue {
  try {
    return verifyUnsafe(commitments, disclosure);
  } catch (e) {
    if (isSafetyNetError(e)) throw e;
    throw bvError('ERR_BV_DISCLOSURE_INVALID', 'disclosure could not be read'); // a getter or proxy trap threw
  }
}

function verifyUnsafe(commitments: ParamCommitments, disclosure: unknown): ParamValue {
  const parsed = ParamDisclosureSchema.safeParse(disclosure);
  if (!parsed.success) throw bvError('ERR_BV_DISCLOSURE_INVALID', 'malformed disclosure');
  const { name, salt, value } = parsed.data;
  const expected = Object.hasOwn(commitments, name) ? commitments[name] : undefined;
  if (expected === undefined) throw bvError('ERR_BV_DISCLOSURE_INVALID', 'parameter was not committed to');
  if (commitmentOf(fromBase64Url(salt), name, value) !== expected) {
    throw bvError('ERR_BV_DISCLOSURE_INVALID', 'does not match the commitment');
  }
  return value;
}
