import {
  formatVerifierKey,
  noteVerifierOf,
  openNote,
  parseSignerKey,
  signNote,
  toStdBase64,
  type VerifiedSignature,
  verifyCheckpoint,
  verifyCosigned,
  type WitnessPolicy,
} from '@safety-net/cross-domain-audit';
import * as z from 'zod';
import { expectedOf, JsonObject } from '../format.js';
import { VectorMismatch } from './context.js';
import { defineKind } from './kind.js';
import { attempt, compareOutcome } from './outcome.js';

const Signer = z.object({ name: z.string(), key_id: z.string(), type: z.number().int(), timestamp: z.number().int() });

const AuNote = z
  .object({
    input: z.object({ note: z.string(), verifier_keys: z.array(z.string()) }).strict(),
    options: z.object({ origin: z.string().optional(), policy: JsonObject.optional() }).strict(),
    expected: expectedOf({
      text: z.string(),
      signers: z.array(Signer),
      checkpoint: z.object({ origin: z.string(), size: z.number().int(), root_hash: z.string() }).strict().optional(),
    }),
  })
  .strict();

const signerOf = (s: VerifiedSignature) => ({
  name: s.name,
  key_id: s.keyId.toString(16).padStart(8, '0'),
  type: s.type,
  timestamp: s.timestamp,
});

/**
 * `au-note`: a signed note verified against verifier keys (`cross-domain-audit.md` §5.2); with `origin`, as a
 * checkpoint of that log; with `policy`, against a witness policy at the vector's `now` (§5.3).
 */
export const auNote = defineKind('au-note', AuNote, async ({ input, options, expected }, ctx) => {
  if (options.origin !== undefined && options.policy !== undefined) {
    throw new VectorMismatch('options hold at most one of origin and policy');
  }
  const got = await attempt(() => {
    const opened = openNote(input.note, input.verifier_keys, { backend: ctx.backend });
    const head = options.policy
      ? verifyCosigned(input.note, options.policy as WitnessPolicy, { clock: ctx.clock, backend: ctx.backend })
      : options.origin !== undefined
        ? verifyCheckpoint(input.note, input.verifier_keys, { origin: options.origin, backend: ctx.backend })
        : undefined;
    return {
      text: opened.text,
      signers: opened.verified.map(signerOf),
      ...(head ? { checkpoint: { origin: head.origin, size: head.size, root_hash: toStdBase64(head.rootHash) } } : {}),
    };
  });
  compareOutcome(expected, got);
});

const AuNoteSign = z
  .object({
    input: z.object({ signer_key: z.string(), text: z.string(), timestamp: z.number().int().optional() }).strict(),
    options: z.object({}).strict(),
    expected: expectedOf({ note: z.string(), verifier_key: z.string() }),
  })
  .strict();

/**
 * `au-note-sign`: a note signed with a key in Go's `PRIVATE+KEY+…` form (a cosignature with `timestamp`), and the
 * verifier key of that signer (`cross-domain-audit.md` §5.2, §5.3). Ed25519 is deterministic: the bytes are exact.
 */
export const auNoteSign = defineKind('au-note-sign', AuNoteSign, async ({ input, expected }, ctx) => {
  const got = await attempt(() => {
    const signer = parseSignerKey(input.signer_key);
    const timestamp = input.timestamp === undefined ? {} : { timestamp: input.timestamp };
    return {
      note: signNote(input.text, [signer], { ...timestamp, backend: ctx.backend }),
      verifier_key: formatVerifierKey(noteVerifierOf(signer)),
    };
  });
  compareOutcome(expected, got);
});
