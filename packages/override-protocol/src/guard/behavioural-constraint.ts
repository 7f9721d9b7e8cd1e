import {
  type BehavioralProfileClaims,
  behavioralProfile,
  compileProfile,
  Monitor,
  type MonitorOptions,
  type ObservationInputIn,
  type PastAction,
  profileDigest,
} from '@safety-net/behavioral-verification';
import {
  type Clock,
  type KeyResolver,
  type KeySet,
  type PublicKey,
  type RandomSource,
  randomUuid,
  systemRandom,
} from '@safety-net/core';
import { ovError } from '../errors.js';
import type { ConstraintCheck } from './options.js';

/** Options of {@link monitorConstraint}. */
export interface MonitorConstraintOptions {
  /** The agent: the subject a profile must name, and the issuer of the actions its monitor judges. */
  readonly agent: string;
  /** The key(s) of whoever may sign the profiles of `constrain` signals (the agent's operator). */
  readonly profileKey: PublicKey | KeySet | KeyResolver;
  /**
   * The clock profiles are verified at and the monitor's windows run on: the guard's, so that the past actions it
   * hands a monitor fall in its windows at their own times.
   */
  readonly clock?: Clock;
  /** For the task ids of actions that name none. */
  readonly random?: RandomSource;
  /**
   * Options of the monitor made for each constraint (its ECT DAG — pass the agent's own so that sequence rules see
   * what ran before —, limits, `onOutcome`); it always enforces.
   */
  readonly monitor?: Omit<MonitorOptions, 'mode' | 'clock' | 'past'>;
  /** Called with each profile as it takes effect, e.g. to report its digest. */
  readonly onProfile?: (profile: BehavioralProfileClaims) => void;
}

/**
 * The guard's `constrain` option backed by `@safety-net/behavioral-verification` (spec §3.2, §8.1): a `constrain`
 * signal's Behavioral Profile is verified, compiled and put in force at once in a monitor of its own, whose rate and
 * budget windows count the actions the guard hands it as `past`, and through which every action of the constrained
 * scope then runs (`Monitor.guard`). An action the profile blocks, or holds
 * for approval, is refused with the monitor's own refusal (`ERR_BV_ACTION_BLOCKED`, `ERR_BV_APPROVAL_REQUIRED`,
 * with the verdict), and never runs. A profile that does not verify, names another agent or does not compile makes
 * the guard pause itself (`ERR_OV_CONSTRAINT_INVALID`).
 *
 * @example
 * ```ts
 * const guard = await OverrideGuard.open({ ...options, constrain: monitorConstraint({ agent, profileKey }) });
 * ```
 */
export function monitorConstraint(
  options: MonitorConstraintOptions,
): (profile: Uint8Array, past?: readonly PastAction[]) => ConstraintCheck {
  const random = options.random ?? systemRandom;
  return (bytes, past = []) => {
    const result = behavioralProfile.verify(bytes, { key: options.profileKey, clock: options.clock });
    if (!result.ok) throw result.error;
    if (result.claims.sub !== options.agent) {
      throw ovError('ERR_OV_CONSTRAINT_INVALID', `the profile is for ${result.claims.sub}, not ${options.agent}`);
    }
    const monitor = new Monitor(compileProfile(result.claims.rules), {
      ...options.monitor,
      mode: 'enforce',
      past,
      ...(options.clock ? { clock: options.clock } : {}),
    });
    options.onProfile?.(result.claims);
    const check: ConstraintCheck = (action, run) =>
      monitor.guard(
        {
          name: action.name,
          arguments: (action.params ?? {}) as ObservationInputIn['params'],
          jti: action.task ?? `${action.name}-${randomUuid(random)}`,
          wid: action.workflow ?? `ov:${options.agent}`,
          iss: options.agent,
        },
        run,
      );
    return Object.assign(check, { profile: profileDigest(result.claims), rules: result.claims.rules });
  };
}
