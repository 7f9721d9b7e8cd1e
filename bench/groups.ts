/**
 * Every benchmark group, by name, in the order `pnpm bench` measures them. Each is measured in a process of its
 * own (`group-process.ts`), so that no group inherits another's heap or the inline caches another left behind.
 */
import { auditLogCases } from './audit-log.js';
import { behavioralVerificationGroups } from './behavioral-verification.js';
import { betGroup } from './behavioral-verification-bet.js';
import { harnessGroup } from './behavioral-verification-harness.js';
import { cascadeGroup } from './cascade.js';
import { breakerGroup } from './cascade-breaker.js';
import { dagCases } from './dag.js';
import { type BenchCase, type CaseResult, measureGroup } from './harness.js';
import { MEMORY_GROUPS, MEMORY_NODE_FLAGS, type MemoryResult } from './memory.js';
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
 * Measures a group's selected cases. The DAG inserts have their own timing (whole builds, not batches); memory
 * cases report bytes, not rates.
 */
export const GROUPS: Readonly<
  Record<string, (selected: CaseFilter) => Promise<Record<string, CaseResult | MemoryResult>>>
> = {
  dag: dagCases,
  signing: groupsOf(signingGroups),
  'behavioral-verification': groupsOf(behavioralVerificationGroups),
  bet: groupsOf(betGroup),
  harness: groupsOf(harnessGroup),
  breaker: groupsOf(breakerGroup),
  cascade: groupsOf(cascadeGroup),
  startup: groupsOf(startupGroup),
  'audit-log': auditLogCases,
  ...MEMORY_GROUPS,
};

/** Extra Node flags of a group's process, beside the loader flags every group gets. */
export function groupNodeFlags(group: string): readonly string[] {
  return Object.hasOwn(MEMORY_GROUPS, group) ? MEMORY_NODE_FLAGS : [];
}

/** The filter for case-name substrings: no substrings selects everything. */
export function caseFilter(filters: readonly string[]): CaseFilter {
  return (c) => filters.length === 0 || filters.some((f) => c.name.includes(f));
}
