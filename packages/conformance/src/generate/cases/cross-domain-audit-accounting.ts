/**
 * `message-verify` vectors for the accounting message types of @safety-net/cross-domain-audit (spec §8): each valid
 * in COSE and in JWT form, from the package's samples, and the refusals their claim rules add; and the Consumption
 * Record as its two parties sign it (COSE_Sign, rows 37 and 38 of §13).
 */

import { type AnyMessageType, toHex } from '@safety-net/core';
import {
  consumptionRecord,
  dispute,
  nettingStatement,
  priceTable,
  reconciliation,
  settlementReceipt,
  statement,
} from '@safety-net/cross-domain-audit';
import {
  sampleConsumptionClaims as consumption,
  sampleDisputeClaims as disputeClaims,
  sampleNettingClaims as netting,
  samplePriceTableClaims as prices,
  sampleReconciliationClaims as rec,
  sampleSettlementClaims as settlement,
  sampleStatementClaims as stmt,
} from '@safety-net/cross-domain-audit/testing';
import type { Vector } from '../../format.js';
import { invalid, KEYS } from '../common.js';
import { claimsRefused, type MessageCase, messageVerifyVector, type ValidMessage, validPairs } from '../messages.js';
import {
  contentDigest,
  countersignedRecord,
  meteredRecord,
  recordVector,
} from './cross-domain-audit-consumption-record.js';

const { ed25519, p256 } = KEYS;
const SECTION = 'cross-domain-audit.md §8';

function validCases(): MessageCase[] {
  const valid: ValidMessage[] = [
    [
      consumptionRecord,
      'au-consumption-valid',
      'Consumption Record with token, call and CPU items',
      consumption,
      ed25519,
    ],
    [priceTable, 'au-prices-valid', 'Price Table (EUR, scale 2, half even)', prices, ed25519],
    [statement, 'au-statement-valid', 'Statement of a period with its records root', stmt, ed25519],
    [reconciliation, 'au-reconciliation-valid', 'Reconciliation with every record matched', rec, p256],
    [dispute, 'au-dispute-valid', 'Dispute adjusting a record, with an inclusion proof', disputeClaims, p256],
    [settlementReceipt, 'au-settlement-valid', 'Settlement Receipt of a period', settlement, p256],
    [nettingStatement, 'au-netting-valid', 'Netting Statement of three domains', netting, ed25519],
  ];
  return validPairs(SECTION, valid);
}

function refusals(): MessageCase[] {
  const invalid = (id: string, description: string, type: AnyMessageType, claims: object) =>
    claimsRefused(type, claims, ed25519, { id, description });
  const tokens = consumption.items[0]!;
  return [
    invalid('au-consumption-period-after-iat', 'A record whose period ends after its iat (§8.1).', consumptionRecord, {
      ...consumption,
      period: { start: consumption.period.start, end: consumption.iat + 1 },
    }),
    invalid('au-consumption-fractional-tokens', 'A record with a fractional token count (§8.1).', consumptionRecord, {
      ...consumption,
      items: [{ ...tokens, quantity: '1.5' }],
    }),
    invalid('au-consumption-kind-twice', 'A record with one item kind twice for one model (§8.1).', consumptionRecord, {
      ...consumption,
      items: [tokens, tokens],
    }),
    invalid(
      'au-consumption-float-quantity',
      'A record with a quantity that is a number, not a decimal (§2).',
      consumptionRecord,
      {
        ...consumption,
        items: [{ ...tokens, quantity: 120000 }],
      },
    ),
    invalid('au-prices-without-exp', 'A price table without exp (§9).', priceTable, { ...prices, exp: undefined }),
    invalid('au-statement-total-not-sum', 'A statement whose total is not the sum of its lines (§8.5).', statement, {
      ...stmt,
      total: '1.00',
    }),
    invalid(
      'au-reconciliation-pred',
      'A reconciliation whose pred does not start with the statement (§8.5).',
      reconciliation,
      {
        ...rec,
        pred: ['st-other'],
      },
    ),
    invalid('au-dispute-adjust-without-items', 'An adjust dispute without the adjusted items (§8.5).', dispute, {
      ...disputeClaims,
      adjusted: undefined,
    }),
    invalid(
      'au-settlement-payer-is-payee',
      'A settlement receipt whose payer is its payee (§8.5).',
      settlementReceipt,
      {
        ...settlement,
        payee: settlement.payer,
      },
    ),
    invalid(
      'au-netting-positions-not-zero',
      'A netting statement whose positions do not sum to zero (§8.6).',
      nettingStatement,
      {
        ...netting,
        positions: { ...netting.positions, 'lab.example': '-19.99' },
      },
    ),
  ];
}

/** Rows 37 and 38: the countersigned record (its content digest) and the same record before countersigning. */
function twoSignerVectors(): Vector[] {
  const record = countersignedRecord();
  const twoSigners = (id: string, description: string, cose: Uint8Array, expected: object): Vector =>
    recordVector({
      id,
      description,
      kind: 'message-verify',
      input: { type: consumptionRecord.name, cose_hex: toHex(cose) },
      expected,
    });
  return [
    twoSigners(
      'consumption-two-signers',
      'A Consumption Record signed by the metering domain and countersigned by the consuming domain (COSE_Sign): both signatures verify under keys bound to iss and consumer, and its content digest is SHA-256 of the payload (cross-domain-audit.md §8.1).',
      record,
      {
        result: 'valid',
        format: 'cose',
        typ: 'application/au-consumption+cwt',
        claims: consumption,
        // The metering domain first, then the consumer: the parties whose signatures verified.
        signers: [consumption.iss, consumption.consumer],
        digest: contentDigest(record),
      },
    ),
    twoSigners(
      'consumption-no-countersignature',
      "The same record with the metering domain's signature only: a verifier requires the consumer's too (cross-domain-audit.md §8.1).",
      meteredRecord(),
      invalid('ERR_AU_COUNTERSIGNATURE_MISSING'),
    ),
  ];
}

/** `message-verify` vectors of the accounting message types, in both wire forms, and the two-signer record. */
export function crossDomainAuditAccountingVectors(): Vector[] {
  return [
    ...[...validCases(), ...refusals()].map((c) => messageVerifyVector('cross-domain-audit', c)),
    ...twoSignerVectors(),
  ];
}
