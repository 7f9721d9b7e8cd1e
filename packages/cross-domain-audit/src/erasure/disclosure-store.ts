import type { ProfileRef } from '../profiles/schema.js';

/** The owner of disclosures that concern no subject: the domain's own key (spec §7.2). */
export const DOMAIN_OWNER = '';

/** A logged EAT whose disclosures the store holds: where it is, and what decides its retention. */
export interface StoredRecord {
  readonly leafHash: Uint8Array;
  readonly index: number;
  /** The issued EAT (as logged), for presentations. */
  readonly token: Uint8Array;
  readonly profiles: readonly ProfileRef[];
  readonly wid: string;
  /** The ECT the record audits and every stitching ECT (spec §3.2), for peers' Erasure Requests. */
  readonly ects: readonly string[];
  /** The record's stitches to other domains: where an erasure propagates (spec §7.3 step 6). */
  readonly stitches: readonly { readonly domain: string; readonly ect: string; readonly entry?: string }[];
  /** Seconds: until then a law-based retention minimum forbids erasure (0 when none). */
  readonly keepUntil: number;
  /** Seconds: the retention deadline, when the record has one (spec §7.4). */
  readonly deleteAt?: number;
}

/** A disclosure as stored: ciphertext under its owner's key, never plaintext. */
export interface SealedDisclosure {
  readonly leafHash: Uint8Array;
  /** The blinded claim hash (base64url) the disclosure opens. */
  readonly digest: string;
  /** The subject's pseudonym, or {@link DOMAIN_OWNER}. */
  readonly owner: string;
  /** The claim's path in the EAT (`reg.subjects` for each element), for per-role release. */
  readonly path: string;
  /** An array element's disclosure (`[salt, value]`) rather than a map entry's. */
  readonly element: boolean;
  /** `nonce || ciphertext || tag`. */
  readonly box: Uint8Array;
}

/** A subject key wrapped under a key-encryption key. */
export interface WrappedKey {
  readonly owner: string;
  readonly kek: string;
  readonly wrapped: Uint8Array;
}

/**
 * What one erasure or retention run destroys, written in the same transaction as the destruction: the signed
 * tombstone to append is kept until it is logged, so a process that dies after destroying always logs it on restart.
 */
export interface ErasureIntent {
  /** The tombstone's jti. */
  readonly id: string;
  /** The subject whose key dies with this run (none for retention). */
  readonly owner?: string;
  readonly destroyed: readonly { readonly leafHash: Uint8Array; readonly digest: string }[];
  /** The signed tombstone. */
  readonly tombstone: Uint8Array;
  /** The signed Erasure Requests to forward to peer domains once the tombstone is logged (spec §7.3 step 6). */
  readonly forward?: readonly ForwardedRequest[];
}

/**
 * A peer domain's answer to an Erasure Request (spec §7.3): honoured with the indices of the tombstones it logged
 * (none when nothing was left to destroy), deferred under a hold or retention minimum or until its operator names
 * the subject of records holding several, or refused with a code; the
 * requesting domain records `unanswered` while the peer cannot be reached.
 */
export type PeerAnswer =
  | { readonly outcome: 'honoured'; readonly tombstones: readonly number[] }
  | {
      readonly outcome: 'deferred';
      readonly code: 'ERR_AU_LEGAL_HOLD' | 'ERR_AU_RETENTION_ACTIVE' | 'ERR_AU_SUBJECT_AMBIGUOUS';
      /** The hold that defers it, when one does. */
      readonly hold?: { readonly issuer: string; readonly hold: string };
      readonly tombstones: readonly number[];
    }
  | { readonly outcome: 'refused'; readonly code: string }
  | { readonly outcome: 'unanswered'; readonly detail: string };

/** An Erasure Request this domain forwards to a peer, with the peer's latest answer. */
export interface ForwardedRequest {
  readonly jti: string;
  /** The peer domain, as the stitches name it. */
  readonly peer: string;
  /** The signed Erasure Request. */
  readonly request: Uint8Array;
  readonly answer?: PeerAnswer;
}

/**
 * A peer's Erasure Request whose records hold more than one subject (spec §7.3, `ERR_AU_SUBJECT_AMBIGUOUS`): what the
 * operator's naming of the subject needs. Names no subject.
 */
export interface AmbiguousRequest {
  /** The leaf hashes (base64url) of the records the request names. */
  readonly records: readonly string[];
  readonly basis: string;
  /** The peer domain that asked. */
  readonly from: string;
  /** The operator named the subject: the request is no longer worked out from its records. */
  readonly resolved?: true;
}

/** An Erasure Request a peer sent this domain, by its jti: the SHA-256 of its bytes and the answer given. */
export interface ReceivedRequest {
  readonly jti: string;
  readonly digest: string;
  readonly answer: PeerAnswer;
  /** Present when its records hold more than one subject. */
  readonly ambiguous?: AmbiguousRequest;
}

/** A legal hold in force (spec §7.5). */
export interface HoldRecord {
  readonly hold: string;
  readonly issuer: string;
  /** The place's jti, which a lift names in `pred`. */
  readonly jti: string;
  /** Seconds: the hold ends by itself then (a foreign hold's `exp`, spec §7.5). */
  readonly expires?: number;
  readonly subjects: readonly string[];
  readonly entries: readonly number[];
  readonly workflows: readonly string[];
}

/** An erasure deferred by a hold or a retention minimum, run again when it ends. */
export interface PendingErasure {
  readonly owner: string;
  readonly basis?: string;
  readonly request?: string;
  /** The peer domain that asked, when a peer's request is pending. */
  readonly from?: string;
}

/**
 * The durable side of the disclosure store (spec §7.2, §7.3): records, sealed disclosures, wrapped keys, holds,
 * pending erasures, erasure intents, and the Erasure Requests forwarded and received. Implementations: memory, SQLite (`./sqlite`), PostgreSQL (`./postgres`).
 */
export interface DisclosureStore {
  /**
   * Stores a record, its disclosures and the wrapped keys of owners new to the store, in one transaction; when one of
   * those owners has a key already (another instance stored it meanwhile), stores nothing: `ERR_AU_CONFLICT`.
   */
  putRecord(record: StoredRecord, sealed: readonly SealedDisclosure[], keys: readonly WrappedKey[]): Promise<void>;
  record(leafHash: Uint8Array): Promise<StoredRecord | undefined>;
  /** Records auditing or stitched by an ECT. */
  recordsByEct(ect: string): Promise<StoredRecord[]>;
  /** Records whose retention deadline is at or before `now` and that still hold disclosures. */
  recordsDue(now: number): Promise<StoredRecord[]>;
  disclosures(leafHash: Uint8Array): Promise<SealedDisclosure[]>;
  disclosuresOf(owner: string): Promise<SealedDisclosure[]>;
  /**
   * True when the disclosure was destroyed by an erasure or retention run; without a digest, when any disclosure of
   * the record was (a peer's request must not take a partly erased record's remaining subject for the one it means).
   */
  erased(leafHash: Uint8Array, digest?: string): Promise<boolean>;
  wrappedKey(owner: string): Promise<WrappedKey | undefined>;
  wrappedKeys(): Promise<WrappedKey[]>;
  /** Replaces wrapped keys (a rotation) in one transaction; a key destroyed meanwhile stays destroyed. */
  rewrap(keys: readonly WrappedKey[]): Promise<void>;
  /**
   * In one transaction: deletes the disclosures named, the owner's key and pending erasure when the intent names an
   * owner, marks the disclosures erased, and records the intent; resolves true. When one of the disclosures is no
   * longer held (another instance destroyed it first), changes nothing and resolves false.
   */
  destroy(intent: ErasureIntent): Promise<boolean>;
  intents(): Promise<ErasureIntent[]>;
  completeIntent(id: string): Promise<void>;
  holds(): Promise<HoldRecord[]>;
  putHold(hold: HoldRecord): Promise<void>;
  removeHold(hold: string, issuer: string): Promise<void>;
  pending(): Promise<PendingErasure[]>;
  putPending(pending: PendingErasure): Promise<void>;
  /** Records requests to forward; a jti already recorded keeps its request and answer. */
  putForwarded(requests: readonly ForwardedRequest[]): Promise<void>;
  forwarded(): Promise<ForwardedRequest[]>;
  answerForwarded(jti: string, answer: PeerAnswer): Promise<void>;
  received(jti: string): Promise<ReceivedRequest | undefined>;
  putReceived(request: ReceivedRequest): Promise<void>;
  close(): Promise<void>;
}
