import { fixedClock, publicKeyOf, seededRandom } from '@safety-net/core';
import { type Answer, OverrideGuard } from '../../src/guard/guard.js';
import { MemoryStateStore } from '../../src/guard/memory-store.js';
import type { GuardOptions } from '../../src/guard/options.js';
import type { OverrideStateStore } from '../../src/guard/state-store.js';
import {
  type ActionName,
  actionDigest,
  authorityPolicy,
  type LeaseClaims,
  lease,
  type OverrideSignalClaims,
  overrideSignal,
} from '../../src/index.js';
import {
  SAMPLE_AGENT,
  SAMPLE_CTL,
  SAMPLE_KEYS,
  SAMPLE_NOW,
  sampleLeaseClaims,
  samplePolicyClaims,
  sampleSignalClaims,
} from '../../src/testing.js';

export const NOW = SAMPLE_NOW;
export const AGENT = SAMPLE_AGENT;
export const SUPERVISOR = 'mailto:sam@example.org';
export const POLICY = authorityPolicy.sign(samplePolicyClaims, SAMPLE_KEYS.authority);

/** A signal by the supervisor (Mandatory, agent scope) unless `overrides` say otherwise, its digest recomputed. */
export function signalClaims(
  jti: string,
  seq: number,
  name: ActionName,
  overrides: Partial<OverrideSignalClaims> = {},
): OverrideSignalClaims {
  const action = { name, params: overrides.action?.params ?? {} };
  return {
    ...sampleSignalClaims,
    iss: SUPERVISOR,
    role: 'supervisor',
    level: 'mandatory',
    category: name === 'stop' ? 1 : undefined,
    jti,
    seq,
    deadline: NOW + 60,
    exp: NOW + 900,
    ...overrides,
    action,
    act_digest: overrides.act_digest ?? actionDigest(action),
  };
}

/** The signed bytes of {@link signalClaims}, by the supervisor unless a key is given. */
export function signal(
  jti: string,
  seq: number,
  name: ActionName,
  overrides: Partial<OverrideSignalClaims> = {},
  key = SAMPLE_KEYS.supervisor,
): Uint8Array {
  return overrideSignal.sign(signalClaims(jti, seq, name, overrides), key);
}

/** A release of `lifts` by the safety officer, whom the sample policy allows to release. */
export function release(
  jti: string,
  seq: number,
  lifts: string[],
  overrides: Partial<OverrideSignalClaims> = {},
): Uint8Array {
  return signal(
    jti,
    seq,
    'release',
    { iss: 'mailto:olu@example.org', role: 'safety_officer', lifts, ...overrides },
    SAMPLE_KEYS.safetyOfficer,
  );
}

/** A Lease of the sample control plane for the sample agent (30 s, safe state stop), varied by `overrides`. */
export function leaseOf(overrides: Partial<LeaseClaims> = {}): Uint8Array {
  const iat = overrides.iat ?? NOW;
  const ttl = overrides.ttl ?? sampleLeaseClaims.ttl;
  return lease.sign({ ...sampleLeaseClaims, exp: iat + ttl, ...overrides, iat, ttl }, SAMPLE_KEYS.ctl);
}

/** A monotonic clock moved by hand, in milliseconds. */
export function manualMonotonic(start = 1_000) {
  let t = start;
  const read = () => t;
  read.advance = (ms: number) => {
    t += ms;
  };
  return read;
}

/** The dead-man's switch options of the sample agent, with a manual monotonic clock. */
export function leaseOptions(monotonic = manualMonotonic()) {
  return { ctl: SAMPLE_CTL, key: publicKeyOf(SAMPLE_KEYS.ctl), monotonic };
}

/** A guard for the sample agent at NOW, with a memory store unless one is given; timers run by hand. */
export async function openGuard(options: Partial<GuardOptions> = {}) {
  const clock = fixedClock(NOW * 1000);
  const timers = new ManualTimers();
  const acks: Uint8Array[] = [];
  const store: OverrideStateStore = options.store ?? new MemoryStateStore();
  const guard = await OverrideGuard.open({
    agent: AGENT,
    key: SAMPLE_KEYS.agent,
    store,
    authority: publicKeyOf(SAMPLE_KEYS.authority),
    policy: POLICY,
    clock,
    random: seededRandom('guard-test'),
    timers,
    onAcknowledgement: (ack) => acks.push(ack),
    ...options,
  });
  return { guard, clock, timers, acks, store };
}

/** Timers that fire when the test says so. */
export class ManualTimers {
  readonly pending = new Map<number, { ms: number; run: () => void }>();
  #next = 0;

  set(ms: number, run: () => void): number {
    this.pending.set(++this.#next, { ms, run });
    return this.#next;
  }

  clear(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  fireAll(): void {
    const due = [...this.pending.values()];
    this.pending.clear();
    for (const t of due) t.run();
  }
}

/** A promise and the functions that settle it, for actions the test finishes by hand. */
export function deferred<T = void>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** The code a signal was refused with, thrown or in a `refused` acknowledgement, or the acknowledgement's status. */
export async function answerOf(answer: Promise<Answer>): Promise<string> {
  try {
    const { claims } = await answer;
    return claims.code ?? claims.status;
  } catch (e) {
    return (e as { code: string }).code;
  }
}

/** The code of what `promise` rejects with, or 'ok'. */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
}
