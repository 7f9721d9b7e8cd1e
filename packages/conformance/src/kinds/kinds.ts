import { auDisclosureKinds } from './au-disclosure.js';
import { auFork } from './au-fork.js';
import { auLog } from './au-log.js';
import { auNetting } from './au-netting.js';
import { auNote, auNoteSign } from './au-note.js';
import { auRating } from './au-rating.js';
import { auSettlement } from './au-settlement.js';
import { auWitness } from './au-witness.js';
import { bvMonitorEvaluate } from './bv-monitor-evaluate.js';
import { cborDecode } from './cbor-decode.js';
import { coseSignSign } from './cose-sign-sign.js';
import { coseSignVerify } from './cose-sign-verify.js';
import { coseSign1Sign } from './cose-sign1-sign.js';
import { coseSign1Verify } from './cose-sign1-verify.js';
import { dagInsert } from './dag-insert.js';
import { dagQuery } from './dag-query.js';
import { ectHeaderParse } from './ect-header-parse.js';
import { keyImport } from './key-import.js';
import type { KindHandler } from './kind.js';
import { messageSign } from './message-sign.js';
import { messageVerify } from './message-verify.js';
import { ovActionDigest } from './ov-action-digest.js';
import { ovAuthority } from './ov-authority.js';
import { ovGuard } from './ov-guard.js';

/** Every kind this runner implements, by name. A vector of any other kind fails. */
export const KINDS: ReadonlyMap<string, KindHandler> = new Map(
  [
    cborDecode,
    coseSign1Sign,
    coseSign1Verify,
    coseSignSign,
    coseSignVerify,
    messageSign,
    messageVerify,
    dagInsert,
    dagQuery,
    keyImport,
    ectHeaderParse,
    bvMonitorEvaluate,
    ovActionDigest,
    ovAuthority,
    ovGuard,
    auNote,
    auFork,
    auNoteSign,
    auWitness,
    ...auDisclosureKinds,
    auLog,
    auNetting,
    auRating,
    auSettlement,
  ].map((k) => [k.kind, k]),
);
