import { type RandomSource, snError } from '@safety-net/core';
import { childPath, ELEMENTS } from './paths.js';

/** Bytes of every salt (128 bits, spec §3.3 and §3.4). */
export const SALT_BYTES = 16;
/** Most blinded hashes (real and decoy) in one map (spec §9). */
export const MAX_DIGESTS_PER_MAP = 256;

/** How many decoy digests each map with redacted entries receives: drawn uniformly from `min` to `max`. */
export interface DecoyRange {
  readonly min: number;
  readonly max: number;
}

/** Spec §3.3: 1 to 3 decoys per map that holds redacted entries. */
export const DEFAULT_DECOYS: DecoyRange = { min: 1, max: 3 };

/** One disclosure made at issuance: where its claim sits, its encoded form and its digest. */
export interface IssuedDisclosure<D> {
  /** The member's path (`reg.purpose`); for an array element, the array's path (`reg.subjects`). */
  readonly path: string;
  readonly element: boolean;
  /** The disclosure as it travels: base64url text (SD-JWT) or the encoded CBOR array (SD-CWT). */
  readonly disclosure: D;
  /** The digest, base64url: how a presentation names the disclosure. */
  readonly digest: string;
}

/** A disclosure made by a format, with its digest. */
export interface Made<D> {
  readonly disclosure: D;
  readonly digest: string;
}

/** What differs between SD-JWT and SD-CWT when claims are blinded. `Out` is the format's value type. */
export interface BlindFormat<D, Out> {
  member(salt: Uint8Array, name: string, value: Out, path: string): Made<D>;
  element(salt: Uint8Array, value: Out): Made<D>;
  /** The array element that stands for a redacted one. */
  marker(digest: string): Out;
  decoy(salt: Uint8Array): string;
  /** A map from its clear members and the digests of its redacted ones (decoys included, not yet ordered). */
  object(members: [string, Out][], digests: string[], path: string): Out;
  array(items: Out[]): Out;
  leaf(value: unknown): Out;
}

/** A plain object: what claims are made of. Maps, bytes and CBOR's own classes are values, never walked. */
function isRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** A count uniform in `min..max`, by rejection so that no count is favoured. */
function drawCount(random: RandomSource, { min, max }: DecoyRange): number {
  const span = max - min + 1;
  if (span <= 1) return min;
  const limit = 256 - (256 % span);
  for (;;) {
    const byte = random.bytes(1)[0]!;
    if (byte < limit) return min + (byte % span);
  }
}

/**
 * Blinds the members and array elements that `redact` names (inner ones first, so a redacted object may hold
 * redacted members of its own), adding decoys to every map that holds redacted members.
 */
export function blind<D, Out>(
  claims: Record<string, unknown>,
  redact: ReadonlySet<string>,
  format: BlindFormat<D, Out>,
  random: RandomSource,
  decoys: DecoyRange = DEFAULT_DECOYS,
): { value: Out; disclosures: IssuedDisclosure<D>[] } {
  if (!(Number.isInteger(decoys.min) && decoys.min >= 0 && Number.isInteger(decoys.max) && decoys.max >= decoys.min)) {
    throw snError('ERR_INPUT_INVALID', 'decoy range');
  }
  const disclosures: IssuedDisclosure<D>[] = [];
  const salt = () => random.bytes(SALT_BYTES);
  const walk = (value: unknown, path: string): Out => {
    if (Array.isArray(value)) {
      const each = redact.has(path + ELEMENTS);
      return format.array(
        value.map((item) => {
          const inner = walk(item, path + ELEMENTS);
          if (!each) return inner;
          const made = format.element(salt(), inner);
          disclosures.push({ path, element: true, ...made });
          return format.marker(made.digest);
        }),
      );
    }
    if (!isRecord(value)) return format.leaf(value);
    const members: [string, Out][] = [];
    const digests: string[] = [];
    for (const [name, member] of Object.entries(value)) {
      if (member === undefined) continue;
      const p = childPath(path, name);
      const inner = walk(member, p);
      if (!redact.has(p)) {
        members.push([name, inner]);
        continue;
      }
      const made = format.member(salt(), name, inner, path);
      disclosures.push({ path: p, element: false, ...made });
      digests.push(made.digest);
    }
    if (digests.length > 0) {
      for (let n = drawCount(random, decoys); n > 0; n--) digests.push(format.decoy(salt()));
    }
    if (digests.length > MAX_DIGESTS_PER_MAP) {
      throw snError('ERR_INPUT_TOO_LARGE', `more than ${MAX_DIGESTS_PER_MAP} redacted entries in one map`);
    }
    return format.object(members, digests, path);
  };
  return { value: walk(claims, ''), disclosures };
}
