import {
  MemoryWitnessStore,
  parseCheckpoint,
  parseNote,
  parseSignerKey,
  witnessHandler,
} from '@safety-net/cross-domain-audit';
import * as z from 'zod';
import { expectedOf } from '../format.js';
import { defineKind } from './kind.js';
import { attempt, compareOutcome } from './outcome.js';

const AuWitness = z
  .object({
    input: z
      .object({
        witness_key: z.string(),
        logs: z.array(z.object({ origin: z.string(), keys: z.array(z.string()) }).strict()),
        held: z.string().nullable(),
        request: z.string(),
      })
      .strict(),
    options: z.object({}).strict(),
    expected: expectedOf({
      status: z.number().int(),
      content_type: z.string(),
      body: z.string(),
      evidence: z.array(z.enum(['same_size', 'different_size', 'inconsistent'])),
    }),
  })
  .strict();

/**
 * `au-witness`: the witness of `cross-domain-audit.md` §5.3 holding `held` (a checkpoint it cosigned, or none)
 * answers one `add-checkpoint` request at the vector's `now`: status, content type, body (a cosignature line is
 * exact: Ed25519 is deterministic) and the kinds of evidence it kept.
 */
export const auWitness = defineKind('au-witness', AuWitness, async ({ input, expected }, ctx) => {
  const got = await attempt(async () => {
    const store = new MemoryWitnessStore();
    if (input.held !== null) {
      const head = parseCheckpoint(parseNote(input.held).text);
      await store.advance(head.origin, undefined, { size: head.size, rootHash: head.rootHash, checkpoint: input.held });
    }
    const signer = parseSignerKey(input.witness_key);
    const handler = witnessHandler({ signer, logs: input.logs, store, clock: ctx.clock, backend: ctx.backend });
    const response = await handler(
      new Request('https://witness.example/add-checkpoint', { method: 'POST', body: input.request }),
    );
    const origins = new Set(input.logs.map((l) => l.origin));
    const evidence = (await Promise.all([...origins].map((o) => store.evidence(o)))).flat().map((e) => e.kind);
    return {
      status: response.status,
      content_type: response.headers.get('content-type') ?? '',
      body: await response.text(),
      evidence,
    };
  });
  compareOutcome(expected, got);
});
