import { sha256 } from '@noble/hashes/sha2.js';
import {
  type Clock,
  epochSeconds,
  type PrivateKey,
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
import { type HoldScope, legalHold } from '../messages/legal-hold.js';
import { type TombstoneClaims, tombstone } from '../messages/tombstone.js';
import type { ReceiptIssuer } from '../receipt/receipt.js';
import {
  DOMAIN_OWNER,
  type ErasureIntent,
  type HoldRecord,
  type SealedDisclosure,
  type StoredRecord,
} from './disclosure-store.js';
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
}

/** Options of one erasure. */
export interface EraseOptions {
  /** The legal basis, e.g. `gdpr-17-1-a`. */
  readonly basis?: string;
  /** The jti of the peer's Erasure Request this erasure answers. */
  readonly request?: string;
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
    if (this.#heldBy(await store.holds(), [subject], records)) {
      await store.putPending(pending);
      throw auError('ERR_AU_LEGAL_HOLD', 'a legal hold covers this subject or its records; the erasure is pending');
    }
    const now = epochSeconds(this.#clock);
    const restricted = records.filter((r) => r.keepUntil > now);
    const kept = new Set(restricted.map((r) => toHex(r.leafHash)));
    const destroyed = sealed.filter((s) => !kept.has(toHex(s.leafHash)));
    if (restricted.length > 0) {
      await store.putPending(pending);
      if (destroyed.length === 0) {
        throw auError('ERR_AU_RETENTION_ACTIVE', 'a retention minimum keeps these records; the erasure is pending');
      }
    }
    const entries = records.filter((r) => !kept.has(toHex(r.leafHash))).map((r) => r.index);
    if (destroyed.length === 0) return { restricted: [] };
    const logged = await this.#destroy(
      destroyed,
      entries,
      'erasure',
      options,
      restricted.length === 0 ? subject : undefined,
    );
    // Another instance destroyed some of these first: what is left, if anything, is read again.
    if (!logged) return this.erase(subject, options);
    return { tombstone: logged, restricted: restricted.map((r) => r.index) };
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
    const entries: number[] = [];
    for (const record of await store.recordsDue(now)) {
      const sealed = await store.disclosures(record.leafHash);
      if (
        this.#heldBy(
          holds,
          sealed.map((s) => s.owner),
          [record],
        )
      )
        continue;
      destroyed.push(...sealed);
      entries.push(record.index);
    }
    let logged: LoggedMessage | undefined;
    if (destroyed.length > 0) {
      logged = await this.#destroy(destroyed, entries, 'retention', {});
      if (!logged) return this.runRetention(now);
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

  /** Logs every tombstone whose destruction committed but whose append did not (after a crash); returns them. */
  async resume(): Promise<LoggedMessage[]> {
    const out: LoggedMessage[] = [];
    for (const intent of await this.#o.vault.store.intents()) out.push(await this.#complete(intent));
    return out;
  }

  async #retryPending(): Promise<void> {
    for (const p of await this.#o.vault.store.pending()) {
      try {
        await this.erase(p.owner, { basis: p.basis, request: p.request });
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code !== 'ERR_AU_LEGAL_HOLD' && code !== 'ERR_AU_RETENTION_ACTIVE') throw e;
      }
    }
  }

  async #destroy(
    sealed: readonly SealedDisclosure[],
    entries: readonly number[],
    reason: TombstoneClaims['reason'],
    options: EraseOptions,
    owner?: string,
  ): Promise<LoggedMessage | undefined> {
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
    const intent: ErasureIntent = {
      id: claims.jti,
      ...(owner === undefined ? {} : { owner }),
      destroyed: sealed.map((s) => ({ leafHash: s.leafHash, digest: s.digest })),
      tombstone: tombstone.sign(claims, this.#o.key),
    };
    if (!(await this.#o.vault.store.destroy(intent))) return undefined;
    return this.#complete(intent);
  }

  async #complete(intent: ErasureIntent): Promise<LoggedMessage> {
    // The log is idempotent by leaf hash: a tombstone appended before a crash keeps its index.
    const logged = await this.#log('tombstone', intent.tombstone);
    await this.#o.vault.store.completeIntent(intent.id);
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

  #heldBy(holds: readonly HoldRecord[], owners: readonly string[], records: readonly StoredRecord[]): boolean {
    const digests = owners.filter((o) => o !== DOMAIN_OWNER).map(subjectDigest);
    return holds.some(
      (h) =>
        digests.some((d) => h.subjects.includes(d)) ||
        records.some((r) => h.entries.includes(r.index) || h.workflows.includes(r.wid)),
    );
  }

  #jti(prefix: string): string {
    return `${prefix}-${toHex(this.#random.bytes(16))}`;
  }
}
