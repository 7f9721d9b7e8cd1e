import { type Clock, publicKeyOf } from '@safety-net/core';
import { type TraceGap, type TraceLog, traceWorkflow, type WorkflowTrace } from '@safety-net/cross-domain-audit';
import type { Domain } from './domain.js';
import { oneOfOnePolicy, type Witnessed, witnessCheckpoint } from './witness.js';
import { auditorToken, WID } from './world.js';

/**
 * Each domain submits its latest checkpoint to the supplier's witness (with the size the witness last cosigned for
 * it, 0 for none), so that `…/checkpoint` serves it cosigned: a trace accepts no checkpoint its policy does not.
 */
export async function witnessLatest(
  logs: readonly { domain: Domain; cosigned: number }[],
  witnessUrl: string,
): Promise<Witnessed[]> {
  const witnessed: Witnessed[] = [];
  for (const { domain, cosigned } of logs) {
    witnessed.push(await witnessCheckpoint(domain, witnessUrl, (await domain.log.checkpoint())!, cosigned));
  }
  return witnessed;
}

/**
 * How the auditor reads `domain`'s log: its read API, the 1-of-1 witness policy, the key of the domain's records
 * and the bearer token the domain issued the auditor for its workflow index.
 */
export function auditorLog(domain: Domain, witnessVkey: string): TraceLog {
  return {
    prefix: domain.logUrl,
    policy: oneOfOnePolicy(domain, witnessVkey),
    key: publicKeyOf(domain.key),
    authorization: `Bearer ${auditorToken(domain.name)}`,
  };
}

/** The auditor reconstructs the workflow from the three logs over HTTP (spec §6): timeline, gaps and forks. */
export function traceAcross(domains: readonly Domain[], witnessVkey: string, clock: Clock): Promise<WorkflowTrace> {
  const logs = Object.fromEntries(domains.map((d) => [d.origin, auditorLog(d, witnessVkey)]));
  return traceWorkflow(WID, { logs, clock });
}

/** Step 5: what the auditor's traces found. */
export interface TraceReport {
  /** The latest checkpoint of each log, cosigned by the witness: the size it covers. */
  readonly witnessed: readonly { domain: string; size: number }[];
  /** The status of a workflow index request without the auditor's token. */
  readonly withoutToken: number;
  /** The records in causal order: domain, action, where they are logged, when they started (epoch seconds). */
  readonly timeline: readonly { domain: string; action: string; index: number; start: number }[];
  readonly missing: readonly TraceGap[];
  readonly forks: number;
  /** The same trace once `offline`'s log is no longer served: the records still proven, and the gap named. */
  readonly offline: { readonly timeline: number; readonly missing: readonly TraceGap[] };
}

/**
 * Step 5: every log's latest checkpoint witnessed, then the auditor traces the workflow across the three logs;
 * then `offline` stops serving its log and the auditor traces again.
 */
export async function traceStep(
  logs: readonly { domain: Domain; cosigned: number }[],
  witness: { url: string; vkey: string },
  offline: Domain,
  clock: Clock,
): Promise<TraceReport> {
  const witnessed = await witnessLatest(logs, witness.url);
  const domains = logs.map((l) => l.domain);
  const unauthenticated = await fetch(`${domains[0]!.logUrl}/wid/${WID}`);
  await unauthenticated.body?.cancel();
  const trace = await traceAcross(domains, witness.vkey, clock);
  await offline.stop();
  const partial = await traceAcross(domains, witness.vkey, clock);
  return {
    witnessed: witnessed.map((w, i) => ({ domain: domains[i]!.name, size: w.size })),
    withoutToken: unauthenticated.status,
    timeline: trace.timeline.map((r) => ({
      domain: r.claims.iss,
      action: r.claims.action,
      index: r.index,
      start: r.claims.time.start,
    })),
    missing: trace.missing,
    forks: trace.forks.length,
    offline: { timeline: partial.timeline.length, missing: partial.missing },
  };
}
