import type { GuardState, StateChange } from '../../src/guard/state-store.js';

/** The state after a change, as the contract states it: what every store must hold once `commit` has returned. */
export function applyChange(state: GuardState, change: StateChange): GuardState {
  const replace = <T>(list: readonly T[], items: readonly T[] | undefined, key: (t: T) => string): T[] => {
    const map = new Map(list.map((t) => [key(t), t]));
    for (const item of items ?? []) map.set(key(item), item);
    return [...map.values()];
  };
  const removed = new Set((change.removeWaiting ?? []).map((w) => `${w.hold}\n${w.lift}`));
  const waitKey = (w: { hold: string; lift: string }) => `${w.hold}\n${w.lift}`;
  return {
    signals: replace(state.signals, change.signal ? [change.signal] : [], (s) => s.jti).filter(
      (s) => !change.forgetSignals?.includes(s.jti),
    ),
    // A lifted hold is dropped, except a lapse hold (spec §8.5).
    holds: replace(state.holds, change.holds, (h) => h.jti).filter((h) => !h.lifted || h.kind === 'lapse'),
    waiting: replace(state.waiting, change.addWaiting, waitKey).filter((w) => !removed.has(waitKey(w))),
    orders: replace(state.orders, change.order ? [change.order] : [], (o) => o.ctl),
    policy: change.policy ?? state.policy,
    revocations: replace(state.revocations, change.revocations, (r) => r.kid),
    ...((change.lease ?? state.lease) ? { lease: change.lease ?? state.lease } : {}),
    approvals: replace(state.approvals, change.approval ? [change.approval] : [], (a) => a.jti).filter(
      (a) => a.jti !== change.closeApproval,
    ),
    actions: replace(state.actions ?? [], change.addActions, (a) => String(a.seq)).filter(
      (a) => change.forgetActionsBefore === undefined || a.seq >= change.forgetActionsBefore,
    ),
  };
}
