import { type DagNodeInput, EctDag } from '@safety-net/core';
import * as z from 'zod';
import { expectedOf, JsonObject } from '../format.js';
import { VectorMismatch } from './context.js';
import { defineKind } from './kind.js';
import { attempt, canonicalJson, compareOutcome } from './outcome.js';

const DagInsert = z
  .object({
    input: z
      .object({ existing: z.array(JsonObject), insert: JsonObject.optional(), import: z.array(JsonObject).optional() })
      .strict(),
    options: z
      .object({
        clock_skew_seconds: z.number().int().nonnegative().optional(),
        max_predecessors: z.number().int().nonnegative().optional(),
        traversal_limit: z.number().int().positive().optional(),
        check_predecessor_policy: z.boolean().optional(),
      })
      .strict(),
    expected: expectedOf({ order: z.array(z.string()) }),
  })
  .strict();

/** Nodes come from JSON: the DAG checks their shape itself (`ERR_CLAIMS_INVALID`). */
const asNode = (node: Record<string, unknown>) => node as unknown as DagNodeInput;

/** Inserts a vector's `existing` nodes one by one; each must be accepted, or the vector is malformed. */
export async function insertExisting(dag: EctDag, existing: readonly Record<string, unknown>[]): Promise<void> {
  for (const [i, node] of existing.entries()) {
    const got = await attempt(() => dag.insert(asNode(node)));
    if (!got.ok) throw new VectorMismatch(`existing[${i}] must be accepted, got ${got.error.code}`);
  }
}

/** `dag-insert`: ECT DAG validation of one insert or a bulk import (`ect.md` §7); a refusal changes nothing. */
export const dagInsert = defineKind('dag-insert', DagInsert, async ({ input, options, expected }) => {
  if ((input.insert === undefined) === (input.import === undefined)) {
    throw new VectorMismatch('input must hold exactly one of insert and import');
  }
  const dag = new EctDag({
    clockSkewSeconds: options.clock_skew_seconds,
    maxPredecessors: options.max_predecessors,
    traversalLimit: options.traversal_limit,
    checkPredecessorPolicy: options.check_predecessor_policy,
  });
  await insertExisting(dag, input.existing);
  const before = dag.topologicalOrder();
  const got = await attempt(() => {
    if (input.insert) dag.insert(asNode(input.insert));
    else dag.importNodes(input.import!.map(asNode));
    return { order: dag.topologicalOrder() };
  });
  compareOutcome(expected, got);
  if (!got.ok && canonicalJson(dag.topologicalOrder()) !== canonicalJson(before)) {
    throw new VectorMismatch('a refused insert or import changed the store');
  }
});
