/**
 * The countersigned Consumption Record of `cross-domain-audit.md` §13 row 37 and its keys: the sample claims signed
 * by the metering domain, then countersigned by the consumer. Rows 37 and 38 verify it (and its uncountersigned
 * form), rows 39 and 40 ingest it; one fixture, so that they all speak of the same bytes.
 */
import { createHash } from 'node:crypto';
import { decodeCbor, Tagged } from '@safety-net/core';
import { countersignConsumption, signConsumption } from '@safety-net/cross-domain-audit';
import {
  ACCOUNTING_KEYS,
  accountingKey,
  SAMPLE_CONSUMER,
  sampleConsumptionClaims,
} from '@safety-net/cross-domain-audit/testing';
import type { Vector } from '../../format.js';
import { keysOf, nameOf, vector } from '../common.js';

/** The metering domain's key (Ed25519). */
const meterKey = ACCOUNTING_KEYS.provider;
// An Ed25519 key of the consumer: its signature is deterministic, so the record's bytes are too (ECDSA's are not).
const consumerKey = accountingKey(SAMPLE_CONSUMER);

/** The record as the metering domain signs it: a COSE_Sign with its one signature, before countersigning. */
export function meteredRecord(): Uint8Array {
  return signConsumption(sampleConsumptionClaims, meterKey);
}

/** The record of row 37: signed by the metering domain, countersigned by the consumer (COSE_Sign). */
export function countersignedRecord(): Uint8Array {
  return countersignConsumption(meteredRecord(), consumerKey);
}

/** The content digest (§8.1), worked out here: SHA-256 of the signed payload bytes, the deterministic claims map. */
export function contentDigest(record: Uint8Array): string {
  const sign = decodeCbor(record);
  const payload = (sign instanceof Tagged ? sign.value : sign) as unknown[];
  return createHash('sha256')
    .update(payload[2] as Uint8Array)
    .digest('base64url');
}

/**
 * A vector of the record's package whose verifier trusts both parties, each key bound to its own domain as issuer
 * (§8.1): the keys of the metering and the consuming domain, public.
 */
export function recordVector(v: {
  id: string;
  description: string;
  kind: string;
  input: object;
  expected: object;
}): Vector {
  return {
    ...vector({
      ...v,
      keys: keysOf([meterKey, consumerKey], 'public'),
      options: {
        key_set: [nameOf(meterKey), nameOf(consumerKey)],
        key_issuers: { [nameOf(meterKey)]: [nameOf(meterKey)], [nameOf(consumerKey)]: [nameOf(consumerKey)] },
      },
    }),
    package: 'cross-domain-audit',
  };
}
