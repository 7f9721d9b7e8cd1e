/**
 * Cascade-prevention cases: the blast radius of the root of a 100 000-task workflow, and a rollback plan over a
 * 10 000-task scope with checkpoints. Workflows (seeded, layered: fan-out and fan-in over five agents) and
 * checkpoints are built once, up front; each operation is the whole computation.
 */

import { blastRadius, type CheckpointInput, layeredWorkflow, planRollback } from '@safety-net/cascade-prevention';
import { EctDag } from '@safety-net/core';
import type { BenchGroup } from './signing.js';

const AGENTS = ['inventory', 'shipping', 'payment', 'billing', 'notify'];
const BEFORE = 'A'.repeat(43);
const AFTER = 'B'.repeat(43);
const PARAMS = 'C'.repeat(43);

/** The cascade-prevention cases, timed together. */
export function cascadeGroup(): BenchGroup {
  // 100 layers of 1000 tasks under one root: 100 001 tasks, every one a descendant of the root.
  const big = EctDag.from(layeredWorkflow({ seed: 'bench-blast', layers: 100, width: 1000, agents: AGENTS }));
  if (blastRadius(big, 'wf/0/0').count !== 100_000) throw new Error('bench blast radius is not the whole workflow');

  // 10 layers of 1000: the root's scope holds 10 001 tasks, all with a checkpoint.
  const nodes = layeredWorkflow({ seed: 'bench-plan', layers: 10, width: 1000, agents: AGENTS });
  const small = EctDag.from(nodes);
  const checkpoints = new Map<string, CheckpointInput>(
    nodes.map((n) => [
      n.jti,
      {
        task: n.jti,
        iss: n.iss,
        resource: `${n.iss}/db`,
        before: BEFORE,
        after: AFTER,
        undo: { action: `${n.iss}.undo`, params: PARAMS },
      },
    ]),
  );
  const request = { rollback: 'rb-bench', root_cause: 'wf/0/0', scope: 'descendants', known_good: [] } as const;
  const lookup = (jti: string) => checkpoints.get(jti);
  if (planRollback(small, request, lookup).steps.length !== 10_001)
    throw new Error('bench plan does not cover the scope');

  return {
    title: 'cascade prevention',
    cases: [
      { name: 'cp.blast_radius.100k', run: () => blastRadius(big, 'wf/0/0'), async: false },
      { name: 'cp.rollback.plan.10k', run: () => planRollback(small, request, lookup), async: false },
    ],
  };
}
