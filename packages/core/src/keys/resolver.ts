import type { AlgorithmInfo } from '../crypto/algorithms.js';
import { snError } from '../errors/index.js';
import { bytesEqual, toHex, utf8 } from '../util/bytes.js';
import { assertKeyFitsAlgorithm } from './algorithm-fit.js';
import { publicKeyOf } from './generate.js';
import { coseKeyThumbprint, jwkThumbprint } from './thumbprint.js';
import type { Key, PublicKey } from './types.js';

/**
 * What a verifier knows when it looks for a key: the message's kid, its algorithm, the expected issuer and the
 * message's type.
 */
export interface KeyRequest {
  readonly kid?: Uint8Array;
  readonly alg: AlgorithmInfo;
  readonly issuer?: string;
  /**
   * The message's `typ`, protected by the signature being checked: the COSE `typ` (RFC 9596, text or a content
   * format number; the body's for a COSE_Sign), or the JOSE `typ` as RFC 7515 compares it (lower case, without
   * `application/`); a message type's verifier names the type's own. Absent when the message names none. It lets a
   * resolver trust a key for some message types only.
   */
  readonly typ?: string | number;
}

/**
 * Finds the public key a signature must verify under. Every verifier in Safety Net takes one. Throws
 * `ERR_KEY_NOT_FOUND` (no key for this kid), `ERR_KEY_UNTRUSTED` (the key may not speak for this issuer) or
 * `ERR_KEY_ALG_MISMATCH` (the key cannot be used with the message's algorithm).
 */
export interface KeyResolver {
  /** The key a signature described by `request` must verify under; throws the codes above when there is none. */
  resolve(request: KeyRequest): PublicKey;
}

/** A kid for an error message, cut short: kids come from untrusted messages. */
function shortHex(kid: Uint8Array): string {
  return kid.length > 32 ? `${toHex(kid.subarray(0, 32))}…` : toHex(kid);
}

/** The kids a key answers to without being told: its RFC 9679 thumbprint and its RFC 7638 thumbprint (as UTF-8). */
function thumbprintKids(key: Key): Uint8Array[] {
  return [coseKeyThumbprint(key), utf8(jwkThumbprint(key))];
}

/**
 * A resolver for exactly one trusted key. A message that names a kid must name this key: its own kid, or one of
 * its thumbprints (RFC 9679 bytes, RFC 7638 text); otherwise `ERR_KEY_NOT_FOUND`.
 *
 * @example
 * ```ts
 * ect.verify(bytes, { key: singleKey(issuerKey) });
 * ```
 */
export function singleKey(key: Key): KeyResolver {
  const pub = publicKeyOf(key);
  const kids = [...(pub.kid ? [pub.kid] : []), ...thumbprintKids(pub)];
  return {
    resolve(request) {
      const { kid } = request;
      if (kid !== undefined && !kids.some((k) => bytesEqual(k, kid))) {
        throw snError('ERR_KEY_NOT_FOUND', shortHex(kid));
      }
      assertKeyFitsAlgorithm(pub, request.alg);
      return pub;
    },
  };
}

/** Whether a verifier's `key` option is a resolver rather than a key. */
export function isKeyResolver(key: unknown): key is KeyResolver {
  return typeof key === 'object' && key !== null && typeof (key as { resolve?: unknown }).resolve === 'function';
}

/**
 * The key a signature must verify under: the `key` option itself, or what the resolver it names returns for
 * `request`. A missing or malformed option is `ERR_INPUT_INVALID`, so a caller's slip is a typed error too.
 */
export function keyFor(option: PublicKey | KeyResolver | undefined, request: KeyRequest): PublicKey {
  if (isKeyResolver(option)) return option.resolve(request);
  if (typeof option !== 'object' || option === null) throw snError('ERR_INPUT_INVALID', 'the key option is required');
  return option;
}

/** One trusted key in a {@link KeySet}. */
export interface KeySetEntry {
  readonly key: Key;
  /** The kid the key is found under; default the key's own kid. Its thumbprints always find it too. */
  readonly kid?: Uint8Array | string;
  /** Trust anchors: the issuers this key may speak for. Absent: any issuer. */
  readonly issuers?: readonly string[];
}

interface Slot {
  readonly key: PublicKey;
  readonly issuers: ReadonlySet<string> | undefined;
}

/**
 * Trusted keys by kid, with optional issuer binding. Each key is found under its kid (explicit, or its own) and
 * under its RFC 9679 and RFC 7638 thumbprints. A message without a kid is resolved only when exactly one key fits
 * its algorithm. A key bound to issuers is refused (`ERR_KEY_UNTRUSTED`) for any other issuer, and when the
 * verifier names no issuer at all.
 *
 * @example
 * ```ts
 * const keys = keySet([{ key: a, issuers: ['spiffe://example.org/agent/a'] }, { key: b }]);
 * ect.verify(bytes, { key: keys, issuer: 'spiffe://example.org/agent/a' });
 * ```
 */
export class KeySet implements KeyResolver {
  readonly #byKid = new Map<string, Slot>();
  readonly #slots: Slot[] = [];

  constructor(entries: Iterable<KeySetEntry> = []) {
    for (const entry of entries) this.add(entry);
  }

  /** Number of keys in the set. */
  get size(): number {
    return this.#slots.length;
  }

  /**
   * Adds a trusted key. `ERR_KEY_INVALID` when its kid already names another key, or when the key is already in
   * the set (give all of a key's issuers in one entry).
   */
  add(entry: KeySetEntry): this {
    const key = publicKeyOf(entry.key);
    const own = typeof entry.kid === 'string' ? utf8(entry.kid) : (entry.kid ?? key.kid);
    const thumbprints = thumbprintKids(key).map(toHex);
    if (this.#byKid.has(thumbprints[0]!)) throw snError('ERR_KEY_INVALID', 'key is already in the set');
    const ids = own ? [toHex(own), ...thumbprints] : thumbprints;
    for (const id of ids) {
      if (this.#byKid.has(id)) throw snError('ERR_KEY_INVALID', 'a kid of this key already names another key');
    }
    const slot: Slot = { key, issuers: entry.issuers ? new Set(entry.issuers) : undefined };
    for (const id of ids) this.#byKid.set(id, slot);
    this.#slots.push(slot);
    return this;
  }

  /** {@inheritDoc KeyResolver.resolve} */
  resolve(request: KeyRequest): PublicKey {
    const slot = request.kid === undefined ? this.#onlyCandidate(request.alg) : this.#byKid.get(toHex(request.kid));
    if (!slot) throw snError('ERR_KEY_NOT_FOUND', request.kid ? shortHex(request.kid) : 'no kid');
    if (slot.issuers && (request.issuer === undefined || !slot.issuers.has(request.issuer))) {
      throw snError('ERR_KEY_UNTRUSTED', `key is not trusted for issuer ${String(request.issuer)}`);
    }
    assertKeyFitsAlgorithm(slot.key, request.alg);
    return slot.key;
  }

  /** Without a kid: the one key that fits the algorithm, or none when zero or several do. */
  #onlyCandidate(alg: AlgorithmInfo): Slot | undefined {
    const fitting = this.#slots.filter((s) => {
      try {
        assertKeyFitsAlgorithm(s.key, alg);
        return true;
      } catch {
        return false;
      }
    });
    return fitting.length === 1 ? fitting[0] : undefined;
  }
}

/**
 * A {@link KeySet} of `entries`.
 *
 * @example
 * ```ts
 * const resolver = keySet([{ key: publicKeyOf(key) }]);
 * ```
 */
export function keySet(entries: Iterable<KeySetEntry>): KeySet {
  return new KeySet(entries);
}
