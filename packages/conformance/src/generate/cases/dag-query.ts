import type { Vector } from '../../format.js';
import { invalid, vector } from '../common.js';
import { type Node, task } from './dag.js';

/**
 * a ← b, a ← c, (c, b) ← d, d ← e: d lists c before b, so a walk towards the roots meets c first, while a walk
 * towards the leaves meets b first (inserted first).
 */
const DIAMOND: Node[] = [
  task('task-a'),
  task('task-b', ['task-a'], 1),
  task('task-c', ['task-a'], 2),
  task('task-d', ['task-c', 'task-b'], 3),
  task('task-e', ['task-d'], 4),
];

interface Case {
  id: string;
  description: string;
  walk: 'ancestors' | 'descendants';
  jti: string;
  limit?: number;
  nodes?: string[];
  error?: string;
}

const CASES: Case[] = [
  {
    id: 'dag-ancestors-order',
    description:
      'Ancestors nearest first, breadth-first, the predecessors of each node in pred order: c before b (ect.md §7.4).',
    walk: 'ancestors',
    jti: 'task-e',
    nodes: ['task-d', 'task-c', 'task-b', 'task-a'],
  },
  {
    id: 'dag-descendants-order',
    description:
      'Descendants nearest first, breadth-first, the successors of each node in insertion order: b before c (ect.md §7.4).',
    walk: 'descendants',
    jti: 'task-a',
    nodes: ['task-b', 'task-c', 'task-d', 'task-e'],
  },
  {
    id: 'dag-ancestors-at-limit',
    description:
      'A walk that reaches exactly as many nodes as its limit (4) succeeds; the start does not count (ect.md §7.4).',
    walk: 'ancestors',
    jti: 'task-e',
    limit: 4,
    nodes: ['task-d', 'task-c', 'task-b', 'task-a'],
  },
  {
    id: 'dag-ancestors-over-limit',
    description: 'A walk that would reach a fourth node with a limit of 3 is refused (ect.md §7.4).',
    walk: 'ancestors',
    jti: 'task-e',
    limit: 3,
    error: 'ERR_ECT_TRAVERSAL_LIMIT',
  },
  {
    id: 'dag-descendants-over-limit',
    description:
      'The limit counts nodes, not depth: b, c and d are within two edges of a, yet a limit of 2 is exceeded at d (ect.md §7.4).',
    walk: 'descendants',
    jti: 'task-a',
    limit: 2,
    error: 'ERR_ECT_TRAVERSAL_LIMIT',
  },
  {
    id: 'dag-ancestors-root-limit-zero',
    description: 'A root has no ancestors, so even a limit of 0 is not exceeded (ect.md §7.4).',
    walk: 'ancestors',
    jti: 'task-a',
    limit: 0,
    nodes: [],
  },
  {
    id: 'dag-query-node-not-found',
    description: 'A walk from a task the store does not hold (ect.md §7.4).',
    walk: 'descendants',
    jti: 'task-x',
    error: 'ERR_ECT_NODE_NOT_FOUND',
  },
  {
    id: 'dag-query-limit-fractional',
    description:
      'A limit that is not a whole number is refused as input, not taken as no limit (ect.md §7.4, core.md §8).',
    walk: 'ancestors',
    jti: 'task-e',
    limit: 1.5,
    error: 'ERR_INPUT_INVALID',
  },
];

/** `dag-query` vectors: walk order and the traversal limit, at and over it. */
export function dagQueryVectors(): Vector[] {
  return CASES.map((c) =>
    vector({
      id: c.id,
      description: c.description,
      kind: 'dag-query',
      input: { existing: DIAMOND, walk: c.walk, jti: c.jti },
      options: c.limit === undefined ? {} : { limit: c.limit },
      expected: c.error ? invalid(c.error) : { result: 'valid', nodes: c.nodes! },
    }),
  );
}
