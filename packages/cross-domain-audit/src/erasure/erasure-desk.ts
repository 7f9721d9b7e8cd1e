import { sha256 } from '@noble/hashes/sha2.js';
import { type Clock, keySet, snError, systemClock, toBase64Url } from '@safety-net/core';
import { auError } from '../errors.js';
import { type ErasureRequestClaims, erasureRequest } from '../messages/erasure-request.js';
import { DOMAIN_OWNER, type PeerAnswer, type ReceivedRequest, type StoredRecord } from './disclosure-store.js';
import type { EraseOptions, Eraser } from './eraser.js';
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

type Deferred = Extract<PeerAnswer, { outcome: 'deferred' }>;

/**
 * Answers peers' Erasure Requests (spec §7.3 step 6): verifies the request (a configured peer's key for its `iss`,
 * `aud` this domain, not expired), checks that every stitch it names is a record of this domain stitched to that
 * peer (`ERR_AU_NOT_STITCHED`), erases the subject of those records when they hold exactly one, and answers honoured
 * (with the tombstones logged) or deferred (with the hold, the retention minimum, or `ERR_AU_SUBJECT_AMBIGUOUS` until
 * the operator names the subject with {@link ErasureDesk.resolve}). The answer is kept by `jti`: the same request
 * again gets it again; another request reusing the `jti` is `ERR_AU_CONFLICT`.
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
    return this.#oneAtATime(() => this.#answer(request));
  }

  /**
   * The operator's step for a request deferred with `ERR_AU_SUBJECT_AMBIGUOUS` (spec §7.3): erases `subject` (this
   * domain's pseudonym, which the request's records must hold) as the request asks, and records and returns the
   * request's answer, which the asker learns on its next `forward()`. `ERR_INPUT_INVALID` when no request `jti`
   * awaits its subject, or its records hold no `subject`.
   */
  resolve(jti: string, subject: string): Promise<PeerAnswer> {
    return this.#oneAtATime(() => this.#resolve(jti, subject));
  }

  #oneAtATime(run: () => Promise<PeerAnswer>): Promise<PeerAnswer> {
    const next = this.#serial.then(run, run);
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
    // Only the operator settles which subject an ambiguous request is about; once named, the erasures pending for
    // it are retried, never the records' other subjects.
    if (held?.ambiguous && !held.ambiguous.resolved) return held.answer;
    const peer = this.#o.peers.find((p) => p.issuer === claims.iss)!;
    const options = { basis: claims.basis, request: claims.jti, from: peer.domain };
    const before = held?.answer as Deferred | undefined;
    if (held?.ambiguous) {
      const owners = (await store.pending()).filter((p) => p.request === claims.jti).map((p) => p.owner);
      return this.#record(held, await this.#erase(owners, options, before));
    }
    const records = await this.#stitched(claims, peer.domain);
    const subjects = new Set<string>();
    let partlyErased = false;
    for (const r of records) {
      for (const s of await store.disclosures(r.leafHash)) if (s.owner !== DOMAIN_OWNER) subjects.add(s.owner);
      partlyErased ||= await store.erased(r.leafHash);
    }
    // A record that lost a subject to an earlier erasure may have held the one this request means: the subject left
    // in it is not known to be that one.
    if (subjects.size > 1 || (subjects.size === 1 && partlyErased)) {
      const answer: Deferred = { outcome: 'deferred', code: 'ERR_AU_SUBJECT_AMBIGUOUS', tombstones: [] };
      const ambiguous = {
        records: records.map((r) => toBase64Url(r.leafHash)),
        basis: claims.basis,
        from: peer.domain,
      };
      return this.#record({ jti: claims.jti, digest, ambiguous }, answer);
    }
    return this.#record({ jti: claims.jti, digest }, await this.#erase([...subjects], options, before));
  }

  async #resolve(jti: string, subject: string): Promise<PeerAnswer> {
    const store = this.#o.vault.store;
    const held = await store.received(jti);
    const ambiguous = held?.ambiguous;
    if (!held || !ambiguous || ambiguous.resolved)
      throw snError('ERR_INPUT_INVALID', `no request ${jti} awaits its subject`);
    const records = new Set(ambiguous.records);
    const sealed = subject === DOMAIN_OWNER ? [] : await store.disclosuresOf(subject);
    if (!sealed.some((s) => records.has(toBase64Url(s.leafHash)))) {
      throw snError('ERR_INPUT_INVALID', `the records request ${jti} names hold no such subject`);
    }
    const options = { basis: ambiguous.basis, request: jti, from: ambiguous.from };
    const answer = await this.#erase([subject], options, undefined);
    return this.#record({ ...held, ambiguous: { ...ambiguous, resolved: true } }, answer);
  }

  async #record(request: Omit<ReceivedRequest, 'answer'>, answer: PeerAnswer): Promise<PeerAnswer> {
    await this.#o.vault.store.putReceived({ ...request, answer });
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

  /** Erases each subject for the request, adding to the tombstones of an earlier deferred answer. */
  async #erase(subjects: readonly string[], options: Required<EraseOptions>, before: Deferred | undefined) {
    const tombstones = before ? [...before.tombstones] : [];
    let deferred: Deferred | undefined;
    for (const subject of subjects) {
      try {
        const outcome = await this.#o.eraser.erase(subject, options);
        if (outcome.tombstone) tombstones.push(outcome.tombstone.index);
      } catch (e) {
        const { code, hold } = e as { code?: string; hold?: { issuer: string; hold: string } };
        if (code !== 'ERR_AU_LEGAL_HOLD' && code !== 'ERR_AU_RETENTION_ACTIVE') throw e;
        deferred ??= { outcome: 'deferred', code, tombstones: [], ...(hold ? { hold } : {}) };
      }
    }
    return deferred ? { ...deferred, tombstones } : ({ outcome: 'honoured', tombstones } as const);
  }
}
