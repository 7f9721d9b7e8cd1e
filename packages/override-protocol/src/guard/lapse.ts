import type { KeyResolver, PublicKey } from '@safety-net/core';
import type { LeaseClaims, SafeState } from '../messages/lease.js';
import type { Hold } from './hold.js';

/** Default lapse skew (spec §9), seconds; at most the verification skew of 30 s. */
export const DEFAULT_LAPSE_SKEW = 2;
export const MAX_LAPSE_SKEW = 30;

/** The dead-man's switch of {@link GuardOptions.lease} (spec §9). */
export interface LeaseOptions {
  /** The control plane that grants the leases: their `iss`, and the `ctl` of heartbeats. */
  readonly ctl: string;
  /** The control plane's key, to verify leases with: a local key, never a remote resolver (spec §14). */
  readonly key: PublicKey | KeyResolver;
  /**
   * The safe state an agent is in before its first lease, since it starts in lapse (spec §9). Default `stop`:
   * an agent that never heard from its control plane does nothing.
   */
  readonly initialSafeState?: SafeState;
  /** Seconds a lease lives past its `ttl` before it lapses, 0–30. Default 2. */
  readonly lapseSkew?: number;
  /**
   * A monotonic clock in milliseconds (any origin), which a wall clock set back or forward does not move. Default
   * `performance.now()`.
   */
  readonly monotonic?: () => number;
}

/** When the lease was received, on both clocks (milliseconds). */
export interface Receipt {
  readonly wall: number;
  readonly mono: number;
}

/**
 * Milliseconds until the lease lapses, ≤ 0 once it has: the earlier of `exp + skew` on the wall clock and
 * `receipt + ttl + skew` on the monotonic clock (spec §9), so a wall clock set back cannot keep the agent working
 * and one set forward only makes it lapse sooner.
 */
export function msUntilLapse(
  lease: Pick<LeaseClaims, 'exp' | 'ttl'>,
  receipt: Receipt,
  now: Receipt,
  skewSeconds: number,
): number {
  const byWall = (lease.exp + skewSeconds) * 1000 - now.wall;
  const byMono = receipt.mono + (lease.ttl + skewSeconds) * 1000 - now.mono;
  return Math.min(byWall, byMono);
}

/** The `jti` of the lapse hold of a lease: what a `release` names to lift a lapse into `stop` (spec §9). */
export function lapseHoldId(leaseJti: string): string {
  return `lapse:${leaseJti}`;
}

/** The lapse hold of a lease: the agent-wide safe state of the lease, ordered by the lease's `order`. */
export function lapseHold(lease: LeaseClaims, lapsedAt: number): Hold {
  return {
    jti: lapseHoldId(lease.jti),
    ctl: lease.iss,
    order: lease.order,
    kind: 'lapse',
    level: 'mandatory',
    ...(lease.safe_state === 'stop' ? { category: 1 as const } : {}),
    scope: { kind: 'agent', target: lease.sub, propagate: false },
    safe_state: lease.safe_state,
    lapsed_at: lapsedAt,
    lifted: false,
  };
}

/** A lapse into `pause` is lifted by the next lease issued after it (spec §9); a lapse into `stop` only by a release. */
export function liftedByLease(hold: Hold, lease: Pick<LeaseClaims, 'iat'>): boolean {
  return hold.kind === 'lapse' && hold.safe_state === 'pause' && hold.lapsed_at! < lease.iat;
}
