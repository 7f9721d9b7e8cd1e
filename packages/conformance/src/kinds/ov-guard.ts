import {
  bytesEqual,
  decodeCbor,
  decodeSign1,
  fromHex,
  isSafetyNetError,
  publicKeyOf,
  seededRandom,
} from '@safety-net/core';
import {
  actionDigest,
  heartbeat,
  MemoryStateStore,
  monitorConstraint,
  OverrideGuard,
} from '@safety-net/override-protocol';
import * as z from 'zod';
import { expectedOf, Hex } from '../format.js';
import { VectorMismatch } from './context.js';
import { defineKind } from './kind.js';
import { attempt, compareOutcome } from './outcome.js';
import { decisionFromTemplate, evidenceOf, vectorControlPlane } from './ov-guard-extras.js';

const Step = z.union([
  z.object({ signal_cose_hex: Hex }).strict(),
  z.object({ policy_cose_hex: Hex }).strict(),
  z.object({ revocation_cose_hex: Hex }).strict(),
  z.object({ lease_cose_hex: Hex }).strict(),
  z.object({ advance_seconds: z.number().int().min(1).max(86_400) }).strict(),
  z.object({ heartbeat: z.literal(true) }).strict(),
  z
    .object({
      run: z
        .object({
          name: z.string().min(1),
          params: z.record(z.string(), z.unknown()).optional(),
          task: z.string().optional(),
          workflow: z.string().optional(),
        })
        .strict(),
    })
    .strict(),
  z.object({ decision: z.record(z.string(), z.unknown()), signer: z.string().min(1) }).strict(),
  z.object({ ctl_issue_cose_hex: Hex }).strict(),
  z.object({ ctl_ack_cose_hex: Hex }).strict(),
  z.object({ ctl_record_cose_hex: Hex }).strict(),
  z.object({ ctl_evidence: z.string().min(1) }).strict(),
]);
const Mode = z.enum(['running', 'constrained', 'paused', 'stopping', 'stopped', 'safe_state']);
const StepOutcome = z.union([
  z
    .object({
      result: z.literal('acknowledged'),
      status: z.string(),
      code: z.string().optional(),
      duplicate: z.boolean(),
      mode: Mode,
    })
    .strict(),
  z.object({ result: z.literal('accepted'), mode: Mode }).strict(),
  z.object({ result: z.literal('error'), error: z.string(), mode: Mode }).strict(),
  z.object({ result: z.literal('advanced'), mode: Mode }).strict(),
  z.object({ result: z.literal('heartbeat'), lapsed_at: z.number().int().optional(), mode: Mode }).strict(),
  z.object({ result: z.literal('started'), mode: Mode }).strict(),
  z
    .object({
      result: z.literal('evidence'),
      verdict: z.string(),
      checks: z.array(z.object({ kind: z.string(), result: z.string(), code: z.string().optional() }).strict()),
      mode: Mode,
    })
    .strict(),
]);
type StepOutcome = z.infer<typeof StepOutcome>;
const RunOutcome = z.union([
  z.object({ result: z.literal('ran'), act_digest: z.string() }).strict(),
  z.object({ result: z.literal('error'), error: z.string() }).strict(),
  z.object({ result: z.literal('waiting') }).strict(),
]);
type RunOutcome = z.infer<typeof RunOutcome>;

const OvGuard = z
  .object({
    input: z
      .object({
        agent: z.string().min(1),
        domains: z.array(z.string()).optional(),
        policy_cose_hex: Hex,
        lease: z
          .object({ ctl: z.string().min(1), initial_safe_state: z.enum(['pause', 'stop']).optional() })
          .strict()
          .optional(),
        control_plane: z
          .object({
            ctl: z.string().min(1),
            tasks: z.array(z.string()).optional(),
            workflows: z.array(z.string()).optional(),
          })
          .strict()
          .optional(),
        steps: z.array(Step).min(1),
      })
      .strict(),
    options: z
      .object({
        agent_key: z.string().min(1),
        authority: z.string().min(1),
        ctl_key: z.string().min(1).optional(),
        profile_key: z.string().min(1).optional(),
      })
      .strict(),
    expected: expectedOf({
      steps: z.array(StepOutcome),
      mode: Mode,
      holds: z.array(z.string()),
      runs: z.array(RunOutcome).optional(),
    }),
  })
  .strict();

/**
 * `ov-guard`: an agent's guard (`override-protocol.md` §8) given a policy, then a sequence of signals, policies and
 * revocations; per step the acknowledgement's status and code (or the error), whether it was a duplicate answered
 * with the recorded acknowledgement, and the mode after it; at the end the mode and the active holds.
 */
export const ovGuard = defineKind('ov-guard', OvGuard, async ({ input, options, expected }, context) => {
  const got = await attempt(async () => {
    // The wall and monotonic clocks move together, only by `advance_seconds` steps; timers are fired as they fall due.
    let elapsed = 0;
    const start = context.clock.now();
    const timers = new Map<number, { at: number; run: () => void }>();
    let next = 0;
    const lease = input.lease;
    if ((lease || input.control_plane) && options.ctl_key === undefined) {
      throw new VectorMismatch('a lease or a control plane needs options.ctl_key');
    }
    const clock = { now: () => start + elapsed };
    const timerSet = {
      set: (ms: number, run: () => void) => {
        timers.set(++next, { at: elapsed + ms, run });
        return next;
      },
      clear: (handle: unknown) => void timers.delete(handle as number),
    };
    const guard = await OverrideGuard.open({
      agent: input.agent,
      key: context.privateKey(options.agent_key),
      store: new MemoryStateStore(),
      authority: publicKeyOf(context.key(options.authority)),
      policy: fromHex(input.policy_cose_hex),
      ...(input.domains ? { domains: input.domains } : {}),
      clock,
      timers: timerSet,
      ...(options.profile_key
        ? {
            constrain: monitorConstraint({
              agent: input.agent,
              profileKey: publicKeyOf(context.key(options.profile_key)),
              clock,
            }),
          }
        : {}),
      ...(lease
        ? {
            lease: {
              ctl: lease.ctl,
              key: publicKeyOf(context.key(options.ctl_key!)),
              monotonic: () => elapsed,
              ...(lease.initial_safe_state ? { initialSafeState: lease.initial_safe_state } : {}),
            },
          }
        : {}),
      random: seededRandom('ov-guard-vector'),
    });
    const controller = input.control_plane
      ? vectorControlPlane(
          { ...input.control_plane, agent: input.agent, agent_key: options.agent_key, ctl_key: options.ctl_key! },
          context,
          clock,
          timerSet,
        )
      : undefined;
    const plane = () => {
      if (!controller) throw new VectorMismatch('a ctl_* step needs input.control_plane');
      return controller;
    };
    const acks = new Map<string, Uint8Array>();
    const steps: StepOutcome[] = [];
    // Actions run to the end of the vector: one waiting for approval settles when a later step decides it.
    const runs: RunOutcome[] = [];
    const settling: Promise<void>[] = [];
    const aborter = new AbortController();
    for (const step of input.steps) {
      try {
        if ('signal_cose_hex' in step) {
          const answer = await guard.receive(fromHex(step.signal_cose_hex));
          const first = acks.get(answer.claims.signal);
          // A duplicate is answered with the acknowledgement recorded for it, byte for byte (§6.4).
          if (answer.duplicate && !(first && bytesEqual(first, answer.ack))) {
            throw new VectorMismatch(`the duplicate ${answer.claims.signal} got another acknowledgement`);
          }
          if (!first) acks.set(answer.claims.signal, answer.ack);
          const { status, code } = answer.claims;
          steps.push({
            result: 'acknowledged',
            status,
            ...(code ? { code } : {}),
            duplicate: answer.duplicate,
            mode: guard.mode(),
          });
        } else if ('advance_seconds' in step) {
          elapsed += step.advance_seconds * 1000;
          for (const [handle, timer] of [...timers].sort((a, b) => a[1].at - b[1].at)) {
            if (timer.at > elapsed || !timers.delete(handle)) continue;
            timer.run();
            await new Promise((resolve) => setTimeout(resolve, 0));
          }
          steps.push({ result: 'advanced', mode: guard.mode() });
        } else if ('run' in step) {
          const index = runs.push({ result: 'waiting' }) - 1;
          settling.push(
            guard
              .run(
                step.run,
                async (_signal, action) => actionDigest({ name: action.name, params: action.params ?? {} }),
                {
                  signal: aborter.signal,
                },
              )
              .then(
                (digest) => {
                  runs[index] = { result: 'ran', act_digest: digest };
                },
                (e) => {
                  if (aborter.signal.aborted) return;
                  if (!isSafetyNetError(e)) throw e;
                  runs[index] = { result: 'error', error: e.code };
                },
              ),
          );
          await new Promise((resolve) => setTimeout(resolve, 0));
          steps.push({ result: 'started', mode: guard.mode() });
        } else if ('ctl_evidence' in step) {
          steps.push({ result: 'evidence', ...(await evidenceOf(plane(), step.ctl_evidence)), mode: guard.mode() });
        } else if ('heartbeat' in step) {
          const bytes = guard.heartbeat();
          const claims = heartbeat.parse(heartbeat.fromCbor(decodeCbor(decodeSign1(bytes).payload!) as never));
          steps.push({
            result: 'heartbeat',
            ...(claims.lapsed_at !== undefined ? { lapsed_at: claims.lapsed_at } : {}),
            mode: guard.mode(),
          });
        } else {
          if ('decision' in step) {
            await guard.acceptDecision(decisionFromTemplate(guard, step.decision, step.signer, context));
          } else if ('ctl_issue_cose_hex' in step) await plane().issue(fromHex(step.ctl_issue_cose_hex));
          else if ('ctl_ack_cose_hex' in step) await plane().acknowledge(fromHex(step.ctl_ack_cose_hex));
          else if ('ctl_record_cose_hex' in step) await plane().submit(fromHex(step.ctl_record_cose_hex));
          else if ('lease_cose_hex' in step) await guard.acceptLease(fromHex(step.lease_cose_hex));
          else if ('policy_cose_hex' in step) await guard.acceptPolicy(fromHex(step.policy_cose_hex));
          else await guard.acceptRevocation(fromHex(step.revocation_cose_hex));
          steps.push({ result: 'accepted', mode: guard.mode() });
        }
      } catch (e) {
        if (!isSafetyNetError(e)) throw e;
        steps.push({ result: 'error', error: e.code, mode: guard.mode() });
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 0));
    aborter.abort();
    await Promise.all(settling);
    return { steps, mode: guard.mode(), holds: guard.state('').holds, ...(runs.length > 0 ? { runs } : {}) };
  });
  compareOutcome(expected, got);
});
