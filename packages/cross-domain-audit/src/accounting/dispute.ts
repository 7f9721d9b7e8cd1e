import { type Clock, fromBase64Url, type KeyResolver, type PublicKey, verifyInclusion } from '@safety-net/core';
import { auError } from '../errors.js';
import type { DisputeClaims } from '../messages/dispute.js';
import type { StatementClaims } from '../messages/statement.js';
import { verifyConsumption } from './record.js';

/** What a dispute is checked against. */
export interface DisputeContext {
  readonly statement: StatementClaims;
  /** Keys trusted for the metering and consuming domains, to verify a record carried as evidence. */
  readonly keys: KeyResolver | PublicKey;
  readonly clock?: Clock;
  /** For an answer: the dispute it answers. */
  readonly answers?: DisputeClaims;
}

/** Reasons that a countersigned copy of the record defeats (spec §8.5 step 3). */
const DEFEATED_BY_COUNTERSIGNATURE = new Set(['not_countersigned']);

/** The record carried as evidence, as bytes (COSE) or JWS General Serialization text. */
function evidenceRecord(text: string): Uint8Array | string {
  const bytes = fromBase64Url(text);
  return bytes[0] === 0x7b ? new TextDecoder().decode(bytes) : bytes;
}

/**
 * Checks a dispute or an answer against its statement (spec §8.5 step 3); `ERR_AU_DISPUTE_INVALID` when it names
 * another statement, when its evidence does not verify, or when it lacks the evidence its claim needs:
 *
 * - an inclusion proof must prove the record's digest under `records_root` at the statement's size;
 * - a record must verify (signatures of both parties as far as present) and have the disputed digest;
 * - `exclude` and `adjust` need the inclusion proof (they name a record of the statement); `include` needs the
 *   countersigned record (both parties bound themselves to it);
 * - rejecting a dispute that says the consumer never countersigned needs the countersigned record.
 */
export async function checkDispute(d: DisputeClaims, context: DisputeContext): Promise<void> {
  const { statement, answers } = context;
  const invalid = (why: string) => auError('ERR_AU_DISPUTE_INVALID', why);
  if (d.statement !== statement.jti) throw invalid(`names statement ${d.statement}, not ${statement.jti}`);
  if (answers && (d.answer?.to !== answers.jti || answers.record !== d.record)) {
    throw invalid('the answer does not name the dispute it answers');
  }
  const { inclusion, record } = d.evidence;
  if (inclusion) {
    const proven =
      inclusion.size === statement.count &&
      verifyInclusion({
        leaf: fromBase64Url(d.record),
        index: inclusion.index,
        size: inclusion.size,
        path: inclusion.path.map(fromBase64Url),
        root: fromBase64Url(statement.records_root),
      });
    if (!proven) throw invalid('the inclusion proof does not verify under records_root');
  }
  let countersigned = false;
  if (record) {
    const verified = await verifyConsumption(evidenceRecord(record), {
      keys: context.keys,
      clock: context.clock,
      requireCountersignature: false,
    });
    if (!verified.ok) throw invalid(`the record does not verify: ${verified.error.code}`);
    if (verified.digest !== d.record) throw invalid('the record carried is not the record disputed');
    countersigned = verified.countersigned;
  }
  const original = answers ?? d;
  if (!answers && (d.claim === 'exclude' || d.claim === 'adjust') && !inclusion) {
    throw invalid(`${d.claim} needs an inclusion proof`);
  }
  if (!answers && d.claim === 'include' && !countersigned) throw invalid('include needs the countersigned record');
  if (
    answers &&
    d.answer?.decision === 'reject' &&
    DEFEATED_BY_COUNTERSIGNATURE.has(original.reason) &&
    !countersigned
  ) {
    throw invalid('rejecting this dispute needs the countersigned record');
  }
}
