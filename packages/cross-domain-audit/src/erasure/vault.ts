import { fromBase64Url, isSafetyNetError, joinBytes, type RandomSource, systemRandom } from '@safety-net/core';
import { auError } from '../errors.js';
import type { Sequenced } from '../log/transparency-log.js';
import { builtinProfiles, type ProfileSet } from '../profiles/registry.js';
import type { EatRelease, IssuedEat } from '../sd/audit-token.js';
import { presentEat, releaseFor } from '../sd/audit-token.js';
import type { IssuedDisclosure } from '../sd/blind.js';
import type { SdCwtKeyBinding } from '../sd/sd-cwt.js';
import { type DisclosureStore, DOMAIN_OWNER, type SealedDisclosure, type StoredRecord } from './disclosure-store.js';
import type { KeyEncryptionKey } from './kek.js';
import { KEY_BYTES, open, seal } from './seal.js';

const DAY = 86_400;

/** Options of {@link DisclosureVault}. */
export interface DisclosureVaultOptions {
  readonly store: DisclosureStore;
  /** The current key-encryption key; {@link DisclosureVault.rotate} replaces it. */
  readonly kek: KeyEncryptionKey;
  /** Subject keys and nonces (default: the system's secure source). */
  readonly random?: RandomSource;
  /** Where the profiles records name are looked up for release (default: the five of spec §4.2). */
  readonly profiles?: ProfileSet;
  /**
   * When no profile of a record sets a maximum, destroy its disclosures once the minimum has passed (spec §7.4:
   * "the deployment chose deletion at the minimum"); default false: kept until erased.
   */
  readonly deleteAtMinimum?: boolean;
}

/** Where a stored EAT was logged, and whose each of its disclosures is. */
export interface StoreEatOptions {
  /** The EAT's entry, as the log sequenced it. */
  readonly entry: Pick<Sequenced, 'index' | 'leafHash'>;
  /**
   * The subject (pseudonym) each disclosure concerns, by its blinded claim hash; disclosures not named concern no
   * subject and go under the domain's key.
   */
  readonly subjects: ReadonlyMap<string, string>;
}

/** Associated data of a sealed disclosure: `leaf hash || blinded claim hash`, so a box cannot move (spec §7.2). */
const boxAd = (leafHash: Uint8Array, digest: string) => joinBytes([leafHash, fromBase64Url(digest)]);

/**
 * The disclosure store (spec §7.1, §7.2): every disclosure of a logged EAT sealed with XChaCha20-Poly1305 under
 * its subject's key, subject keys wrapped under the operator's key-encryption key. It releases to an auditor exactly
 * what the role may see (§4.3), and nothing once erased (`ERR_AU_ERASED`).
 */
export class DisclosureVault {
  readonly store: DisclosureStore;
  readonly #random: RandomSource;
  readonly #profiles: ProfileSet;
  readonly #deleteAtMinimum: boolean;
  #kek: KeyEncryptionKey;
  /** Storing and rotating run one at a time, so two records of a new subject never make two keys. */
  #serial: Promise<unknown> = Promise.resolve();

  constructor(options: DisclosureVaultOptions) {
    this.store = options.store;
    this.#kek = options.kek;
    this.#random = options.random ?? systemRandom;
    this.#profiles = options.profiles ?? builtinProfiles();
    this.#deleteAtMinimum = options.deleteAtMinimum ?? false;
  }

  /** Stores the disclosures of an issued EAT (SD-CWT) logged at `entry` (spec §7.2). */
  storeEat(issued: IssuedEat<Uint8Array>, options: StoreEatOptions): Promise<StoredRecord> {
    return this.#exclusive(async () => {
      // A key another instance made meanwhile is read on the next attempt, and the disclosures sealed under it.
      for (let attempt = 1; ; attempt++) {
        try {
          return await this.#storeEat(issued, options);
        } catch (e) {
          if (attempt === 3 || !isSafetyNetError(e, 'ERR_AU_CONFLICT')) throw e;
        }
      }
    });
  }

  async #storeEat(issued: IssuedEat<Uint8Array>, options: StoreEatOptions): Promise<StoredRecord> {
    const { claims, retention } = issued;
    const { leafHash, index } = options.entry;
    const keys = new Map<string, Uint8Array>();
    const fresh: { owner: string; wrapped: Uint8Array }[] = [];
    for (const d of issued.disclosures) {
      const owner = options.subjects.get(d.digest) ?? DOMAIN_OWNER;
      if (keys.has(owner)) continue;
      const held = await this.#key(owner);
      if (held) {
        keys.set(owner, held);
        continue;
      }
      const key = this.#random.bytes(KEY_BYTES);
      keys.set(owner, key);
      fresh.push({ owner, wrapped: await this.#kek.wrap(key, owner) });
    }
    const sealed: SealedDisclosure[] = issued.disclosures.map((d) => {
      const owner = options.subjects.get(d.digest) ?? DOMAIN_OWNER;
      const box = seal(keys.get(owner)!, d.disclosure, boxAd(leafHash, d.digest), this.#random);
      return { leafHash, digest: d.digest, owner, path: d.path, element: d.element, box };
    });
    const maxDays = retention.maxDays ?? (this.#deleteAtMinimum ? retention.minDays : undefined);
    const record: StoredRecord = {
      leafHash,
      index,
      token: issued.token,
      profiles: claims.reg.profiles,
      wid: claims.wid,
      ects: [claims.ect.jti, ...(claims.stitch ?? []).map((s) => s.ect)],
      stitches: (claims.stitch ?? []).map((s) => ({
        domain: s.domain,
        ect: s.ect,
        ...(s.entry ? { entry: s.entry } : {}),
      })),
      keepUntil: retention.basis === 'law' ? claims.iat + retention.minDays * DAY : 0,
      ...(maxDays === undefined ? {} : { deleteAt: claims.iat + maxDays * DAY }),
    };
    await this.store.putRecord(
      record,
      sealed,
      fresh.map((f) => ({ ...f, kek: this.#kek.id })),
    );
    return record;
  }

  /**
   * One stored disclosure, decrypted: `ERR_AU_ERASED` once destroyed, `ERR_AU_DECRYPT_FAILED` when its ciphertext
   * was tampered with or moved, `ERR_AU_DISCLOSURE_INVALID` when the store never held it.
   */
  async open(leafHash: Uint8Array, digest: string): Promise<Uint8Array> {
    const sealed = (await this.store.disclosures(leafHash)).find((s) => s.digest === digest);
    if (!sealed) {
      if (await this.store.erased(leafHash, digest)) throw auError('ERR_AU_ERASED', `disclosure ${digest} was erased`);
      throw auError('ERR_AU_DISCLOSURE_INVALID', `no disclosure ${digest} is stored for this entry`);
    }
    return this.#open(sealed);
  }

  /**
   * A presentation of a stored EAT to an auditor of `release.role`: the disclosures every profile of the record lets
   * the role see (spec §4.3, through `presentEat`), decrypted; destroyed ones are simply absent.
   */
  async present(leafHash: Uint8Array, release: EatRelease, binding?: SdCwtKeyBinding): Promise<Uint8Array> {
    const record = await this.store.record(leafHash);
    if (!record) throw auError('ERR_AU_DISCLOSURE_INVALID', 'no record is stored for this entry');
    const profiles = this.#profiles.resolve(record.profiles);
    const sealed = await this.store.disclosures(leafHash);
    const wanted = releaseFor<SealedDisclosure>({ disclosures: sealed.map(asIssued), profiles }, release);
    const disclosures = await Promise.all(
      wanted.map(async (s) => ({ ...asIssued(s), disclosure: await this.#open(s) })),
    );
    return presentEat({ token: record.token, disclosures, profiles }, release, binding);
  }

  /**
   * Rotates the key-encryption key (spec §7.2): every live subject key re-wrapped under `next` in one transaction,
   * then the old key destroyed. A process stopped before the transaction commits keeps the old key in use.
   */
  rotate(next: KeyEncryptionKey): Promise<void> {
    return this.#exclusive(async () => {
      const rewrapped = [];
      for (const k of await this.store.wrappedKeys()) {
        const key = await this.#unwrap(k.owner, k.kek, k.wrapped);
        rewrapped.push({ owner: k.owner, kek: next.id, wrapped: await next.wrap(key, k.owner) });
      }
      await this.store.rewrap(rewrapped);
      const old = this.#kek;
      this.#kek = next;
      await old.destroy();
    });
  }

  async #open(sealed: SealedDisclosure): Promise<Uint8Array> {
    const key = await this.#key(sealed.owner);
    if (!key) throw auError('ERR_AU_ERASED', `the key of disclosure ${sealed.digest} was destroyed`);
    return open(key, sealed.box, boxAd(sealed.leafHash, sealed.digest));
  }

  async #key(owner: string): Promise<Uint8Array | undefined> {
    const held = await this.store.wrappedKey(owner);
    return held && this.#unwrap(owner, held.kek, held.wrapped);
  }

  async #unwrap(owner: string, kek: string, wrapped: Uint8Array): Promise<Uint8Array> {
    if (kek !== this.#kek.id) {
      throw auError(
        'ERR_AU_DECRYPT_FAILED',
        `a subject key is wrapped under key-encryption key ${kek}, not ${this.#kek.id}`,
      );
    }
    return this.#kek.unwrap(wrapped, owner);
  }

  #exclusive<T>(run: () => Promise<T>): Promise<T> {
    const next = this.#serial.then(run, run);
    this.#serial = next.catch(() => undefined);
    return next;
  }
}

/** A sealed disclosure in the shape per-role release reads (its path), carrying itself as the disclosure. */
const asIssued = (s: SealedDisclosure): IssuedDisclosure<SealedDisclosure> => ({
  path: s.path,
  element: s.element,
  digest: s.digest,
  disclosure: s,
});
