import { EctDag } from '@safety-net/core';
import * as z from 'zod';
import { expectedOf, JsonObject } from '../format.js';
import { insertExisting } from './dag-insert.js';
import { defineKind } from './kind.js';
import { attempt, compareOutcome } from './outcome.js';

const DagQuery = z
  .object({
    input: z
      .object({ existing: z.array(JsonObject), walk: z.enum(['ancestors', 'descendants']), jti: z.string() })
      .strict(),
    options: z.object({ limit: z.number().optional() }).strict(),
    expected: expectedOf({ nodes: z.array(z.string()) }),
  })
  .strict();

/** `dag-query`: a walk over a DAG from one task, bounded by a node limit (`ect.md` §7.4). */
export const dagQuery = defineKind('dag-query', DagQuery, async ({ input, options, expected }) => {
  const dag = new EctDag();
  await insertExisting(dag, input.existing);
  const walk = options.limit === undefined ? undefined : { limit: options.limit };
  const got = await attempt(() => ({
    nodes: input.walk === 'ancestors' ? dag.ancestors(input.jti, walk) : dag.descendants(input.jti, walk),
  }));
  compareOutcome(expected, got);
});
