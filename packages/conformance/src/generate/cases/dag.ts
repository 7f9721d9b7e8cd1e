import type { Vector } from '../../format.js';
import { invalid, NOW, vector } from '../common.js';

export type Node = {
  jti: string;
  wid: string;
  iat: number;
  iss: string;
  exec_act: string;
  pred: string[];
  ect_ext?: Record<string, unknown>;
};

/** A task of workflow wf-1, issued `offset` seconds after NOW. */
export function task(jti: string, pred: string[] = [], offset = 0, extra: Partial<Node> = {}): Node {
  return {
    jti,
    wid: 'wf-1',
    iat: NOW + offset,
    iss: `agent-${jti.replace('task-', '')}`,
    exec_act: 'act',
    pred,
    ...extra,
  };
}

interface Case {
  id: string;
  description: string;
  existing: Node[];
  insert?: Record<string, unknown>;
  import?: Node[];
  options?: Record<string, unknown>;
  order?: string[];
  error?: string;
}

const CASES: Case[] = [
  {
    id: 'dag-insert-no-walk',
    description:
      'Insertion never walks the DAG (acyclic by construction), so a traversal limit of 1 does not refuse a task deep in a chain (ect.md §7.4).',
    existing: [task('task-a'), task('task-b', ['task-a'], 1), task('task-c', ['task-b'], 2)],
    insert: task('task-d', ['task-c'], 3),
    options: { traversal_limit: 1 },
    order: ['task-a', 'task-b', 'task-c', 'task-d'],
  },
  {
    id: 'dag-insert-chain',
    description: 'A task whose predecessors are present, earlier and in its workflow is appended (ect.md §7.2).',
    existing: [task('task-a'), task('task-b', ['task-a'], 1)],
    insert: task('task-c', ['task-a', 'task-b'], 2),
    order: ['task-a', 'task-b', 'task-c'],
  },
  {
    id: 'dag-duplicate-jti',
    description: 'A task id already in the store, even in another workflow, is refused (ect.md §7.1, §7.2 step 1b).',
    existing: [task('task-a', [], 0, { wid: 'wf-2' })],
    insert: task('task-a'),
    error: 'ERR_ECT_DUPLICATE_JTI',
  },
  {
    id: 'dag-too-many-predecessors',
    description:
      '101 predecessors exceed the default limit of 100; counted before any entry is read (ect.md §7.2 step 1a, §7.5).',
    existing: [],
    insert: task(
      'task-z',
      Array.from({ length: 101 }, (_, i) => `task-${i}`),
    ),
    error: 'ERR_ECT_TOO_MANY_PREDECESSORS',
  },
  {
    id: 'dag-predecessors-at-limit',
    description: '100 predecessors, the default limit, are accepted (ect.md §7.2 step 1a, §7.5).',
    existing: Array.from({ length: 100 }, (_, i) => task(`task-${i}`)),
    insert: task(
      'task-z',
      Array.from({ length: 100 }, (_, i) => `task-${i}`),
      1,
    ),
    order: [...Array.from({ length: 100 }, (_, i) => `task-${i}`), 'task-z'],
  },
  {
    id: 'dag-predecessors-option-at-limit',
    description: 'Two predecessors with max_predecessors set to 2 are accepted (ect.md §7.2 step 1a, §7.5).',
    existing: [task('task-a'), task('task-b')],
    insert: task('task-c', ['task-a', 'task-b'], 1),
    options: { max_predecessors: 2 },
    order: ['task-a', 'task-b', 'task-c'],
  },
  {
    id: 'dag-predecessors-option-over-limit',
    description:
      'Three predecessors with max_predecessors set to 2 are refused, before they are looked up: task-x is not in the store (ect.md §7.2 step 1a).',
    existing: [task('task-a'), task('task-b')],
    insert: task('task-c', ['task-a', 'task-b', 'task-x'], 1),
    options: { max_predecessors: 2 },
    error: 'ERR_ECT_TOO_MANY_PREDECESSORS',
  },
  {
    id: 'dag-import-too-many-predecessors',
    description:
      'In a bulk import every node is read first: a node with more predecessors than the limit refuses the whole import (ect.md §7.3 step 1, §7.2 step 1a).',
    existing: [task('task-a')],
    import: [task('task-b', ['task-a'], 1), task('task-c', ['task-a', 'task-b'], 2)],
    options: { max_predecessors: 1 },
    error: 'ERR_ECT_TOO_MANY_PREDECESSORS',
  },
  {
    id: 'dag-pred-duplicate',
    description: 'The same predecessor named twice (ect.md §7.2 step 1c).',
    existing: [task('task-a')],
    insert: task('task-b', ['task-a', 'task-a'], 1),
    error: 'ERR_ECT_PRED_DUPLICATE',
  },
  {
    id: 'dag-predecessor-missing',
    description: 'A predecessor that is not in the store (ect.md §7.2 step 2).',
    existing: [task('task-a')],
    insert: task('task-b', ['task-a', 'task-x'], 1),
    error: 'ERR_ECT_PREDECESSOR_MISSING',
  },
  {
    id: 'dag-temporal-order',
    description: 'A predecessor issued 31 s after its successor exceeds the 30 s clock skew (ect.md §7.2 step 3).',
    existing: [task('task-a', [], 31, { exec_act: 'plan' })],
    insert: task('task-b', ['task-a']),
    error: 'ERR_ECT_TEMPORAL_ORDER',
  },
  {
    id: 'dag-temporal-within-skew',
    description: 'A predecessor issued 30 s after its successor is within the clock skew (ect.md §7.2 step 3).',
    existing: [task('task-a', [], 30)],
    insert: task('task-b', ['task-a']),
    order: ['task-a', 'task-b'],
  },
  {
    id: 'dag-self-cycle',
    description:
      'A task naming itself as predecessor closes a cycle; it is not reported as missing (ect.md §7.2 steps 2 and 4).',
    existing: [],
    insert: task('task-a', ['task-a']),
    error: 'ERR_ECT_CYCLE',
  },
  {
    id: 'dag-workflow-mismatch',
    description: 'A predecessor from another workflow (ect.md §7.2 step 5).',
    existing: [task('task-a', [], 0, { wid: 'wf-2' })],
    insert: task('task-b', ['task-a'], 1),
    error: 'ERR_ECT_WORKFLOW_MISMATCH',
  },
  {
    id: 'dag-predecessor-policy',
    description: 'A predecessor whose ect_ext.pol_decision is rejected refuses its successor (ect.md §7.2 step 6).',
    existing: [task('task-a', [], 0, { ect_ext: { pol_decision: 'rejected' } })],
    insert: task('task-b', ['task-a'], 1),
    error: 'ERR_ECT_PREDECESSOR_POLICY',
  },
  {
    id: 'dag-predecessor-policy-off',
    description:
      'The same insert with the predecessor-policy check switched off is accepted (ect.md §7.2 step 6, §7.5).',
    existing: [task('task-a', [], 0, { ect_ext: { pol_decision: 'rejected' } })],
    insert: task('task-b', ['task-a'], 1),
    options: { check_predecessor_policy: false },
    order: ['task-a', 'task-b'],
  },
  {
    id: 'dag-node-invalid',
    description: 'A node without wid breaks the ECT claim constraints (ect.md §7.1).',
    existing: [],
    insert: { jti: 'task-a', iat: NOW, iss: 'agent-a', exec_act: 'act', pred: [] },
    error: 'ERR_CLAIMS_INVALID',
  },
  {
    id: 'dag-import-any-order',
    description:
      "A bulk import given successor first is ordered by Kahn's algorithm, ready nodes first in, first out (ect.md §7.3).",
    existing: [task('task-a')],
    import: [task('task-d', ['task-b', 'task-c'], 3), task('task-c', ['task-a'], 2), task('task-b', ['task-a'], 1)],
    order: ['task-a', 'task-c', 'task-b', 'task-d'],
  },
  {
    id: 'dag-import-cycle',
    description: 'Three imported tasks that name each other in a ring can never be ordered (ect.md §7.3 step 4).',
    existing: [task('task-a')],
    import: [task('task-b', ['task-a', 'task-d'], 1), task('task-c', ['task-b'], 2), task('task-d', ['task-c'], 3)],
    error: 'ERR_ECT_CYCLE',
  },
  {
    id: 'dag-import-predecessor-missing',
    description:
      'A predecessor neither in the store nor in the imported set, though named by the last node only: the whole import is refused (ect.md §7.3 step 3).',
    existing: [task('task-a')],
    import: [task('task-b', ['task-a'], 1), task('task-c', ['task-b', 'task-x'], 2)],
    error: 'ERR_ECT_PREDECESSOR_MISSING',
  },
  {
    id: 'dag-import-duplicate',
    description: 'A task id twice in one import (ect.md §7.3 step 2).',
    existing: [],
    import: [task('task-a'), task('task-a', [], 1)],
    error: 'ERR_ECT_DUPLICATE_JTI',
  },
  {
    id: 'dag-import-all-or-nothing',
    description:
      'The last imported node fails the temporal check; none of the import is kept (ect.md §7.3 steps 5 and 6).',
    existing: [task('task-a')],
    import: [task('task-b', ['task-a'], 1), task('task-c', ['task-b'], -40)],
    error: 'ERR_ECT_TEMPORAL_ORDER',
  },
];

/** `dag-insert` vectors: every DAG check, single inserts and bulk imports. */
export function dagVectors(): Vector[] {
  return CASES.map((c) =>
    vector({
      id: c.id,
      description: c.description,
      kind: 'dag-insert',
      input: { existing: c.existing, ...(c.insert ? { insert: c.insert } : { import: c.import }) },
      options: c.options ?? {},
      expected: c.error ? invalid(c.error) : { result: 'valid', order: c.order! },
    }),
  );
}
