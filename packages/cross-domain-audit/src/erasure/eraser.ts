import { sha256 } from '@noble/hashes/sha2.js';
import {
  type Clock,
  epochSeconds,
  keySet,
  type PrivateKey,
  type PublicKey,
  type RandomSource,
  snError,
  systemClock,
  systemRandom,
  toBase64Url,
  toHex,
  utf8,
} from '@safety-net/core';
import { auError } from '../errors.js';
import { logForm } from '../log/entry.js';
import type { TransparencyLog } from '../log/transparency-log.js';
import {
  ERASURE_REQUEST_LIFETIME,
  type ErasureStitch,
  erasureRequest,
  MAX_ERASURE_STITCHES,
} from '../messages/erasure-request.js';
import { type HoldScope, legalHold } from '../messages/legal-hold.js';
import { type TombstoneClaims, tombstone } from '../messages/tombstone.js';
import type { ReceiptIssuer } from '../receipt/receipt.js';
import {
  DOMAIN_OWNER,
  type ErasureIntent,
  type ForwardedRequest,
  type HoldRecord,
  type SealedDisclosure,
  type StoredRecord,
} from './disclosure-store.js';
import { sendForwarded } from './forward.js';
import type { PeerDomain } from './peer-domain.js';
import type { DisclosureVault } from './vault.js';

/** Options of {@link Eraser}. */
export interface EraserOptions {
  readonly vault: DisclosureVault;
  readonly log: TransparencyLog;
  readonly receipts: ReceiptIssuer;
  /** The log domain's key: signs tombstones and holds. */
  readonly key: PrivateKey;
  /** The log domain: `iss` of its tombstones and holds. */
  readonly issuer: string;
  readonly clock?: Clock;
  /** Message ids (default: the system's secure source). */
  readonly random?: RandomSource;
  /** Peer domains an erasure propagates to (spec §7.3 step 6); stitches to other domains are not followed. */
  readonly peers?: readonly PeerDomain[];
  /** Seconds a forwarded Erasure Request stays valid (default 7 days, at most 30). */
  readonly requestLifetime?: number;
  /** Sends forwarded requests (default: the global `fetch`). */
  readonly fetch?: typeof fetch;
  /** Peer domains and regulators whose Legal Holds this domain obeys, each key for its own `iss` (spec §7.5). */
  readonly holdIssuers?: readonly { readonly issuer: string; readonly key: PublicKey }[];
}

/** A message the eraser logged, with its entry index and COSE Receipt. */
export interface LoggedMessage {
  readonly message: Uint8Array;
  readonly index: number;
  readonly receipt: Uint8Array;
}

/** What an erasure did. */
export interface ErasureOutcome {
  /** The tombstone of what was destroyed; absent when the store held nothing of the subject. */
  readonly tombstone?: LoggedMessage;
  /** Entries kept under a retention minimum (spec §7.3 step 3), destroyed once it passes. */
  readonly restricted: readonly number[];
  /** The Erasure Requests forwarded to peer domains, each with the answer recorded (spec §7.3 step 6). */
  readonly forwarded: readonly ForwardedRequest[];
}

/** Options of one erasure. */
export interface EraseOptions {
  /** The legal basis, e.g. `gdpr-17-1-a`. */
  readonly basis?: string;
  /** The jti of the peer's Erasure Request this erasure answers. */
  readonly request?: string;
  /** The peer domain (as stitches name it) that asked: the erasure is not forwarded back to it. */
  readonly from?: string;
}

/** The workflow of tombstones (spec §7.3 decisions): a trace reads a log's erasures from its index under it. */
export const ERASURE_WORKFLOW = 'au-erasure';
const HOLD_WORKFLOW = 'au-holds';

/** The SHA-256 of a pseudonym, as holds name subjects (spec §7.5). */
export const subjectDigest = (pseudonym: string) => toBase64Url(sha256(utf8(pseudonym)));

/**
 * Erasure, retention and legal holds over a disclosure vault and its log (spec §7.3–§7.5). Each destruction is one
 * store transaction that also records the signed tombstone to append; {@link Eraser.resume} logs any tombstone a
 * stopped process left unlogged, so a destroyed key always has its tombstone to come.
 */
export class Eraser {
  readonly #o: EraserOptions;
  readonly #clock: Clock;
  readonly #random: RandomSource;

  constructor(options: EraserOptions) {
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? systemRandom;
  }

  /**
   * Erases a subject (spec §7.3): `ERR_AU_LEGAL_HOLD` (recorded as pending) when a hold covers the subject or one of
   * its records; `ERR_AU_RETENTION_ACTIVE` (pending) when every record is under a law-based minimum; otherwise the
   * disclosures (and, when none stays restricted, the subject key) are destroyed and a tombstone logged.
   */
  async erase(subject: string, options: EraseOptions = {}): Promise<ErasureOutcome> {
    if (subject === DOMAIN_OWNER) throw snError('ERR_INPUT_INVALID', 'erasure names a subject');
    const store = this.#o.vault.store;
    const sealed = await store.disclosuresOf(subject);
    const records = await this.#records(sealed);
    const pending = { owner: subject, ...options };
    const now = epochSeconds(this.#clock);
    const hold = this.#heldBy(await store.holds(), [subject], records, now);
    if (hold) {
      await store.putPending(pending);
      throw Object.assign(
        auError('ERR_AU_LEGAL_HOLD', `hold ${hold.hold} of ${hold.issuer} covers this subject or its records`),
        { hold: { issuer: hold.issuer, hold: hold.hold } },
      );
    }
    const restricted = records.filter((r) => r.keepUntil > now);
    const kept = new Set(restricted.map((r) => toHex(r.leafHash)));
    const destroyed = sealed.filter((s) => !kept.has(toHex(s.leafHash)));
    if (restricted.length > 0) {
      await store.putPending(pending);
      if (destroyed.length === 0) {
        throw auError('ERR_AU_RETENTION_ACTIVE', 'a retention minimum keeps these records; the erasure is pending');
      }
    }
    const erased = records.filter((r) => !kept.has(toHex(r.leafHash)));
    if (destroyed.length === 0) return { restricted: [], forwarded: [] };
    const done = await this.#destroy(
      destroyed,
      erased,
      'erasure',
      options,
      restricted.length === 0 ? subject : undefined,
    );
    // Another instance destroyed some of these first: what is left, if anything, is read again.
    if (!done) return this.erase(subject, options);
    const forwarded = done.forward.length > 0 ? await this.forward(done.forward.map((f) => f.jti)) : [];
    return { tombstone: done.logged, restricted: restricted.map((r) => r.index), forwarded };
  }

  /**
   * Destroys the disclosures of every record past its retention deadline and not under a hold, with one tombstone
   * `retention` for the run (spec §7.4); then retries pending erasures no hold blocks any more. A deployment
   * schedules it.
   */
  async runRetention(now: number = epochSeconds(this.#clock)): Promise<LoggedMessage | undefined> {
    const store = this.#o.vault.store;
    const holds = await store.holds();
    const destroyed: SealedDisclosure[] = [];
    const due: StoredRecord[] = [];
    for (const record of await store.recordsDue(now)) {
      const sealed = await store.disclosures(record.leafHash);
      const owners = sealed.map((s) => s.owner);
      if (this.#heldBy(holds, owners, [record], now)) continue;
      destroyed.push(...sealed);
      due.push(record);
    }
    let logged: LoggedMessage | undefined;
    if (destroyed.length > 0) {
      const done = await this.#destroy(destroyed, due, 'retention', {});
      if (!done) return this.runRetention(now);
      logged = done.logged;
    }
    await this.#retryPending();
    return logged;
  }

  /** Places a legal hold (spec §7.5): in force at once, then logged. */
  async placeHold(hold: string, scope: HoldScope, authority: string): Promise<LoggedMessage> {
    const claims = {
      iss: this.#o.issuer,
      iat: epochSeconds(this.#clock),
      jti: this.#jti('au-hold'),
      wid: HOLD_WORKFLOW,
      pred: [],
      hold,
      action: 'place' as const,
      scope,
      authority,
    };
    const parsed = legalHold.parse(claims);
    await this.#o.vault.store.putHold({
      hold,
      issuer: this.#o.issuer,
      jti: parsed.jti,
      subjects: scope.subjects ?? [],
      entries: scope.entries ?? [],
      workflows: scope.workflows ?? [],
    });
    return this.#log('hold', legalHold.sign(parsed, this.#o.key));
  }

  /**
   * Lifts a hold this domain placed: the lift is logged, naming the place in `pred`, then the hold ends and the
   * erasures it kept pending run. An unknown hold is `ERR_INPUT_INVALID`.
   */
  async liftHold(hold: string, authority: string): Promise<LoggedMessage> {
    const store = this.#o.vault.store;
    const placed = (await store.holds()).find((h) => h.hold === hold && h.issuer === this.#o.issuer);
    if (!placed) throw snError('ERR_INPUT_INVALID', `no hold ${hold} of ${this.#o.issuer} is in force`);
    const scope: HoldScope = {
      ...(placed.subjects.length ? { subjects: [...placed.subjects] } : {}),
      ...(placed.entries.length ? { entries: [...placed.entries] } : {}),
      ...(placed.workflows.length ? { workflows: [...placed.workflows] } : {}),
    };
    const message = legalHold.sign(
      {
        iss: this.#o.issuer,
        iat: epochSeconds(this.#clock),
        jti: this.#jti('au-hold'),
        wid: HOLD_WORKFLOW,
        pred: [placed.jti],
        hold,
        action: 'lift',
        scope,
        authority,
      },
      this.#o.key,
    );
    const logged = await this.#log('hold', message);
    await store.removeHold(hold, this.#o.issuer);
    await this.#retryPending();
    return logged;
  }

  /**
   * Ingests a Legal Hold signed by a peer domain or a regulator (spec §7.5): verified with the key `holdIssuers`
   * gives for its `iss` (`ERR_AU_HOLD_ISSUER_UNTRUSTED` when none does; a signature that fails is the core code), a
   * place is in force at once and then logged here; a lift, which names that issuer's place in `pred`, is logged,
   * then the hold ends and the erasures it kept pending run. A hold with `exp` stops covering anything then.
   */
  async ingestHold(message: Uint8Array): Promise<LoggedMessage> {
    const verified = legalHold.verify(message, {
      key: keySet((this.#o.holdIssuers ?? []).map((h) => ({ key: h.key, issuers: [h.issuer] }))),
      clock: this.#clock,
    });
    if (!verified.ok) {
      const code = verified.error.code;
      if (code !== 'ERR_KEY_NOT_FOUND' && code !== 'ERR_KEY_UNTRUSTED') throw verified.error;
      throw auError('ERR_AU_HOLD_ISSUER_UNTRUSTED', verified.error.message, { cause: verified.error });
    }
    const h = verified.claims;
    const store = this.#o.vault.store;
    if (h.action === 'place') {
      await store.putHold({
        hold: h.hold,
        issuer: h.iss!,
        jti: h.jti,
        subjects: h.scope.subjects ?? [],
        entries: h.scope.entries ?? [],
        workflows: h.scope.workflows ?? [],
        ...(h.exp === undefined ? {} : { expires: h.exp }),
      });
      return this.#log('hold', message);
    }
    const placed = (await store.holds()).find((p) => p.hold === h.hold && p.issuer === h.iss);
    if (!placed || !h.pred.includes(placed.jti)) {
      throw snError('ERR_INPUT_INVALID', `the lift names no hold ${h.hold} of ${h.iss} in force`);
    }
    const logged = await this.#log('hold', message);
    await store.removeHold(h.hold, placed.issuer);
    await this.#retryPending();
    return logged;
  }

  /**
   * Logs every tombstone whose destruction committed but whose append did not (after a crash), recording the
   * Erasure Requests it forwards; returns the tombstones. Then sends what is still unsent.
   */
  async resume(): Promise<LoggedMessage[]> {
    const out: LoggedMessage[] = [];
    for (const intent of await this.#o.vault.store.intents()) out.push(await this.#complete(intent));
    await this.forward();
    return out;
  }

  /**
   * Sends the forwarded Erasure Requests that have no final answer yet (none recorded, `unanswered` or `deferred`),
   * or only those of `jtis`, and records each peer's answer (spec §7.3 step 6). A deployment schedules it to retry
   * after a peer was down.
   */
  async forward(jtis?: readonly string[]): Promise<ForwardedRequest[]> {
    return sendForwarded(this.#o.vault.store, this.#o.peers ?? [], {
      ...(jtis ? { only: jtis } : {}),
      ...(this.#o.fetch ? { fetch: this.#o.fetch } : {}),
    });
  }

  async #retryPending(): Promise<void> {
    const store = this.#o.vault.store;
    for (const p of await store.pending()) {
      try {
        const outcome = await this.erase(p.owner, { basis: p.basis, request: p.request, from: p.from });
        if (p.request && outcome.tombstone) await this.#settleReceived(p.request, outcome.tombstone.index);
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code !== 'ERR_AU_LEGAL_HOLD' && code !== 'ERR_AU_RETENTION_ACTIVE') throw e;
      }
    }
  }

  /** A peer's request deferred until now is honoured once nothing it asked for stays pending. */
  async #settleReceived(jti: string, tombstoneIndex: number): Promise<void> {
    const store = this.#o.vault.store;
    const received = await store.received(jti);
    if (received?.answer.outcome !== 'deferred') return;
    const tombstones = [...received.answer.tombstones, tombstoneIndex];
    const still = (await store.pending()).some((p) => p.request === jti);
    const answer = still ? { ...received.answer, tombstones } : { outcome: 'honoured' as const, tombstones };
    await store.putReceived({ ...received, answer });
  }

  async #destroy(
    sealed: readonly SealedDisclosure[],
    records: readonly StoredRecord[],
    reason: TombstoneClaims['reason'],
    options: EraseOptions,
    owner?: string,
  ): Promise<{ logged: LoggedMessage; forward: readonly ForwardedRequest[] } | undefined> {
    const entries = records.map((r) => r.index);
    const claims: TombstoneClaims = {
      iss: this.#o.issuer,
      iat: epochSeconds(this.#clock),
      jti: this.#jti('au-tomb'),
      wid: ERASURE_WORKFLOW,
      pred: options.request ? [options.request] : [],
      reason,
      entries: [...new Set(entries)].sort((a, b) => a - b),
      destroyed: sealed.map((s) => s.digest),
      ...(options.request ? { request: options.request } : {}),
      ...(options.basis ? { basis: options.basis } : {}),
    };
    const forward = reason === 'erasure' ? this.#requests(records, claims.jti, options) : [];
    const intent: ErasureIntent = {
      id: claims.jti,
      ...(owner === undefined ? {} : { owner }),
      destroyed: sealed.map((s) => ({ leafHash: s.leafHash, digest: s.digest })),
      tombstone: tombstone.sign(claims, this.#o.key),
      ...(forward.length > 0 ? { forward } : {}),
    };
    if (!(await this.#o.vault.store.destroy(intent))) return undefined;
    return { logged: await this.#complete(intent), forward };
  }

  /**
   * One signed Erasure Request per configured peer the erased records are stitched to, the requesting peer
   * excepted, naming the stitching ECTs and the peer's entries, never the subject (spec §7.3 step 6).
   */
  #requests(records: readonly StoredRecord[], tombstoneJti: string, options: EraseOptions): ForwardedRequest[] {
    const byPeer = new Map<string, Map<string, ErasureStitch>>();
    for (const r of records) {
      for (const s of r.stitches) {
        if (s.domain === options.from || !this.#o.peers?.some((p) => p.domain === s.domain)) continue;
        const stitches = byPeer.get(s.domain) ?? new Map<string, ErasureStitch>();
        stitches.set(`${s.ect} ${s.entry ?? ''}`, { ect: s.ect, ...(s.entry ? { entry: s.entry } : {}) });
        byPeer.set(s.domain, stitches);
      }
    }
    const iat = epochSeconds(this.#clock);
    const lifetime = this.#o.requestLifetime ?? 7 * 86_400;
    if (!Number.isInteger(lifetime) || lifetime < 1 || lifetime > ERASURE_REQUEST_LIFETIME) {
      throw auError('ERR_AU_CONFIG_INVALID', 'requestLifetime is 1 s to 30 days');
    }
    return [...byPeer].flatMap(([domain, stitches]) => {
      const peer = this.#o.peers!.find((p) => p.domain === domain)!;
      const all = [...stitches.values()];
      const out: ForwardedRequest[] = [];
      for (let i = 0; i < all.length; i += MAX_ERASURE_STITCHES) {
        const jti = this.#jti('au-erase-req');
        const claims = {
          iss: this.#o.issuer,
          aud: peer.issuer,
          iat,
          exp: iat + lifetime,
          jti,
          wid: ERASURE_WORKFLOW,
          pred: [tombstoneJti],
          stitches: all.slice(i, i + MAX_ERASURE_STITCHES),
          basis: options.basis ?? 'erasure',
        };
        out.push({ jti, peer: domain, request: erasureRequest.sign(claims, this.#o.key) });
      }
      return out;
    });
  }

  async #complete(intent: ErasureIntent): Promise<LoggedMessage> {
    const store = this.#o.vault.store;
    // The log is idempotent by leaf hash: a tombstone appended before a crash keeps its index.
    const logged = await this.#log('tombstone', intent.tombstone);
    if (intent.forward) await store.putForwarded(intent.forward);
    await store.completeIntent(intent.id);
    return logged;
  }

  async #log(kind: 'tombstone' | 'hold', message: Uint8Array): Promise<LoggedMessage> {
    const { index } = await this.#o.log.add({ kind, body: logForm(message) });
    const head = await this.#o.log.treeHead();
    const path = await this.#o.log.inclusionProof(index, head.size);
    const receipt = this.#o.receipts.issue({ index, size: head.size, path, rootHash: head.rootHash });
    return { message, index, receipt };
  }

  async #records(sealed: readonly SealedDisclosure[]): Promise<StoredRecord[]> {
    const seen = new Map<string, Uint8Array>(sealed.map((s) => [toHex(s.leafHash), s.leafHash]));
    const records: StoredRecord[] = [];
    for (const leaf of seen.values()) {
      const r = await this.#o.vault.store.record(leaf);
      if (r) records.push(r);
    }
    return records;
  }

  /** The first hold in force at `now` that covers one of the owners or records. */
  #heldBy(
    holds: readonly HoldRecord[],
    owners: readonly string[],
    records: readonly StoredRecord[],
    now: number,
  ): HoldRecord | undefined {
    const digests = owners.filter((o) => o !== DOMAIN_OWNER).map(subjectDigest);
    return holds.find(
      (h) =>
        (h.expires === undefined || h.expires > now) &&
        (digests.some((d) => h.subjects.includes(d)) ||
          records.some((r) => h.entries.includes(r.index) || h.workflows.includes(r.wid))),
    );
  }

  #jti(prefix: string): string {
    return `${prefix}-${toHex(this.#random.bytes(16))}`;
  }
}
