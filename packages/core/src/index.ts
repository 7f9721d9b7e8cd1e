/**
 * @safety-net/core — the shared foundation of Safety Net: strict deterministic CBOR, COSE signatures, keys and
 * crypto backends, message types with one definition each, the Execution Context Token and its DAG, RFC 9162
 * Merkle trees.
 *
 * @packageDocumentation
 */
export * from './cbor/index.js';
export * from './cose/index.js';
export * from './crypto/index.js';
export * from './dag/index.js';
export * from './ect/index.js';
export * from './errors/index.js';
export * from './http/index.js';
export * from './keys/index.js';
export * from './ledger/index.js';
export * from './merkle/index.js';
export * from './messages/index.js';
export type { SqliteDatabase, SqliteStatement, SqliteTransaction } from './store/sqlite-database.js';
export { BoundedMap } from './util/bounded-map.js';
export {
  bytesEqual,
  concatBytes,
  fromBase64Url,
  fromHex,
  fromUtf8,
  joinBytes,
  toBase64Url,
  toHex,
  utf8,
} from './util/bytes.js';
export { canonicalJson } from './util/canonical-json.js';
export { type Clock, epochSeconds, fixedClock, readClock, systemClock } from './util/clock.js';
export { type RandomSource, randomUuid, seededRandom, systemRandom, uniformSource } from './util/random.js';
