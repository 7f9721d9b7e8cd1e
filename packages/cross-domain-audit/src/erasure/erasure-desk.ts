import { sha256 } from '@noble/hashes/sha2.js';
import { type Clock, keySet, systemClock, toBase64Url } from '@safety-net/core';
import { auError } from '../errors.js';
import { type ErasureRequestClaims, erasureRequest } from '../messages/erasure-request.js';
import { DOMAIN_OWNER, type PeerAnswer, type StoredRecord } from './disclosure-store.js';
import type { Eraser } from './eraser.js';
import type { PeerDomain } from './peer-domain.js';
import type { DisclosureVault } from './vault.js';

/** Options of {@link ErasureDesk}. */
export interface ErasureDeskOptions {
  readonly eraser: Eraser;
  /** The eraser's vault: where the stitched records and their subjects are found. */
  readonly vault: DisclosureVault;
  /** This domain's identifier: the `aud` a request to it carries. */
  readonly audience: string;
  /** The peers that may ask, each verified with its own key for its own `iss`. */
  readonly peers: readonly PeerDomain[];
  readonly clock?: Clock;
}

/**
 * Answers peers' Erasure Requests (spec §7.3 step 6): verifies the request (a configured peer's key for its `iss`,
 * `aud` this domain, not expired), checks that every stitch it names is a record of this domain stitched to that
 * peer (`ERR_AU_NOT_STITCHED`), erases every subject of those records, and answers honoured (with the tombstones
 * logged) or deferred (with the hold, or the retention minimum). The answer is kept by `jti`: the same request again
 * gets it again; another request reusing the `jti` is `ERR_AU_CONFLICT`.
 */
export class ErasureDesk {
  readonly #o: ErasureDeskOptions;
  readonly #keys;
  #serial: Promise<unknown> = Promise.resolve();

  constructor(options: ErasureDeskOptions) {
    this.#o = options;
    this.#keys = keySet(options.peers.map((p) => ({ key: p.key, issuers: [p.issuer] })));
  }

  /**
   * The answer to a signed Erasure Request; a refusal throws its typed error. Answers run one at a time, so a
   * request delivered twice at once is answered once and then from the record.
   */
  answer(request: Uint8Array): Promise<PeerAnswer> {
    const next = this.#serial.then(
      () => this.#answer(request),
      () => this.#answer(request),
    );
    this.#serial = next.catch(() => undefined);
    return next;
  }

  async #answer(request: Uint8Array): Promise<PeerAnswer> {
    const store = this.#o.vault.store;
    const verified = erasureRequest.verify(request, {
      key: this.#keys,
      audience: this.#o.audience,
      clock: this.#o.clock ?? systemClock,
    });
    if (!verified.ok) throw verified.error;
    const claims = verified.claims;
    const digest = toBase64Url(sha256(request));
    const held = await store.received(claims.jti);
    if (held && held.digest !== digest) throw auError('ERR_AU_CONFLICT', `request ${claims.jti} was answered before`);
    if (held && held.answer.outcome !== 'deferred') return held.answer;
    const peer = this.#o.peers.find((p) => p.issuer === claims.iss)!;
    const records = await this.#stitched(claims, peer.domain);
    const answer = await this.#erase(records, claims, peer.domain, held?.answer);
    await store.putReceived({ jti: claims.jti, digest, answer });
    return answer;
  }

  /** The records each stitch names, each stitched to the requesting peer; `ERR_AU_NOT_STITCHED` otherwise. */
  async #stitched(claims: ErasureRequestClaims, domain: string): Promise<StoredRecord[]> {
    const found = new Map<string, StoredRecord>();
    for (const s of claims.stitches) {
      const records = (await this.#o.vault.store.recordsByEct(s.ect)).filter(
        (r) =>
          r.stitches.some((t) => t.domain === domain && t.ect === s.ect) &&
          (s.entry === undefined || toBase64Url(r.leafHash) === s.entry),
      );
      if (records.length === 0) {
        throw auError('ERR_AU_NOT_STITCHED', `no record of this domain is stitched to ${domain} by ${s.ect}`);
      }
      for (const r of records) found.set(toBase64Url(r.leafHash), r);
    }
    return [...found.values()];
  }

  async #erase(
    records: readonly StoredRecord[],
    claims: ErasureRequestClaims,
    from: string,
    before: PeerAnswer | undefined,
  ): Promise<PeerAnswer> {
    const subjects = new Set<string>();
    for (const r of records) {
      for (const s of await this.#o.vault.store.disclosures(r.leafHash))
        if (s.owner !== DOMAIN_OWNER) subjects.add(s.owner);
    }
    const tombstones = before?.outcome === 'deferred' ? [...before.tombstones] : [];
    let deferred: Extract<PeerAnswer, { outcome: 'deferred' }> | undefined;
    for (const subject of subjects) {
      try {
        const outcome = await this.#o.eraser.erase(subject, { basis: claims.basis, request: claims.jti, from });
        if (outcome.tombstone) tombstones.push(outcome.tombstone.index);
      } catch (e) {
        const { code, hold } = e as { code?: string; hold?: { issuer: string; hold: string } };
        if (code !== 'ERR_AU_LEGAL_HOLD' && code !== 'ERR_AU_RETENTION_ACTIVE') throw e;
        deferred ??= { outcome: 'deferred', code, tombstones: [], ...(hold ? { hold } : {}) };
      }
    }
    return deferred ? { ...deferred, tombstones } : { outcome: 'honoured', tombstones };
  }
}
