import type { Level } from '../messages/common.js';
import type { OverrideSignalClaims } from '../messages/override-signal.js';

/**
 * A signal to issue: its claims without what the control plane fills in — `ctl`, the order, the action digest —
 * and with `jti`, `iat`, `exp` and `deadline` optional (defaults of spec §4.11).
 */
export type SignalRequest = Omit<
  OverrideSignalClaims,
  'ctl' | 'epoch' | 'seq' | 'act_digest' | 'jti' | 'iat' | 'exp' | 'deadline'
> &
  Partial<Pick<OverrideSignalClaims, 'jti' | 'iat' | 'exp' | 'deadline'>>;

/** Default lifetime (`exp − iat`) and deadline (`deadline − iat`) per level, in seconds (spec §4.11). */
export const SIGNAL_DEFAULTS: Readonly<Record<Level, { lifetime: number; deadline: number }>> = {
  advisory: { lifetime: 3600, deadline: 300 },
  mandatory: { lifetime: 900, deadline: 60 },
  emergency: { lifetime: 300, deadline: 5 },
};
