import type { Clock, DagNode, PrivateKey, RandomSource } from '@safety-net/core';
import { ovError } from '../errors.js';
import type { GuardTimers } from '../guard/options.js';
import type { ArtefactVerifiers } from './artefacts.js';
import type { RecordDag } from './dag-recording.js';
import type { EscalationOptions } from './escalation.js';
import type { ControllerStore } from './store.js';

/** Options of {@link OverrideController}. */
export interface ControllerOptions {
  /** The control plane's id: the `ctl` of its signals and the `iss` of what it signs. */
  readonly ctl: string;
  /** The control plane's key: Compliance Evidence, Escalation Records, breaker announcements, Key Revocations. */
  readonly key: PrivateKey;
  /**
   * The operator key that signs the signals `issue` is given as claims (a supervisory system is an operator of the
   * policy); `issue` may name another per call. Signals several operators sign are given as bytes.
   */
  readonly signer?: PrivateKey;
  readonly store: ControllerStore;
  /** This instance's id for delivery claims (spec §10). Default: a random one. */
  readonly instance?: string;
  readonly clock?: Clock;
  readonly random?: RandomSource;
  /** Timers for retries, per-attempt timeouts and deadlines, injectable so that tests need not wait. */
  readonly timers?: GuardTimers;
  /**
   * The `fetch` HTTP pushes use. Default: node:http and node:https where the runtime has them (connections kept
   * alive, no Request and Response objects per push), else the global `fetch`. Redirects are not followed.
   */
  readonly fetch?: typeof fetch;
  /** Verification skew in seconds (default 30): evidence is signed at `deadline` + skew (spec §7.7). */
  readonly skew?: number;
  /**
   * How long one HTTP push may take before it counts as unanswered and is retried, in ms (default 2 000). The pushes
   * a fan-out starts together share one timeout, measured from the first of them (spec §7.6).
   */
  readonly attemptTimeoutMs?: number;
  /**
   * How long a delivery claim lasts, in ms (default 15 000, spec §10); the instance renews the claims it still works
   * every third of it, so only a stopped instance's claims lapse.
   */
  readonly claimMs?: number;
  /** Most HTTP pushes in flight at once (default 256, spec §4.11). */
  readonly concurrency?: number;
  /**
   * The work ECTs the rest of the system saw (e.g. an `EctDag`, or an audit log's `AuditedWork`), read at evidence
   * time for the `no_ect_after_halt` check; without it, or when it fails (reported to `onError`), that check is
   * `unknown`.
   */
  readonly work?: () => Iterable<DagNode> | Promise<Iterable<DagNode>>;
  /**
   * Whose BETs and rollback records `submit` trusts, for the `bet_under_profile` and `rollback_complete` checks
   * (spec §7.7); without them those records are refused and the checks stay `unknown`.
   */
  readonly verifiers?: ArtefactVerifiers;
  readonly escalation?: EscalationOptions;
  /**
   * The ECT DAG the control plane inserts every signal, acknowledgement, evidence, escalation record, revocation,
   * lease, heartbeat and Hand-off it signs or verifies into, as its node (spec §10), e.g. the `EctDag` that `work`
   * reads. A node it refuses is reported to `onError`.
   */
  readonly dag?: RecordDag;
  /** Called with a failure of background work (a store failure in a delivery): its claim expires and is resumed. */
  readonly onError?: (error: unknown) => void;
}

/** Refuses options that cannot work, with `ERR_OV_CONFIG_INVALID`. */
export function checkControllerOptions(options: ControllerOptions): void {
  const fail = (what: string) => {
    throw ovError('ERR_OV_CONFIG_INVALID', what);
  };
  if (typeof options?.ctl !== 'string' || options.ctl.length === 0) fail('ctl must be a non-empty id');
  if (typeof options.key !== 'object' || options.key === null) fail('key must be the control plane’s private key');
  if (typeof options.store?.issue !== 'function') fail('store must be a ControllerStore');
  const positive = (name: string, v: number | undefined, max: number) => {
    if (v !== undefined && !(Number.isSafeInteger(v) && v > 0 && v <= max)) fail(`${name} must be in 1..${max}`);
  };
  positive('attemptTimeoutMs', options.attemptTimeoutMs, 600_000);
  positive('claimMs', options.claimMs, 3_600_000);
  positive('concurrency', options.concurrency, 65_536);
  if (options.skew !== undefined && !(Number.isSafeInteger(options.skew) && options.skew >= 0 && options.skew <= 300))
    fail('skew must be in 0..300 seconds');
}
