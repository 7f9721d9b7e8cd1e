import type { Transition } from '../breaker/state.js';
import type { CircuitAnnouncementClaims } from '../messages/circuit-announcement.js';

/** Default lifetime of an announcement: long enough to cross a fleet, short enough that stale news expires. */
export const DEFAULT_ANNOUNCEMENT_LIFETIME_SECONDS = 300;

/** What an announcement needs besides the transition: who announces, and its place in the ECT DAG. */
export interface AnnouncementContext {
  readonly iss: string;
  readonly jti: string;
  readonly wid: string;
  readonly pred?: readonly string[];
  readonly aud?: string | readonly string[];
  /** Default {@link DEFAULT_ANNOUNCEMENT_LIFETIME_SECONDS}. */
  readonly lifetimeSeconds?: number;
}

/**
 * The claims of the Circuit State Announcement of one breaker transition (spec §2.1), ready to sign with
 * `circuitAnnouncement.sign`.
 *
 * @example
 * ```ts
 * breaker.onTransition((t) => broadcast(circuitAnnouncement.sign(announcementOf(t, { iss, jti: uuid(), wid }), key)));
 * ```
 */
export function announcementOf(t: Transition, context: AnnouncementContext): CircuitAnnouncementClaims {
  const iat = t.since;
  return {
    iss: context.iss,
    iat,
    exp: iat + (context.lifetimeSeconds ?? DEFAULT_ANNOUNCEMENT_LIFETIME_SECONDS),
    jti: context.jti,
    wid: context.wid,
    pred: [...(context.pred ?? [])],
    ...(context.aud === undefined ? {} : { aud: typeof context.aud === 'string' ? context.aud : [...context.aud] }),
    breaker: t.breaker,
    dependency: t.dependency,
    state: t.to,
    reason: { ...t.reason },
    since: t.since,
    seq: t.seq,
    ...(t.retryAfter === undefined ? {} : { retry_after: Math.max(t.retryAfter, t.since) }),
    ...(t.domain === undefined ? {} : { domain: t.domain }),
  };
}
