/**
 * `pnpm bench`: runs every case, prints the table of rates and ratios, and writes bench/results.json.
 * Arguments, if any, are substrings of case names: only matching cases run, and results.json is left alone.
 * `--processes=N` measures every timed group in N processes (default: see `groupProcesses`) and reports the median of
 * their medians.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { getBackend } from '@safety-net/core';
import { type BundleSize, ectBundleSize } from './bundle.js';
import { caseFilter, GROUPS, groupNodeFlags, groupProcesses } from './groups.js';
import { type CaseResult, combine } from './harness.js';
import type { MemoryResult } from './memory.js';
import { computeRatios, formatMemory, formatReport } from './report.js';

const PROCESSES_FLAG = /^--processes=(\d+)$/;
const args = process.argv.slice(2);
const flag = args.map((a) => PROCESSES_FLAG.exec(a)?.[1]).find((n) => n !== undefined);
const processes = flag === undefined ? undefined : Number(flag);
if (processes !== undefined && !(processes >= 1)) throw new Error('--processes must be a whole number ≥ 1');
const processesOf = Object.fromEntries(Object.keys(GROUPS).map((g) => [g, groupProcesses(g, processes)]));
const filters = args.filter((a) => !PROCESSES_FLAG.test(a));

const environment = {
  node: process.version,
  v8: process.versions.v8,
  platform: `${process.platform} ${process.arch}`,
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  backend: getBackend().name,
  /** 1-minute load average at the start: above the core count, other processes competed for the CPU. */
  load: Number(loadavg()[0]!.toFixed(2)),
  /** Processes each group was measured in. */
  processes: processesOf,
  date: new Date().toISOString(),
};
console.log(
  `node ${environment.node} on ${environment.cpu} (${environment.cores} cores, load ${environment.load}), backend ${environment.backend}, ${[...new Set(Object.values(processesOf))].sort().join(' / ')} processes per group\n`,
);

/**
 * Measures one group in a fresh child process (same Node, same loader flags), so that no group inherits another's
 * heap or inline caches: measured after the others in one process, the million-task DAG build ran at 0.5–0.6 × its
 * isolated rate, and the monitor case swung by a fifth with what ran before it.
 */
function measureInChild(group: string): Promise<Record<string, CaseResult | MemoryResult>> {
  const script = fileURLToPath(new URL('./group-process.ts', import.meta.url));
  const child = spawn(process.execPath, [...process.execArgv, ...groupNodeFlags(group), script, group, ...filters], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(JSON.parse(out) as Record<string, CaseResult | MemoryResult>);
      else reject(new Error(`benchmark group ${group} exited with ${code}`));
    });
  });
}

// Pass after pass over the groups, rather than a group's processes back to back: a busy spell of the machine then
// falls on one process of several groups, not on every process of one group.
const perProcess: Record<string, CaseResult[]> = {};
const memory: Record<string, MemoryResult> = {};
const started = performance.now();
for (let pass = 0; pass < Math.max(...Object.values(processesOf)); pass++) {
  for (const group of Object.keys(GROUPS)) {
    if (pass >= processesOf[group]!) continue;
    for (const [name, r] of Object.entries(await measureInChild(group))) {
      if ('bytes' in r) memory[name] = r;
      else perProcess[name] = [...(perProcess[name] ?? []), r];
    }
  }
}
const cases = Object.fromEntries(Object.entries(perProcess).map(([name, rs]) => [name, combine(rs)]));

// Sizes, not rates: measured here (no timing, so no process of their own) and reported beside the table.
const sizes: Record<string, BundleSize> = {};
if (caseFilter(filters)({ name: 'bundle.ect' })) sizes['bundle.ect'] = await ectBundleSize();

const loadEnd = Number(loadavg()[0]!.toFixed(2));
const basis = Math.max(environment.load, loadEnd) > environment.cores ? 'cpu' : 'wall';
const ratios = computeRatios(cases, basis);
console.log(`\n${formatReport(cases, ratios)}\n`);
for (const [name, s] of Object.entries(sizes))
  console.log(`${name}: ${s.gzip_bytes} bytes gzipped (${s.bytes} minified)`);
for (const [name, m] of Object.entries(memory)) console.log(formatMemory(name, m));
console.log(`total ${((performance.now() - started) / 1000).toFixed(0)} s, load ${loadEnd} at the end`);
if (filters.length === 0) {
  const path = new URL('./results.json', import.meta.url);
  writeFileSync(
    path,
    `${JSON.stringify({ cases: { ...cases, ...memory, ...sizes }, ratios, environment: { ...environment, load_end: loadEnd } }, null, 2)}\n`,
  );
  console.log('wrote bench/results.json');
}
