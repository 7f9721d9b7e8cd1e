/** The ratios we hold ourselves to, and the printed table. */
import type { CaseResult } from './harness.js';
import type { MemoryResult } from './memory.js';

/** A ratio of two cases' rates; with a target when it is a goal rather than information. */
interface RatioSpec {
  readonly numerator: string;
  readonly denominator: string;
  readonly target?: number;
}

/** A computed ratio, as written to results.json. */
export interface RatioResult {
  /** Ratio of the wall-clock rates: the one the target applies to. */
  readonly value: number;
  /** The same ratio of the CPU-time rates, to check the wall-clock one against on a busy machine. */
  readonly cpu_value: number;
  /** The minimum the ratio should reach, or null when it is reported for information only. */
  readonly target: number | null;
  /** Whether the ratio the verdict reads (`basis`) reached the target. */
  readonly met: boolean | null;
  /** Which ratio the verdict reads: `value` (wall clock) on a quiet machine, `cpu_value` on a busy one. */
  readonly basis: RatioBasis;
}

/**
 * `wall` when the machine was quiet (load average at most the core count, at the start and at the end of the run),
 * else `cpu`: with more runnable threads than cores, wall-clock rates count the time a case waited for a core.
 */
export type RatioBasis = 'wall' | 'cpu';

const RATIOS: readonly RatioSpec[] = [
  { numerator: 'cose.sign1.ed25519.sign', denominator: 'jose.jwt.eddsa.sign', target: 2.0 },
  { numerator: 'cose.sign1.ed25519.sign', denominator: 'raw.ed25519.sign', target: 0.8 },
  { numerator: 'cose.sign1.ed25519.verify', denominator: 'jose.jwt.eddsa.verify', target: 1.3 },
  { numerator: 'cose.sign1.ed25519.verify', denominator: 'raw.ed25519.verify', target: 0.8 },
  { numerator: 'cose.sign1.es256.sign', denominator: 'jose.jwt.es256.sign', target: 1.5 },
  { numerator: 'cose.sign1.es256.sign', denominator: 'cosejs.sign1.es256.sign', target: 5 },
  { numerator: 'ect.dag.insert.1m', denominator: 'ect.dag.insert.100k', target: 0.8 },
  { numerator: 'bv.monitor.evaluate.100rules', denominator: 'agt.policy.evaluate.100rules', target: 1.0 },
  { numerator: 'bv.monitor.evaluate.100rules', denominator: 'cose.sign1.ed25519.verify', target: 20 },
  { numerator: 'cp.breaker.execute', denominator: 'cockatiel.breaker.execute', target: 1.0 },
  { numerator: 'cp.breaker.execute', denominator: 'opossum.fire', target: 2.0 },
  { numerator: 'cp.wrap.execute', denominator: 'cockatiel.wrap.execute', target: 1.0 },
  { numerator: 'cli.startup.help', denominator: 'node.startup', target: 0.33 },
  { numerator: 'override.signal.verify', denominator: 'cose.sign1.ed25519.verify', target: 0.8 },
  // Ceilings: no path over node:crypto can beat raw node:crypto, so raw / jose bounds ours / jose.
  { numerator: 'raw.ed25519.sign', denominator: 'jose.jwt.eddsa.sign' },
  { numerator: 'raw.ed25519.verify', denominator: 'jose.jwt.eddsa.verify' },
  { numerator: 'raw.es256.sign', denominator: 'jose.jwt.es256.sign' },
  { numerator: 'cose.sign1.es256.sign', denominator: 'raw.es256.sign' },
  { numerator: 'cose.sign1.es256.verify', denominator: 'raw.es256.verify' },
  { numerator: 'cose.sign1.es256.verify', denominator: 'jose.jwt.es256.verify' },
  { numerator: 'cose.sign1.es256.verify', denominator: 'cosejs.sign1.es256.verify' },
  { numerator: 'cose.sign1.ed25519.noble.sign', denominator: 'cose.sign1.ed25519.sign' },
  { numerator: 'cose.sign1.ed25519.noble.verify', denominator: 'cose.sign1.ed25519.verify' },
  { numerator: 'audit.log.append', denominator: 'agt.audit.append', target: 2.0 },
  { numerator: 'audit.log.append.sqlite', denominator: 'sqlite.insert.raw', target: 0.5 },
  { numerator: 'audit.proof.inclusion.1m', denominator: 'audit.proof.inclusion.1k', target: 0.5 },
  { numerator: 'audit.proof.consistency.1m', denominator: 'audit.proof.consistency.1k', target: 0.5 },
];

/**
 * Latency targets, as ratios of p99 rates (1 / p99): `value` ≥ `target` means the numerator's p99 is at most
 * 1 / `target` times the denominator's. Keyed `numerator p99 / denominator p99`.
 */
const P99_RATIOS: readonly RatioSpec[] = [
  // Fan-out is concurrent: halting 100 agents must not take 100 times as long as halting one.
  { numerator: 'override.halt.http.100', denominator: 'override.halt.http.1', target: 0.1 },
  { numerator: 'override.halt.http.10', denominator: 'override.halt.http.1' },
  // The same with the agents in a process of their own: the controller's cost per agent, not the agents' too.
  { numerator: 'override.halt.http.apart.100', denominator: 'override.halt.http.apart.1' },
];

/** A case with latency percentiles (the override halt cases). */
type Latency = CaseResult & { readonly p50_ms?: number; readonly p99_ms?: number };

/** Every ratio whose two cases were measured, keyed `numerator / denominator`. */
export function computeRatios(
  cases: Readonly<Record<string, CaseResult>>,
  basis: RatioBasis,
): Record<string, RatioResult> {
  const out: Record<string, RatioResult> = {};
  for (const { numerator, denominator, target } of RATIOS) {
    const a = cases[numerator];
    const b = cases[denominator];
    if (!a || !b) continue;
    const value = a.ops_per_sec / b.ops_per_sec;
    const cpuValue = a.cpu_ops_per_sec / b.cpu_ops_per_sec;
    out[`${numerator} / ${denominator}`] = {
      value,
      cpu_value: cpuValue,
      target: target ?? null,
      met: target === undefined ? null : (basis === 'wall' ? value : cpuValue) >= target,
      basis,
    };
  }
  for (const { numerator, denominator, target } of P99_RATIOS) {
    const a = cases[numerator] as Latency | undefined;
    const b = cases[denominator] as Latency | undefined;
    if (a?.p99_ms === undefined || b?.p99_ms === undefined) continue;
    const value = b.p99_ms / a.p99_ms;
    out[`${numerator} p99 / ${denominator} p99`] = {
      value,
      cpu_value: a.cpu_ops_per_sec / b.cpu_ops_per_sec,
      target: target ?? null,
      met: target === undefined ? null : value >= target,
      // Latencies of one process each, wall clock by nature: what the agents wait for is the point.
      basis: 'wall',
    };
  }
  return out;
}

function formatRate(opsPerSec: number): string {
  return Math.round(opsPerSec).toLocaleString('en-US');
}

function pad(s: string, width: number, right = false): string {
  return right ? s.padStart(width) : s.padEnd(width);
}

/** The human-readable report: one line per case, then one per ratio with its target. */
export function formatReport(
  cases: Readonly<Record<string, CaseResult>>,
  ratios: Readonly<Record<string, RatioResult>>,
): string {
  const lines: string[] = [];
  const nameWidth = Math.max(...Object.keys(cases).map((n) => n.length), 4);
  lines.push(
    `${pad('case', nameWidth)}  ${pad('ops/sec', 12, true)}  spread (iqr, procs)  rounds  ${pad('ops/cpu-sec', 12, true)}  spread (iqr, procs)`,
  );
  const percent = (x: number) => `${(x * 100).toFixed(0)}%`;
  const spreads = (all: number, inner: number, procs: number) =>
    `${pad(percent(all), 6, true)} (${pad(percent(inner), 3, true)}, ${pad(percent(procs), 3, true)})`;
  for (const [name, r] of Object.entries(cases)) {
    lines.push(
      `${pad(name, nameWidth)}  ${pad(formatRate(r.ops_per_sec), 12, true)}  ${pad(spreads(r.spread, r.iqr_spread, r.process_spread), 19)}  ${pad(String(r.samples), 6, true)}  ${pad(formatRate(r.cpu_ops_per_sec), 12, true)}  ${spreads(r.cpu_spread, r.cpu_iqr_spread, r.cpu_process_spread)}`,
    );
  }
  for (const [name, r] of Object.entries(cases) as [string, Latency][]) {
    if (r.p99_ms !== undefined) lines.push(`${name}: p50 ${r.p50_ms!.toFixed(2)} ms, p99 ${r.p99_ms.toFixed(2)} ms`);
  }
  lines.push('');
  const ratioWidth = Math.max(...Object.keys(ratios).map((n) => n.length), 5);
  lines.push(
    `${pad('ratio', ratioWidth)}  ${pad('value', 7, true)}  ${pad('cpu', 7, true)}  ${pad('target', 7, true)}  verdict`,
  );
  for (const [name, r] of Object.entries(ratios)) {
    const target = r.target === null ? '' : `≥ ${r.target}`;
    const verdict = r.met === null ? '(info)' : `${r.met ? 'met' : 'MISSED'} (${r.basis})`;
    lines.push(
      `${pad(name, ratioWidth)}  ${pad(r.value.toFixed(2), 7, true)}  ${pad(r.cpu_value.toFixed(2), 7, true)}  ${pad(target, 7, true)}  ${verdict}`,
    );
  }
  return lines.join('\n');
}

/** One memory case's line: bytes per unit, its heap and off-heap parts, and the target when it has one. */
export function formatMemory(name: string, m: MemoryResult): string {
  const n = (b: number) => Math.round(b).toLocaleString('en-US');
  const target = m.target === null ? '' : `, target ≤ ${n(m.target)}: ${m.met ? 'met' : 'MISSED'}`;
  return `${name}: ${n(m.bytes)} bytes per ${m.per} (heap ${n(m.heap_bytes)}, external ${n(m.external_bytes)})${target}`;
}
