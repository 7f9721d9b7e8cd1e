/**
 * Every benchmark group, by name, in the order `pnpm bench` measures them. Each is measured in a process of its
 * own (`group-process.ts`), so that no group inherits another's heap or the inline caches another left behind.
 */

import { auditLogCases } from './audit-log.js';
import { auditWitnessGroup } from './audit-witness.js';
import { behavioralVerificationGroups } from './behavioral-verification.js';
import { betGroup } from './behavioral-verification-bet.js';
import { harnessGroup } from './behavioral-verification-harness.js';
import { cascadeGroup } from './cascade.js';
import { breakerGroup } from './cascade-breaker.js';
import { dagCases } from './dag.js';
import { type BenchCase, type CaseResult, measureGroup } from './harness.js';
import { MEMORY_GROUPS, type MemoryResult } from './memory.js';
import { overrideHaltCases, overrideVerifyGroup } from './override.js';
import { type BenchGroup, signingGroups } from './signing.js';
import { startupGroup } from './startup.js';

/** Which cases to run: all, or those whose name contains one of the filters. */
export type CaseFilter = (c: BenchCase | { name: string }) => boolean;

const groupsOf =
  (make: () => BenchGroup | BenchGroup[] | Promise<BenchGroup | BenchGroup[]>) => async (selected: CaseFilter) => {
    const results: Record<string, CaseResult> = {};
    for (const group of [await make()].flat()) {
      const chosen = group.cases.filter(selected);
      if (chosen.length === 0) continue;
      console.error(`measuring ${group.title}: ${chosen.map((c) => c.name).join(', ')}`);
      Object.assign(results, await measureGroup(chosen));
    }
    return results;
  };

/**
 * The groups, with `extra`'s cases added to the group that holds `reference`: cases compared by a ratio are timed
 * in one process, their rounds interleaved, so that a busy machine cannot tilt the ratio.
 */
function beside(reference: string, groups: BenchGroup[], extra: BenchGroup): BenchGroup[] {
  return groups.map((g) =>
    g.cases.some((c) => c.name === reference) ? { ...g, cases: [...g.cases, ...extra.cases] } : g,
  );
}

/**
 * Measures a group's selected cases. The DAG inserts have their own timing (whole builds, not batches); memory
 * cases report bytes, not rates.
 */
export const GROUPS: Readonly<
  Record<string, (selected: CaseFilter) => Promise<Record<string, CaseResult | MemoryResult>>>
> = {
  dag: dagCases,
  signing: groupsOf(async () => beside('cose.sign1.ed25519.verify', await signingGroups(), overrideVerifyGroup())),
  'behavioral-verification': groupsOf(behavioralVerificationGroups),
  bet: groupsOf(betGroup),
  harness: groupsOf(harnessGroup),
  breaker: groupsOf(breakerGroup),
  cascade: groupsOf(cascadeGroup),
  startup: groupsOf(startupGroup),
  'override-halt': overrideHaltCases,
  audit: groupsOf(auditWitnessGroup),
  'audit-log': auditLogCases,
  ...MEMORY_GROUPS,
};

/**
 * Node flags of a group's process, beside the loader flags. `--expose-gc`, so that timed rounds and builds start
 * after a full collection and memory readings are taken on a heap holding only what is reachable. Timed groups also
 * get a fixed 32 MB semi-space: V8 otherwise grows and shrinks its young generation with the allocation rate, so a
 * round's scavenge count depended on when the heap last resized, and the monitor's and the agent-governance-sdk's
 * rounds spread by a quarter to a half; memory groups keep V8's default, the heap users get.
 */
export function groupNodeFlags(group: string): string[] {
  const timed = !Object.hasOwn(MEMORY_GROUPS, group);
  return ['--expose-gc', ...(timed ? ['--min-semi-space-size=32', '--max-semi-space-size=32'] : [])];
}

/**
 * Groups whose ratios carry targets on their round spreads. A busy spell of the machine lands on one process of each
 * group it spans (the passes go group by group), and in a full run with three processes the spell on one of them
 * put a third of the rounds of the DAG and Ed25519 verify cases out by 15–40 %: enough to widen the interquartile
 * spread they are held to. In five processes such a spell is a fifth of the rounds.
 */
const STEADY_GROUPS: ReadonlySet<string> = new Set(['dag', 'signing', 'behavioral-verification']);

/**
 * In how many processes a group is measured: memory groups once (their bytes do not depend on the machine's load),
 * the override halts once (their percentiles come from every halt of one process), timed groups `processes` times
 * when it is given, else five times for {@link STEADY_GROUPS} and three for the others.
 */
export function groupProcesses(group: string, processes: number | undefined): number {
  if (Object.hasOwn(MEMORY_GROUPS, group) || group === 'override-halt') return 1;
  return processes ?? (STEADY_GROUPS.has(group) ? 5 : 3);
}

/** The filter for case-name substrings: no substrings selects everything. */
export function caseFilter(filters: readonly string[]): CaseFilter {
  return (c) => filters.length === 0 || filters.some((f) => c.name.includes(f));
}
