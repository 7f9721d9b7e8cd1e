import { verifyForkFinding } from '@safety-net/cross-domain-audit';
import * as z from 'zod';
import { expectedOf } from '../format.js';
import { defineKind } from './kind.js';
import { attempt, compareOutcome } from './outcome.js';

const AuFork = z
  .object({
    input: z
      .object({
        origin: z.string(),
        kind: z.enum(['same_size', 'inconsistent']),
        a: z.string(),
        b: z.string(),
        hashes: z.array(z.string()).optional(),
        log_keys: z.array(z.string()).min(1),
      })
      .strict(),
    options: z.object({}).strict(),
    expected: expectedOf({ kind: z.enum(['same_size', 'inconsistent']) }),
  })
  .strict();

/**
 * `au-fork`: Fork Evidence checked offline (`cross-domain-audit.md` §5.8): the two checkpoints verify as the log's
 * (its note keys), and prove what `kind` says: one size and two roots, or a consistency proof (`hashes`: the prefix
 * root, then the proof) that reproduces the larger root from a prefix root other than the smaller checkpoint's.
 */
export const auFork = defineKind('au-fork', AuFork, async ({ input, expected }) => {
  const { log_keys: keys, ...finding } = input;
  const got = await attempt(() => ({ kind: verifyForkFinding(finding, { keys }).kind }));
  compareOutcome(expected, got);
});
