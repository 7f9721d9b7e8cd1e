import {
  type Clock,
  epochSeconds,
  type JwsGeneral,
  type KeyResolver,
  type PublicKey,
  type SafetyNetError,
  snError,
  systemClock,
  utf8,
} from '@safety-net/core';
import { auError } from '../errors.js';
import type { ConsumptionClaims } from '../messages/consumption.js';
import type { ConsumptionLedgerStore, LedgerRecord } from './ledger-store.js';
import { verifyConsumption } from './record.js';

/** How long after its period a record may still be ingested (spec §9): 35 days. */
export const INGEST_WINDOW_SECONDS = 35 * 86_400;

/** `ERR_AU_RECORD_DUPLICATE` with the record first ingested under the same digest: a retry treats it as success. */
export interface RecordDuplicateError extends SafetyNetError {
  readonly original: LedgerRecord;
}

/** `ERR_AU_CONFLICT` with the record that holds the id. */
export interface RecordConflictError extends SafetyNetError {
  readonly holder: LedgerRecord;
}

/** Options of a {@link ConsumptionLedger}. */
export interface ConsumptionLedgerOptions {
  store: ConsumptionLedgerStore;
  /** Keys trusted for the metering and consuming domains, bound to them as issuers. */
  keys: KeyResolver | PublicKey;
  clock?: Clock;
}

/** A record the ledger took: its index, digest and claims. */
export interface Ingested {
  readonly index: number;
  readonly digest: string;
  readonly claims: ConsumptionClaims;
}

/**
 * Exactly-once ingestion of countersigned consumption records (spec §8.1), keyed by content digest: the first
 * ingestion returns the index; the same digest again (a retry, a replay) is `ERR_AU_RECORD_DUPLICATE` carrying
 * the original, so nothing is counted twice; the same `(iss, meter, jti)` with another digest is `ERR_AU_CONFLICT`.
 *
 * @example
 * ```ts
 * const ledger = new ConsumptionLedger({ store: new MemoryLedgerStore(), keys });
 * const { index } = await ledger.ingest(countersigned);
 * ```
 */
export class ConsumptionLedger {
  readonly #store: ConsumptionLedgerStore;
  readonly #keys: KeyResolver | PublicKey;
  readonly #clock: Clock;

  constructor(options: ConsumptionLedgerOptions) {
    this.#store = options.store;
    this.#keys = options.keys;
    this.#clock = options.clock ?? systemClock;
  }

  /** Verifies and ingests one record (COSE bytes or a JWS General Serialization); throws the typed refusal. */
  async ingest(record: Uint8Array | string | JwsGeneral): Promise<Ingested> {
    const verified = await verifyConsumption(record, { keys: this.#keys, clock: this.#clock });
    if (!verified.ok) throw verified.error;
    const { claims, digest } = verified;
    if (epochSeconds(this.#clock) > claims.period.end + INGEST_WINDOW_SECONDS) {
      throw snError('ERR_CLAIMS_EXPIRED', 'ingested more than 35 days after the period');
    }
    const bytes =
      record instanceof Uint8Array ? record : utf8(typeof record === 'string' ? record : JSON.stringify(record));
    const outcome = await this.#store.append({
      digest,
      iss: claims.iss,
      meter: claims.meter,
      jti: claims.jti,
      consumer: claims.consumer,
      periodStart: claims.period.start,
      periodEnd: claims.period.end,
      record: bytes,
    });
    if (outcome.status === 'duplicate') {
      const e = auError('ERR_AU_RECORD_DUPLICATE', `ingested before at index ${outcome.entry.index}`);
      throw Object.assign(e, { original: outcome.entry }) as RecordDuplicateError;
    }
    if (outcome.status === 'conflict') {
      const e = auError('ERR_AU_CONFLICT', `${claims.jti} of ${claims.meter} is held by another record`);
      throw Object.assign(e, { holder: outcome.entry }) as RecordConflictError;
    }
    return { index: outcome.entry.index, digest, claims };
  }

  /** The records of a consumer within a period, in index order. */
  records(query: { consumer?: string; from?: number; to?: number } = {}): Promise<LedgerRecord[]> {
    return this.#store.list(query);
  }
}
