import {
  addSignature,
  type Clock,
  type CryptoBackend,
  coseKeyThumbprint,
  encodeCbor,
  type JwsGeneral,
  type KeyResolver,
  type MultiVerifyOptions,
  type MultiVerifyResult,
  type PrivateKey,
  type PublicKey,
  type SafetyNetError,
  sha256,
  signJwsGeneral,
  signMultiSigned,
  toBase64Url,
  verifyJwsGeneral,
  verifyMultiSigned,
} from '@safety-net/core';
import { auError } from '../errors.js';
import { type ConsumptionClaims, consumptionRecord } from '../messages/consumption.js';

/**
 * The content digest of a consumption record (spec §8.1): SHA-256 of its deterministic CBOR claims map, unpadded
 * base64url. The same whatever signatures the record carries, and in either wire form: it keys exactly-once
 * ingestion and the leaves of a statement's records root.
 */
export function consumptionDigest(claims: ConsumptionClaims): string {
  return toBase64Url(consumptionDigestBytes(claims));
}

/** {@link consumptionDigest} as its 32 bytes. */
export function consumptionDigestBytes(claims: ConsumptionClaims): Uint8Array {
  return sha256(encodeCbor(consumptionRecord.toCbor(consumptionRecord.parse(claims))));
}

/** The metering domain signs a record: a COSE_Sign with its one signature, ready for the consumer's. */
export function signConsumption(claims: ConsumptionClaims, meterKey: PrivateKey): Uint8Array {
  return signMultiSigned(consumptionRecord, claims, [{ key: meterKey }]);
}

/**
 * The consuming domain countersigns a record the metering domain signed, after checking it against its own view
 * (verify it first with `requireCountersignature: false`): its signature is added over the same payload.
 */
export function countersignConsumption(record: Uint8Array, consumerKey: PrivateKey): Uint8Array {
  return addSignature(record, {
    key: consumerKey,
    protectedHeader: { kid: consumerKey.kid ?? coseKeyThumbprint(consumerKey) },
  });
}

/** Both parties sign a record in the JOSE form (JWS JSON General Serialization), metering domain first. */
export function signConsumptionJws(
  claims: ConsumptionClaims,
  meterKey: PrivateKey,
  consumerKey: PrivateKey,
): Promise<JwsGeneral> {
  return signJwsGeneral(consumptionRecord, claims, [{ key: meterKey }, { key: consumerKey }]);
}

/** Options for {@link verifyConsumption}. */
export interface ConsumptionVerifyOptions {
  /** Keys trusted for the metering and the consuming domains, bound to them as issuers (e.g. a `KeySet`). */
  keys: KeyResolver | PublicKey;
  clock?: Clock;
  /** Default true: a record without the consumer's signature is `ERR_AU_COUNTERSIGNATURE_MISSING`. */
  requireCountersignature?: boolean;
  /** The crypto backend the COSE signatures are checked with (core's default otherwise). */
  backend?: CryptoBackend;
}

/** A verified consumption record: its claims, content digest and whether the consumer countersigned it. */
export type ConsumptionVerifyResult =
  | { readonly ok: true; readonly claims: ConsumptionClaims; readonly digest: string; readonly countersigned: boolean }
  | { readonly ok: false; readonly error: SafetyNetError };

/**
 * Verifies a consumption record in its COSE form (`Uint8Array`) or JOSE form (a General Serialization, as text or
 * object): the metering domain's signature by a key trusted for `iss`, the consumer's by a key trusted for
 * `consumer`, the claims' rules. Never throws for bad input.
 */
export async function verifyConsumption(
  record: Uint8Array | string | JwsGeneral,
  options: ConsumptionVerifyOptions,
): Promise<ConsumptionVerifyResult> {
  const verifyOptions: MultiVerifyOptions<ConsumptionClaims> = {
    clock: options.clock,
    backend: options.backend,
    parties: (c) => [
      { issuer: c.iss, key: options.keys },
      { issuer: c.consumer, key: options.keys, optional: true },
    ],
  };
  const result: MultiVerifyResult<ConsumptionClaims> =
    record instanceof Uint8Array
      ? await verifyMultiSigned(consumptionRecord, record, verifyOptions)
      : await verifyJwsGeneral(consumptionRecord, record, verifyOptions);
  if (!result.ok) return result;
  const countersigned = result.signed[1] === true;
  if (!countersigned && options.requireCountersignature !== false) {
    return {
      ok: false,
      error: auError('ERR_AU_COUNTERSIGNATURE_MISSING', `no signature by ${result.claims.consumer}`),
    };
  }
  return { ok: true, claims: result.claims, digest: consumptionDigest(result.claims), countersigned };
}
