import { toHex } from '@safety-net/core';
import { auError } from '../errors.js';
import type {
  DisclosureStore,
  ErasureIntent,
  ForwardedRequest,
  HoldRecord,
  PeerAnswer,
  PendingErasure,
  ReceivedRequest,
  SealedDisclosure,
  StoredRecord,
  WrappedKey,
} from './disclosure-store.js';

const cell = (leafHash: Uint8Array, digest: string) => `${toHex(leafHash)} ${digest}`;

/** A {@link DisclosureStore} in memory, for tests and single-process deployments that keep nothing across restarts. */
export class MemoryDisclosureStore implements DisclosureStore {
  readonly #records = new Map<string, StoredRecord>();
  readonly #sealed = new Map<string, SealedDisclosure>();
  readonly #erased = new Set<string>();
  /** The records (leaf hash, hex) that lost any disclosure: asked once per record of a peer's request. */
  readonly #erasedRecords = new Set<string>();
  readonly #keys = new Map<string, WrappedKey>();
  readonly #intents = new Map<string, ErasureIntent>();
  readonly #holds = new Map<string, HoldRecord>();
  readonly #pending = new Map<string, PendingErasure>();
  readonly #forwarded = new Map<string, ForwardedRequest>();
  readonly #received = new Map<string, ReceivedRequest>();

  async putRecord(record: StoredRecord, sealed: readonly SealedDisclosure[], keys: readonly WrappedKey[]) {
    const made = keys.find((k) => this.#keys.has(k.owner));
    if (made) throw auError('ERR_AU_CONFLICT', `a key of ${made.owner} was stored meanwhile`);
    this.#records.set(toHex(record.leafHash), record);
    for (const s of sealed) this.#sealed.set(cell(s.leafHash, s.digest), s);
    for (const k of keys) this.#keys.set(k.owner, k);
  }

  async record(leafHash: Uint8Array) {
    return this.#records.get(toHex(leafHash));
  }

  async recordsByEct(ect: string) {
    return [...this.#records.values()].filter((r) => r.ects.includes(ect));
  }

  async recordsDue(now: number) {
    const holding = new Set([...this.#sealed.values()].map((s) => toHex(s.leafHash)));
    return [...this.#records.values()].filter(
      (r) => r.deleteAt !== undefined && r.deleteAt <= now && holding.has(toHex(r.leafHash)),
    );
  }

  async disclosures(leafHash: Uint8Array) {
    const hex = toHex(leafHash);
    return [...this.#sealed.values()].filter((s) => toHex(s.leafHash) === hex);
  }

  async disclosuresOf(owner: string) {
    return [...this.#sealed.values()].filter((s) => s.owner === owner);
  }

  async erased(leafHash: Uint8Array, digest?: string) {
    return digest === undefined ? this.#erasedRecords.has(toHex(leafHash)) : this.#erased.has(cell(leafHash, digest));
  }

  async wrappedKey(owner: string) {
    return this.#keys.get(owner);
  }

  async wrappedKeys() {
    return [...this.#keys.values()];
  }

  async rewrap(keys: readonly WrappedKey[]) {
    for (const k of keys) if (this.#keys.has(k.owner)) this.#keys.set(k.owner, k);
  }

  async destroy(intent: ErasureIntent) {
    if (intent.destroyed.some((d) => !this.#sealed.has(cell(d.leafHash, d.digest)))) return false;
    for (const d of intent.destroyed) {
      this.#sealed.delete(cell(d.leafHash, d.digest));
      this.#erased.add(cell(d.leafHash, d.digest));
      this.#erasedRecords.add(toHex(d.leafHash));
    }
    if (intent.owner !== undefined) {
      this.#keys.delete(intent.owner);
      this.#pending.delete(intent.owner);
    }
    const { owner: _, ...kept } = intent;
    this.#intents.set(intent.id, kept);
    return true;
  }

  async intents() {
    return [...this.#intents.values()];
  }

  async completeIntent(id: string) {
    this.#intents.delete(id);
  }

  async holds() {
    return [...this.#holds.values()];
  }

  async putHold(hold: HoldRecord) {
    this.#holds.set(JSON.stringify([hold.issuer, hold.hold]), hold);
  }

  async removeHold(hold: string, issuer: string) {
    this.#holds.delete(JSON.stringify([issuer, hold]));
  }

  async pending() {
    return [...this.#pending.values()];
  }

  async putPending(pending: PendingErasure) {
    this.#pending.set(pending.owner, pending);
  }

  async putForwarded(requests: readonly ForwardedRequest[]) {
    for (const r of requests) if (!this.#forwarded.has(r.jti)) this.#forwarded.set(r.jti, r);
  }

  async forwarded() {
    return [...this.#forwarded.values()];
  }

  async answerForwarded(jti: string, answer: PeerAnswer) {
    const held = this.#forwarded.get(jti);
    if (held) this.#forwarded.set(jti, { ...held, answer });
  }

  async received(jti: string) {
    return this.#received.get(jti);
  }

  async putReceived(request: ReceivedRequest) {
    this.#received.set(request.jti, request);
  }

  async close() {}
}
