import { type DagNodeInput, seededRandom, snError, uniformSource } from '@safety-net/core';

/** Shape of a {@link layeredWorkflow}. */
export interface LayeredWorkflowOptions {
  /** Seed of the shape: the same seed gives the same workflow. */
  readonly seed: string;
  /** Layers below the single root task. */
  readonly layers: number;
  /** Tasks per layer. */
  readonly width: number;
  /** Agents the tasks are spread over, at random; each agent's tasks share one `exec_act`, `<agent>.run`. */
  readonly agents: readonly string[];
  /** Most predecessors of a task, drawn from the layer above (at least one). Default 3. */
  readonly maxFanIn?: number;
  /** Workflow id, also the prefix of task ids (`<wid>/<layer>/<index>`). Default `wf`. */
  readonly wid?: string;
  /** `iat` of the root; each layer is one second later. Default 1 767 225 600. */
  readonly iat?: number;
}

/**
 * A seeded synthetic workflow for tests, simulations and benchmarks: one root task, then `layers` layers of `width`
 * tasks, each consuming 1…`maxFanIn` tasks of the layer above (fan-out and fan-in), every task reachable from the
 * root. Nodes come in a valid insertion order.
 *
 * @example
 * ```ts
 * const dag = EctDag.from(layeredWorkflow({ seed: 's', layers: 100, width: 1000, agents: ['a', 'b', 'c'] }));
 * ```
 */
export function layeredWorkflow(options: LayeredWorkflowOptions): DagNodeInput[] {
  const { seed, layers, width, agents, maxFanIn = 3, wid = 'wf', iat = 1_767_225_600 } = options;
  for (const [key, v, max] of [
    ['layers', layers, 1e7],
    ['width', width, 1e7],
    ['maxFanIn', maxFanIn, 100],
  ] as const) {
    if (!(Number.isSafeInteger(v) && v >= 1 && v <= max)) throw snError('ERR_INPUT_INVALID', `${key} out of range`);
  }
  if (!Array.isArray(agents) || agents.length === 0) throw snError('ERR_INPUT_INVALID', 'agents must not be empty');
  const uniform = uniformSource(seededRandom(seed));
  const nodes: DagNodeInput[] = [
    { jti: `${wid}/0/0`, wid, iat, iss: agents[0]!, exec_act: `${agents[0]}.run`, pred: [] },
  ];
  const above: string[] = [];
  const window = Math.max(8, maxFanIn);
  for (let l = 1; l <= layers; l++) {
    const upper = l === 1 ? 1 : width;
    for (let j = 0; j < upper; j++) above[j] = l === 1 ? `${wid}/0/0` : `${wid}/${l - 1}/${j}`;
    for (let j = 0; j < width; j++) {
      const span = Math.min(upper, window);
      const fanIn = Math.min(span, 1 + Math.floor(uniform() * maxFanIn));
      const pred: string[] = [];
      // Distinct predecessors: a few draws from a window of the layer above, near the task's own index.
      while (pred.length < fanIn) {
        const k = (j + Math.floor(uniform() * span)) % upper;
        const p = above[k]!;
        if (!pred.includes(p)) pred.push(p);
      }
      const agent = agents[Math.floor(uniform() * agents.length)]!;
      nodes.push({ jti: `${wid}/${l}/${j}`, wid, iat: iat + l, iss: agent, exec_act: `${agent}.run`, pred });
    }
  }
  return nodes;
}
