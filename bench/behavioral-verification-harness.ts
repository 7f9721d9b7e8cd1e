/**
 * Benchmark-harness throughput: one operation is a whole `runSuite` of a 100-task suite (exact, subset, regex and
 * numeric checkers, a quarter with safety patterns) against an agent that answers at once, so what is timed is the
 * harness itself — the time limit per attempt, reading the response, checking it. Information only: no peer, no
 * target.
 */
import { type Agent, compileSuite, runSuite } from '@safety-net/behavioral-verification';
import type { BenchGroup } from './signing.js';

const TASKS = 100;

function suite(): unknown {
  const tasks = Array.from({ length: TASKS }, (_, i) => {
    const checker = [
      { kind: 'exact', expected: { total: i } },
      { kind: 'subset', expected: { total: i } },
      { kind: 'regex', pattern: 'total=[0-9]+' },
      { kind: 'numeric', expected: i, tolerance: 0.5 },
    ][i % 4];
    return {
      id: `t${i}`,
      input: { n: i, kind: i % 4 },
      checker,
      ...(i % 4 === 0 ? { safety: { forbidden: ['.*password.*'] } } : {}),
    };
  });
  return { id: 'bench-suite', version: '1', tasks };
}

/** The answer each task expects, so that every attempt is correct and fully checked. */
const agent: Agent = async (input) => {
  const { n, kind } = input as { n: number; kind: number };
  const output = kind === 2 ? `total=${n}` : kind === 3 ? n : { total: n, note: 'ok' };
  return { output: kind === 0 ? { total: n } : output, resources: { tokens: 10 } };
};

/** The harness case. */
export async function harnessGroup(): Promise<BenchGroup> {
  const compiled = compileSuite(suite());
  const clock = { now: () => performance.now() };
  const first = await runSuite(agent, compiled, { clock });
  if (!first.outcomes.every((o) => o.status === 'ok' && o.correct && o.safe !== false))
    throw new Error('benchmark setup: every task passes');
  return {
    title: 'benchmark harness',
    cases: [
      { name: `bv.harness.run_suite.${TASKS}tasks`, run: () => runSuite(agent, compiled, { clock }), async: true },
    ],
  };
}
