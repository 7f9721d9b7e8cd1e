/**
 * `pnpm bench`: runs every case, prints the table of rates and ratios, and writes bench/results.json.
 * Arguments, if any, are substrings of case names: only matching cases run, and results.json is left alone.
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { getBackend } from '@safety-net/core';
import { behavioralVerificationGroups } from './behavioral-verification.js';
import { betGroup } from './behavioral-verification-bet.js';
import { harnessGroup } from './behavioral-verification-harness.js';
import { cascadeGroup } from './cascade.js';
import { breakerGroup } from './cascade-breaker.js';
import { DAG_CASES, dagCasesInChild } from './dag.js';
import { type BenchCase, type CaseResult, measureGroup } from './harness.js';
import { computeRatios, formatReport } from './report.js';
import { type BenchGroup, signingGroups } from './signing.js';

const filters = process.argv.slice(2);
const selected = (c: BenchCase | { name: string }) => filters.length === 0 || filters.some((f) => c.name.includes(f));

const environment = {
  node: process.version,
  v8: process.versions.v8,
  platform: `${process.platform} ${process.arch}`,
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  backend: getBackend().name,
  /** 1-minute load average at the start: above the core count, other processes competed for the CPU. */
  load: Number(loadavg()[0]!.toFixed(2)),
  date: new Date().toISOString(),
};
console.log(
  `node ${environment.node} on ${environment.cpu} (${environment.cores} cores, load ${environment.load}), backend ${environment.backend}\n`,
);

const cases: Record<string, CaseResult> = {};
const started = performance.now();
if (DAG_CASES.some(selected)) {
  console.log(`measuring DAG inserts in a child process: ${DAG_CASES.filter(selected).map((c) => c.name).join(', ')}`);
  Object.assign(cases, await dagCasesInChild(filters));
}

// Groups are built one at a time and dropped once measured, so that one group's fixtures (e.g. a 100k-task DAG)
// do not weigh on the garbage collector while later cases run.
const groupMakers: (() => BenchGroup | BenchGroup[] | Promise<BenchGroup | BenchGroup[]>)[] = [
  signingGroups,
  behavioralVerificationGroups,
  betGroup,
  harnessGroup,
  breakerGroup,
  cascadeGroup,
];
for (const make of groupMakers) {
  for (const group of [await make()].flat()) {
    const chosen = group.cases.filter(selected);
    if (chosen.length === 0) continue;
    console.log(`measuring ${group.title}: ${chosen.map((c) => c.name).join(', ')}`);
    Object.assign(cases, await measureGroup(chosen));
  }
}

const ratios = computeRatios(cases);
console.log(`\n${formatReport(cases, ratios)}\n`);
console.log(`total ${((performance.now() - started) / 1000).toFixed(0)} s`);
if (filters.length === 0) {
  const path = new URL('./results.json', import.meta.url);
  writeFileSync(path, `${JSON.stringify({ cases, ratios, environment }, null, 2)}\n`);
  console.log('wrote bench/results.json');
}
