import { decodeCbor, decodeSign1, publicKeyOf } from '@safety-net/core';
import {
  type ApprovalDecisionClaims,
  approvalDecision,
  approvalRequest,
  complianceEvidence,
  MemoryControllerStore,
  OverrideController,
  type OverrideGuard,
} from '@safety-net/override-protocol';
import type { VectorContext } from './context.js';
import { VectorMismatch } from './context.js';

/** The timers an `ov-guard` vector shares between its guard and its control plane: fired only by `advance_seconds`. */
export interface VectorTimers {
  set(ms: number, run: () => void): unknown;
  clear(handle: unknown): void;
}

const claimsOf = <C>(type: { fromCbor(v: never): unknown; parse(v: unknown): C }, bytes: Uint8Array): C =>
  type.parse(type.fromCbor(decodeCbor(decodeSign1(bytes).payload!) as never));

/**
 * The approval decision a step describes: its template completed with the request the guard has pending (its `jti`
 * is the implementation's, so the vector cannot fix it), signed with the step's key.
 */
export function decisionFromTemplate(
  guard: OverrideGuard,
  template: Record<string, unknown>,
  signer: string,
  context: VectorContext,
): Uint8Array {
  const pending = guard.pendingApprovals();
  if (pending.length !== 1)
    throw new VectorMismatch(`a decision step needs one pending request, not ${pending.length}`);
  const request = claimsOf(approvalRequest, pending[0]!);
  const pred = Array.isArray(template.pred) ? (template.pred as string[]) : [];
  const claims = { ...template, request: request.jti, pred: [request.jti, ...pred] } as ApprovalDecisionClaims;
  return approvalDecision.sign(claims, context.privateKey(signer));
}

/** A control plane beside the guard (`override-protocol.md` §10): it records signals, acknowledgements and records. */
export function vectorControlPlane(
  setup: { ctl: string; agent: string; agent_key: string; ctl_key: string; tasks?: string[]; workflows?: string[] },
  context: VectorContext,
  clock: { now(): number },
  timers: VectorTimers,
): OverrideController {
  const controller = new OverrideController({
    ctl: setup.ctl,
    key: context.privateKey(setup.ctl_key),
    store: new MemoryControllerStore(),
    instance: 'vector',
    clock,
    timers,
  });
  // No endpoint and no in-process connection: the signal waits in the agent's outbox; the vector hands it over.
  controller.registerAgent({
    id: setup.agent,
    key: publicKeyOf(context.key(setup.agent_key)),
    ...(setup.tasks ? { tasks: setup.tasks } : {}),
    ...(setup.workflows ? { workflows: setup.workflows } : {}),
  });
  return controller;
}

/** The control plane's evidence for the vector's agent, once the signal has settled (the vector moved the clock). */
export async function evidenceOf(controller: OverrideController, jti: string) {
  const settled = await Promise.race([
    controller.settled(jti),
    new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 200)),
  ]);
  if (settled === undefined) throw new VectorMismatch(`${jti} has not settled: move the clock past its deadline`);
  if (settled.length !== 1) throw new VectorMismatch(`${jti} settled for ${settled.length} agents, not one`);
  const evidence = claimsOf(complianceEvidence, settled[0]!.evidence);
  return {
    verdict: evidence.verdict,
    checks: evidence.checks.map((c) => ({ kind: c.kind, result: c.result, ...(c.code ? { code: c.code } : {}) })),
  };
}
