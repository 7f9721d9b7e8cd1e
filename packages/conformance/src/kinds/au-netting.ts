import { netPositions, planTransfers } from '@safety-net/cross-domain-audit';
import * as z from 'zod';
import { expectedOf } from '../format.js';
import { defineKind } from './kind.js';
import { attempt, compareOutcome } from './outcome.js';

const Receipt = z.object({ payer: z.string(), payee: z.string(), total: z.string(), currency: z.string() }).strict();
const Transfer = z.object({ from: z.string(), to: z.string(), amount: z.string() }).strict();

const AuNetting = z
  .object({
    input: z.object({ currency: z.string(), receipts: z.array(Receipt) }).strict(),
    options: z.object({}).strict(),
    expected: expectedOf({
      positions: z.record(z.string(), z.string()),
      transfers: z.array(Transfer),
      method: z.enum(['exact', 'greedy']),
    }),
  })
  .strict();

/**
 * `au-netting`: multilateral netting of `cross-domain-audit.md` §8.6. The settlement receipts (payer, payee, total,
 * currency) of one period give each domain's exact net position, and the fewest transfers that settle them, in the
 * order every party computes.
 */
export const auNetting = defineKind('au-netting', AuNetting, async ({ input, expected }) => {
  const got = await attempt(() => {
    const positions = netPositions(input.receipts, input.currency);
    return { positions, ...planTransfers(positions) };
  });
  compareOutcome(expected, got);
});
